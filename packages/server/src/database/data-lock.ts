import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LimitError } from '@openfuas/core';

/**
 * One process at a time may open a data folder: PGlite is a single-process database and two writers would
 * corrupt it. The lock file holds the owner's pid; a lock left by a process that no longer runs (kill -9,
 * power loss) is taken over.
 */
export function lockDataFolder(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'openfuas.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new LimitError(`data folder ${dir} is in use by process ${pid} (lock ${path}); stop it first`);
      }
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw new LimitError(`cannot lock data folder ${dir}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
