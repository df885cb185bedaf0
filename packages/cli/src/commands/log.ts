import { readFileSync } from 'node:fs';
import {
  FormatError,
  InputError,
  TreatmentSession,
  checkLogHashes,
  decodeLog,
  loggedSession,
  treatmentDomains,
  verifyLog,
} from '@openfuas/core';
import type { SessionSummary } from '@openfuas/core';
import type { Command } from 'commander';
import { runAction } from '../run-action.js';
import { readCaseFolder } from './case.js';
import { summaryJson } from './treat.js';

function readLog(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    throw new InputError(file, `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

export function register(program: Command): void {
  const log = program.command('log').description('treatment logs: verify their records, replay their sessions');
  log
    .command('verify')
    .description('check every record of a treatment log (framing, checksums, sequence); a torn tail is reported and ignored')
    .argument('<file>', 'treatment log')
    .option('--json', 'print { valid, events, lastSeq, tornTail, planHash } on stdout')
    .action(
      runAction((file: string, opts: { json?: boolean }) => {
        const v = verifyLog(readLog(file));
        if (opts.json) process.stdout.write(`${JSON.stringify(v)}\n`);
        else
          process.stdout.write(
            `${v.valid ? 'valid' : 'INVALID'}: ${v.events} event(s), last seq ${v.lastSeq}${v.tornTail ? ', torn tail dropped' : ''}, plan ${v.planHash}\n`,
          );
        process.exitCode = v.valid ? 0 : 1;
      }),
    );
  log
    .command('replay')
    .description('re-run a logged session from its plan and settings and check it is bit-identical; print its summary')
    .argument('<file>', 'treatment log')
    .option('--case <dir>', 'case folder (default: the one the log was run on)')
    .option('--json', 'print the summary as `fuas treat --json` did')
    .action(
      runAction(async (file: string, opts: { case?: string; json?: boolean }) => {
        const d = decodeLog(readLog(file));
        if (!d.valid || !d.header) throw new FormatError(file, `not a valid treatment log (${d.error ?? 'no header'})`);
        const run = (d.header as { run?: { caseDir?: string } }).run;
        const dir = opts.case ?? run?.caseDir;
        if (!dir) throw new InputError('--case', 'the log does not name its case folder: give --case');
        const c = await readCaseFolder(dir);
        // the plan as the log holds it (a version-1 plan keeps its hash), and the read pattern of the console that
        // wrote it (the workstation's), so that a log from either replays bit-identically
        const logged = loggedSession(d.header, file);
        const plan = logged.plan;
        process.stderr.write(`replay: acoustics of ${plan.sonications.length} point(s)...\n`);
        const domains = await treatmentDomains(c, plan);
        const session = new TreatmentSession({ case: c, domains, ...logged });
        checkLogHashes(session, d.header, file);
        process.stderr.write(`replay: ${d.events.length} event(s)...\n`);
        await session.replay(d.events);
        let summary: SessionSummary;
        if (d.events.some((e) => e.type === 'end')) {
          const outcome = await session.outcome();
          await session.finish(outcome); // compared with the logged end event
          summary = session.summary(outcome);
        } else summary = session.summary(null);
        process.stderr.write(`replay: identical to the log (${d.events.length} events)\n`);
        if (opts.json) process.stdout.write(`${JSON.stringify(summaryJson(summary))}\n`);
        else
          process.stdout.write(`${summary.state}: ${summary.delivered.sonications} point(s), ${summary.delivered.energy.toFixed(0)} J\n`);
      }),
    );
}
