import { type IncomingMessage, type ServerResponse, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ISOLATION_HEADERS } from './static-server.js';

/** The records API's path prefix: what `fuas serve --records URL` forwards. */
export const RECORDS_PREFIX = '/api/v1/';

/** Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection and are not forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

/**
 * Checks and normalises the records server's URL given to `fuas serve --records` (http or https, no path beyond
 * `/`): the workstation reaches the records API at its own origin, so no cross-origin request (and no CORS) is
 * needed under the page's cross-origin isolation.
 */
export function recordsTarget(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--records: ${url} is not a URL (e.g. http://127.0.0.1:8090)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--records: ${url} is not an http(s) URL`);
  if (u.pathname !== '/' || u.search || u.hash)
    throw new Error(`--records: give the server's origin only (e.g. http://127.0.0.1:8090), not ${url}`);
  return u;
}

/**
 * Forwards one request under /api/v1/ to the records server at `target`, streaming both bodies. The answer keeps
 * the records server's status, type and headers and gains the workstation's isolation headers (same origin, so
 * the page may read it); a records server that does not answer gives a JSON 502 like the API's own errors.
 */
export function proxyRecords(target: URL, req: IncomingMessage, res: ServerResponse): void {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  // the normalised path (dot segments resolved), so what is forwarded is what was matched against the prefix
  const url = new URL(req.url ?? '/', 'http://localhost');
  const upstream = send(
    {
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: url.pathname + url.search,
      headers,
    },
    (answer) => {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
      res.writeHead(answer.statusCode ?? 502, { ...out, ...ISOLATION_HEADERS });
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    },
  );
  upstream.on('error', (e: NodeJS.ErrnoException) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({ error: `the records server at ${target.origin} does not answer (${e.code ?? e.message})` });
    res.writeHead(502, { ...ISOLATION_HEADERS, 'Content-Type': 'application/json' }).end(body);
  });
  req.pipe(upstream);
}
