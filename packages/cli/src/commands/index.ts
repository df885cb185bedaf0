import type { Command } from 'commander';
import * as caseCommand from './case.js';
import * as field from './field.js';
import * as serve from './serve.js';
import * as thermal from './thermal.js';

/** Every subcommand of `fuas`; each module exports `register(program)`. */
export const commands: Array<{ register: (program: Command) => void }> = [caseCommand, field, serve, thermal];
