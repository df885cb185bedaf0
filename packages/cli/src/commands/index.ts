import type { Command } from 'commander';
import * as caseCommand from './case.js';
import * as demo from './demo.js';
import * as field from './field.js';
import * as heat from './heat.js';
import * as log from './log.js';
import * as plan from './plan.js';
import * as records from './records.js';
import * as serve from './serve.js';
import * as simulate from './simulate.js';
import * as thermal from './thermal.js';
import * as training from './training.js';
import * as treat from './treat.js';

/** Every subcommand of `fuas`; each module exports `register(program)`. */
export const commands: Array<{ register: (program: Command) => void }> = [
  caseCommand,
  field,
  heat,
  thermal,
  plan,
  simulate,
  demo,
  serve,
  treat,
  log,
  records,
  training,
];
