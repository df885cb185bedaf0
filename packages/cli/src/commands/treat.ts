import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type FaultInjection,
  FormatError,
  InputError,
  type LogEvent,
  type LogSink,
  type Modality,
  type OperatorPolicy,
  type SessionSettings,
  type SessionSummary,
  TreatmentSession,
  contentHash,
  decodeLog,
  parseFaultInjection,
  expandShots,
  loggedSession,
  parsePlan,
  treatmentDomains,
} from '@openfuas/core';
import { type Command, Option } from 'commander';
import { readJsonFile } from '../io.js';
import { runAction } from '../run-action.js';
import { outcomeJson } from '../treatment-run.js';
import { readCaseFolder } from './case.js';

/** Exit code of a session an interlock terminated (issue 13). */
export const EXIT_TERMINATED = 3;

/**
 * The treatment log on disk: records appended to one file descriptor, and `sync` is fsync(2), so an event the
 * console reports is on stable storage.
 */
export class FileLogSink implements LogSink {
  private readonly fd: number;
  constructor(path: string) {
    this.fd = openSync(path, 'a');
  }
  append(record: Uint8Array): void {
    let at = 0;
    while (at < record.length) at += writeSync(this.fd, record, at, record.length - at);
  }
  sync(): void {
    fsyncSync(this.fd);
  }
  close(): void {
    closeSync(this.fd);
  }
}

/** Drops a torn tail from a log file (truncates it to its last whole record) and syncs; returns the bytes kept. */
export function dropTornTail(path: string, validBytes: number): void {
  const fd = openSync(path, 'r+');
  try {
    if (fstatSync(fd).size > validBytes) {
      ftruncateSync(fd, validBytes);
      fsyncSync(fd);
    }
  } finally {
    closeSync(fd);
  }
}

/** The summary as `--json` prints it: the outcome with exactly the `fuas simulate --json` keys. */
export function summaryJson(s: SessionSummary): SessionSummary {
  return { ...s, outcome: s.outcome ? outcomeJson(s.outcome) : null };
}

