import type { Command } from 'commander';
import * as serve from './serve.js';

/** Every subcommand of `fuas`; each module exports `register(program)`. */
export const commands: Array<{ register: (program: Command) => void }> = [serve];
