import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FUAS_BIN = fileURLToPath(new URL('../../cli/bin/fuas.js', import.meta.url));

/** `fuas records serve` as a child process (from the sources), resolved once it prints its URL. */
export function startRecordsServer(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [FUAS_BIN, 'records', 'serve', '--port', '0', ...args], {
    env: { ...process.env, OPENFUAS_SOURCE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /(http:\/\/[^\s]+)\/api\/v1/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`records server exited (${code}) before listening: ${err || out}`)));
  });
}