function parseSpeed(v: string): number {
  if (v === 'max') return Number.POSITIVE_INFINITY;
  const n = Number(v);
  if (!Number.isFinite(n) || !(n > 0)) throw new InputError('--speed', `expected a positive number or "max", got "${v}"`);
  return n;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface TreatOptions {
  log: string;
  modality?: Modality;
  speed: string;
  operator?: OperatorPolicy;
  inject: string[];
  resume?: boolean;
  json?: boolean;
  events?: boolean;
}

export function register(program: Command): void {
  program
    .command('treat')
    .description('run a plan as a treatment session: simulated patient and monitoring, interlocks, fault injection, a crash-safe log')
    .argument('<case-dir>', 'case folder')
    .argument('<plan.json>', 'plan (format openfuas-plan v1)')
    .requiredOption('--log <file>', 'treatment log (append-only; fsync before an event is reported)')
    .addOption(new Option('--modality <m>', 'guidance: ultrasound B-mode or MR thermometry (default us)').choices(['us', 'mr']))
    .option('--speed <n|max>', 'simulated time per wall time: N × real time, or max (as fast as possible)', 'max')
    .addOption(
      new Option(
        '--operator <o>',
        'plan: as written, with its feedback rule at repeated shots; auto: with the operator rules (stop the repeats on greyscale change, raise power without it) (default plan)',
      ).choices(['auto', 'plan']),
    )
    .option(
      '--inject <fault@seconds...>',
      'inject faults, e.g. coupling-loss@12.5 (repeatable)',
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .option('--resume', 'continue a crashed session from its log (output was off in between)')
    .option('--json', 'print the session summary as JSON on stdout')
    .option('--events', 'print one JSON line per event on stdout once it is durable in the log')
    .action(
      runAction(async (dir: string, planPath: string, opts: TreatOptions) => {
        const speed = parseSpeed(opts.speed);
        const injections: FaultInjection[] = opts.inject.map((s) => parseFaultInjection(s));
        const c = await readCaseFolder(dir);
        const plan = expandShots(parsePlan(await readJsonFile(planPath))); // v1 or v2, one sonication per shot (as the session logs it)
        const logPath = resolve(opts.log);
        let settings: SessionSettings = {
          modality: opts.modality ?? 'us',
          operator: opts.operator ?? 'plan',
          injections,
          seed: 1,
        };
        let logged: readonly LogEvent[] = [];
        let loggedPlan: unknown;
        let patientReadEvery = 0;
        if (opts.resume) {
          if (!existsSync(logPath)) throw new InputError('--log', `${opts.log} does not exist: nothing to resume`);
          const d = decodeLog(new Uint8Array(readFileSync(logPath)));
          if (!d.valid || !d.header) throw new FormatError(opts.log, `not a valid treatment log (${d.error ?? 'no header'})`);
          // the header's plan as written (a log from before plan format v2 holds a version-1 plan): the same plan?
          const fromLog = loggedSession(d.header, opts.log);
          if (contentHash(fromLog.plan, 'plan') !== contentHash(plan, 'plan'))
            throw new InputError(planPath, 'is not the plan this log was started with (plan hash differs)');
          loggedPlan = fromLog.loggedPlan;
          patientReadEvery = fromLog.patientReadEvery;
          const h = d.header.settings as SessionSettings;
          if (opts.modality && opts.modality !== h.modality) throw new InputError('--modality', `the log was run with ${h.modality}`);
          if (opts.operator && opts.operator !== h.operator) throw new InputError('--operator', `the log was run with ${h.operator}`);
          if (injections.length > 0 && contentHash(injections) !== contentHash(h.injections))
            throw new InputError('--inject', 'differs from the faults the log was run with');
          settings = h;
          if (d.tornTail) {
            dropTornTail(logPath, d.validBytes);
            process.stderr.write(`treat: dropped a torn tail after byte ${d.validBytes} of ${opts.log}\n`);
          }
          logged = d.events;
        } else if (existsSync(logPath) && readFileSync(logPath).length > 0) {
          throw new InputError('--log', `${opts.log} already holds a log: give another file, or --resume it`);
        }
        process.stderr.write(`treat: acoustics of ${plan.sonications.length} point(s)...\n`);
        const domains = await treatmentDomains(c, plan);
        const sink = new FileLogSink(logPath);
        const print = (events: readonly LogEvent[]) => {
          if (!opts.events) return;
          for (const e of events) process.stdout.write(`${JSON.stringify({ seq: e.seq, time: e.time, type: e.type })}\n`);
        };
        try {
          const session = new TreatmentSession({
            case: c,
            plan,
            domains,
            settings,
            sink,
            onDurable: print,
            run: { caseDir: resolve(dir), plan: resolve(planPath) },
            ...(loggedPlan !== undefined ? { loggedPlan } : {}),
            patientReadEvery,
          });
          if (opts.resume) {
            process.stderr.write(`treat: replaying ${logged.length} logged event(s)...\n`);
            await session.replay(logged, { resume: true });
          }
          const ended = logged.find((e) => e.type === 'end');
          let summary: SessionSummary;
          if (ended) {
            process.stderr.write('treat: the log holds a finished session\n');
            summary = ended.summary as SessionSummary;
          } else {
            const t0 = performance.now();
            const startTick = session.tick;
            let lastReport = 0;
            await session.runToEnd({
              between: async (tick) => {
                const now = performance.now();
                if (now - lastReport > 1000) {
                  lastReport = now;
                  const d = session.delivered();
                  process.stderr.write(
                    `treat: t ${session.time.toFixed(1)} s, ${session.state}, ${d.sonications}/${plan.sonications.length} points, ${d.energy.toFixed(0)} J\n`,
                  );
                }
                if (Number.isFinite(speed)) {
                  const due = t0 + ((tick - startTick) * 100) / speed;
                  if (due > now) await sleep(due - now);
                }
              },
            });
            process.stderr.write('treat: outcome of what was delivered...\n');
            const outcome = await session.outcome();
            await session.finish(outcome);
            summary = session.summary(outcome);
          }
          if (opts.json) process.stdout.write(`${JSON.stringify(summaryJson(summary))}\n`);
          else if (!opts.events)
            process.stdout.write(
              `${summary.state}: ${summary.delivered.sonications} point(s), ${summary.delivered.energy.toFixed(0)} J` +
                `${summary.stop ? `; stopped at ${summary.stop.time} s: ${summary.stop.reason}` : ''}\n`,
            );
          process.exitCode = summary.state === 'terminated' ? EXIT_TERMINATED : 0;
        } finally {
          sink.close();
        }
      }),
    );
}
