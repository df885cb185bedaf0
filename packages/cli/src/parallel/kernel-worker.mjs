// Plain-JS bootstrap of a pool worker: Node 20 does not apply `--import` loaders to a worker's entry file,
// so register tsx here, then load the TypeScript worker body.
import { register } from 'tsx/esm/api';

register();
await import('./kernel-worker.ts');
