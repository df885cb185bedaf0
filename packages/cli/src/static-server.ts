import { constants } from 'node:fs';
import { type FileHandle, open, realpath } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.gz': 'application/gzip',
  '.nii': 'application/octet-stream',
  '.woff2': 'font/woff2',
};

/**
 * Headers every response carries. Cross-origin isolation (COOP + COEP) is what lets the page use
 * SharedArrayBuffer for the simulation's Web Workers.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
} as const;

/** An open regular file inside the root, with its size; null when there is none to serve. */
async function openInside(realRoot: string, path: string): Promise<{ fh: FileHandle; size: number; path: string } | null> {
  // resolve symlinks, then require the real path to stay inside the real root (no escape through a link)
  const real = await realpath(path).catch(() => null);
  if (!real || (real !== realRoot && !real.startsWith(realRoot + sep))) return null;
  // non-blocking and without following a last-moment symlink: a FIFO or device never wedges the server
  const fh = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW).catch(() => null);
  if (!fh) return null;
  const info = await fh.stat().catch(() => null);
  if (info?.isDirectory()) {
    await fh.close();
    return openInside(realRoot, join(real, 'index.html'));
  }
  if (!info?.isFile()) {
    await fh.close();
    return null;
  }
  return { fh, size: info.size, path: real };
}

export interface StaticServerOptions {
  /** requests whose path starts with `prefix` go to `handle` instead of the files (`fuas serve --records`) */
  forward?: { prefix: string; handle: (req: IncomingMessage, res: ServerResponse) => void };
}

/**
 * Serves the regular files of `root` (the built workstation); unknown paths fall back to index.html. Only
 * regular files whose real path lies inside the root are served (symlinks out of it, FIFOs, sockets and
 * devices are not); a file is opened once and streamed from that handle, so a file that vanishes or is
 * replaced during a rebuild gives a 404 or the old bytes, never a crash.
 */
export function createStaticServer(root: string, options: StaticServerOptions = {}): Server {
  const base = resolve(root);
  let realRoot: string | null = null;
  return createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (options.forward && url.pathname.startsWith(options.forward.prefix)) {
        options.forward.handle(req, res);
        return;
      }
      realRoot ??= await realpath(base);
      const decoded = decodeURIComponent(url.pathname);
      const path = normalize(join(base, decoded));
      if (decoded.includes('\0') || (path !== base && !path.startsWith(base + sep))) {
        res.writeHead(403, ISOLATION_HEADERS).end('forbidden');
        return;
      }
      const file = (await openInside(realRoot, path)) ?? (await openInside(realRoot, join(base, 'index.html')));
      if (!file) {
        res.writeHead(404, ISOLATION_HEADERS).end('not found');
        return;
      }
      res.writeHead(200, {
        ...ISOLATION_HEADERS,
        'Content-Type': MIME[extname(file.path)] ?? 'application/octet-stream',
        'Content-Length': file.size,
        'Cache-Control': file.path.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
      if (req.method === 'HEAD' || file.size === 0) {
        await file.fh.close();
        res.end();
        return;
      }
      // exactly the bytes fstat counted (a file growing meanwhile cannot break Content-Length)
      const stream = file.fh.createReadStream({ start: 0, end: file.size - 1, autoClose: true });
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    } catch {
      if (!res.headersSent) res.writeHead(400, ISOLATION_HEADERS).end('bad request');
      else res.destroy();
    }
  });
}

/** Listens on `port` (0 = any free port) at `host`; resolves with the port actually bound. */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolvePort(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
