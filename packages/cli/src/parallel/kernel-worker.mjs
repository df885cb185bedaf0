// Plain-JS bootstrap of a pool worker run from the TypeScript sources: Node 20 does not apply the main
// thread's loaders to a worker's entry file, so register tsx and the source condition here, then load the
// worker body. (The compiled CLI starts dist/parallel/kernel-worker.js directly.)
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
const hook = `export async function resolve(s, c, next) { return next(s, { ...c, conditions: ['openfuas-source', ...c.conditions] }); }`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
await import('./kernel-worker.ts');
