export { buildProgram, main } from './main.js';
export { WorkerPoolExecutor } from './parallel/worker-pool.js';
export { CliUsageError, EXIT_USAGE, runAction } from './run-action.js';
