import type { Command } from 'commander';
import * as field from './field.js';
import * as serve from './serve.js';

/** Every subcommand of `fuas`; each module exports `register(program)`. */
export const commands: Array<{ register: (program: Command) => void }> = [field, serve];
