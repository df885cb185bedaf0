import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { gunzipSync, gzipSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  type Case,
  type ExerciseScore,
  type ExpertReference,
  FormatError,
  InputError,
  LC_CUSUM_DEFAULTS,
  type LcCusumParams,
  type SimulationOutcome,
  calibrateLcCusum,
  checkDomainsFor,
  decodeLog,
  encodeCaseFiles,
  expertReference,
  lcCusumChart,
  parsePlan,
  provenance,
  rejectUnknownKeys,
  riskAdjustedLcCusumChart,
  samePlanAsExpert,
  scorePlanExercise,
  scoreSessionExercise,
  sessionSummaryOfLog,
  trainingCase,
  trainingCaseList,
  trainingCaseSpec,
} from '@openfuas/core';
import type { Command } from 'commander';
import { checkOutputFolder, parseJsonBytes, readFileBytes, readJsonFile, writeFolder } from '../io.js';
import { checkThreads } from '../heating-output.js';
import { parseIntegerOption, parseRangeOption } from '../options.js';
import { runAction } from '../run-action.js';
import { executorFor } from '../treatment-run.js';
import { isCaseFileName, sha256OfManifest } from './case.js';

const EXPERT_PLAN = 'expert-plan.json';
const EXPERT_REFERENCE = 'expert-reference.json';
/** the expert plan's acoustics (beams, nonlinear sources, near-field run), beside EXPERT_REFERENCE */
const EXPERT_ACOUSTICS = 'expert-acoustics.bin';
const ACOUSTICS_FORMAT = 'openfuas-expert-acoustics/1';

/** The files `fuas training case` writes: the case folder's, the expert plan, its predicted outcome and acoustics. */
function isTrainingCaseFile(name: string): boolean {
  return isCaseFileName(name) || name === EXPERT_PLAN || name === EXPERT_REFERENCE || name === EXPERT_ACOUSTICS;
}

/**
 * The expert reference's acoustics as a file (gzip of a V8 serialization: a cache for this program, not an exchange
 * format): scoring a plan against `--expert` then reuses the expert's beams (scoring-reuse.ts) instead of computing
 * the trainee's own, as it does in the process that planned the expert.
 */
function encodeExpertAcoustics(id: string, c: Case, expert: ExpertReference): Uint8Array {
  return gzipSync(
    serialize({
      format: ACOUSTICS_FORMAT,
      case: id,
      caseHash: physicsHash(c),
      plan: expert.plan,
      domains: expert.domains,
      nearField: expert.nearField,
    }),
    { level: 1 },
  );
}

/**
 * SHA-256 of what the acoustics of a case depend on: grid, labels, structures, target and tissue overrides (not the
 * image, whose file differs from one generation to the next).
 */
function physicsHash(c: Case): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([c.grid, c.structures, c.target, c.tissueOverrides ?? null]));
  h.update(new Uint8Array(c.labels.buffer, c.labels.byteOffset, c.labels.byteLength));
  return h.digest('hex');
}

/** A copy of a deserialized value with every typed array on shared memory (the worker pool's kernels need it). */
function onSharedMemory(v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const sab = new SharedArrayBuffer(v.byteLength);
    new Uint8Array(sab).set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    return new (v.constructor as new (b: ArrayBufferLike) => ArrayBufferView)(sab);
  }
  if (Array.isArray(v)) return v.map(onSharedMemory);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = onSharedMemory(o[k]);
  }
  return v;
}

/**
 * The acoustics file beside an expert reference, when it is that expert plan's on this case (same case id, case.json
 * hash and delivered plan, domains that fit the plan); otherwise null and a note on stderr (scoring then computes the
 * trainee's beams).
 */
async function readExpertAcoustics(
  referencePath: string,
  id: string,
  c: Case,
  expertPlan: ExpertReference['plan'],
): Promise<Pick<ExpertReference, 'domains' | 'nearField'> | null> {
  const path = join(dirname(referencePath), EXPERT_ACOUSTICS);
  if (!existsSync(path)) return null;
  const skip = (why: string) => {
    process.stderr.write(`training score: ${path} not used (${why}): the plan's beams are computed\n`);
    return null;
  };
  let x: { format?: unknown; case?: unknown; caseHash?: unknown; plan?: unknown; domains?: unknown; nearField?: unknown };
  try {
    x = deserialize(gunzipSync(await readFileBytes(path)));
  } catch {
    return skip('not a readable acoustics file');
  }
  if (!x || typeof x !== 'object' || x.format !== ACOUSTICS_FORMAT) return skip('another format');
  if (x.case !== id || x.caseHash !== physicsHash(c)) return skip('written for another case');
  try {
    if (!samePlanAsExpert(parsePlan(x.plan), expertPlan)) return skip('written for another expert plan');
    const domains = onSharedMemory(x.domains) as NonNullable<ExpertReference['domains']>;
    checkDomainsFor(domains, expertPlan);
    return { domains, ...(x.nearField ? { nearField: onSharedMemory(x.nearField) as NonNullable<ExpertReference['nearField']> } : {}) };
  } catch {
    return skip('its acoustics do not fit the expert plan');
  }
}

/** Reads an expert reference written by `fuas training case` (its plan and outcome), checked against the case id. */
async function readExpertReference(path: string, id: string): Promise<Pick<ExpertReference, 'plan' | 'outcome'>> {
  const json = (await readJsonFile(path)) as Record<string, unknown>;
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new FormatError(path, 'expected { case, plan, outcome }');
  rejectUnknownKeys(json, ['case', 'plan', 'outcome', 'provenance'], path);
  if (json.case !== id) throw new InputError('--expert', `${path} is the expert reference of case "${String(json.case)}", not "${id}"`);
  const outcome = json.outcome as SimulationOutcome;
  for (const k of ['npvRatio', 'eef', 'treatmentTime', 'nonPerfusedTargetVolume'] as const)
    if (!outcome || typeof outcome[k] !== 'number' || !Number.isFinite(outcome[k])) throw new FormatError(path, `outcome.${k} is missing`);
  return { plan: parsePlan(json.plan), outcome };
}

/** Whether the bytes are a JSON document (a plan) rather than a treatment log. */
function looksLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
    return b === 0x7b; // '{'
  }
  return false;
}

function scoreJson(s: ExerciseScore) {
  return {
    case: s.case,
    score: s.score,
    passed: s.passed,
    npvRatio: s.npvRatio,
    eef: s.eef,
    safetyEvents: s.safetyEvents,
    components: s.components,
    feedback: s.feedback,
    feedbackItems: s.feedbackItems,
    passNpvRatio: s.passNpvRatio,
  };
}

/** Parses RESULTS.json: `[ { "case": ID, "failed": bool, "difficulty"?: 1..5 } ]` in order. */
function parseResults(json: unknown, path: string): Array<{ case: string; failed: boolean; difficulty?: number }> {
  if (!Array.isArray(json)) throw new InputError(path, 'must be a JSON array of { "case": ID, "failed": bool }');
  return json.map((r, i) => {
    const field = `${path}[${i}]`;
    if (!r || typeof r !== 'object' || Array.isArray(r)) throw new InputError(field, 'must be an object { "case": ID, "failed": bool }');
    rejectUnknownKeys(r as Record<string, unknown>, ['case', 'failed', 'difficulty'], field);
    const o = r as { case?: unknown; failed?: unknown; difficulty?: unknown };
    if (typeof o.case !== 'string' || o.case === '') throw new InputError(`${field}.case`, 'must be a case id (string)');
    if (typeof o.failed !== 'boolean') throw new InputError(`${field}.failed`, `must be true or false, got ${JSON.stringify(o.failed)}`);
    if (o.difficulty !== undefined && !(Number.isInteger(o.difficulty) && (o.difficulty as number) >= 1 && (o.difficulty as number) <= 5))
      throw new InputError(`${field}.difficulty`, `must be an integer 1–5, got ${JSON.stringify(o.difficulty)}`);
    return { case: o.case, failed: o.failed, ...(o.difficulty !== undefined ? { difficulty: o.difficulty as number } : {}) };
  });
}

export function register(program: Command): void {
  const cmd = program.command('training').description('training: graded cases, scored exercises, LC-CUSUM proficiency curves');

  cmd
    .command('cases')
    .description('list the graded case library: id, title, difficulty 1–5 from its factors, learning goals')
    .option('--json', 'print [ { id, title, difficulty, factors, goals, ... } ] on stdout')
    .exitOverride()
    .action(
      runAction((opts: { json?: boolean }) => {
        const list = trainingCaseList();
        if (opts.json) process.stdout.write(`${JSON.stringify(list)}\n`);
        else
          for (const e of list)
            process.stdout.write(
              `${e.id.padEnd(28)} ${'★'.repeat(e.difficulty).padEnd(5)} ${e.title}${e.difficultyTerms.length ? ` (${e.difficultyTerms.map((t) => t.key).join(', ')})` : ''}\n`,
            );
      }),
    );

  cmd
    .command('case')
    .description('write a training case folder (as `fuas case phantom`) with its expert plan (expert-plan.json) and predicted outcome')
    .argument('<id>', 'case id (see `fuas training cases`)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--json', 'print { case, dir, expert: { sonications, npvRatio, eef, treatmentTime } } on stdout')
    .option('--threads <n>', 'worker threads for the acoustics (default 2)', parseIntegerOption('--threads', 1, 64), 2)
    .exitOverride()
    .action(
      runAction(async (id: string, opts: { out: string; json?: boolean; threads: number }) => {
        trainingCaseSpec(id); // unknown id: exit 2 before anything else
        checkThreads(opts.threads);
        await checkOutputFolder(opts.out, '--out', isTrainingCaseFile);
        const { case: c, entry } = trainingCase(id);
        process.stderr.write(`training case ${id} (difficulty ${entry.difficulty}): expert plan and its simulation...\n`);
        const files = encodeCaseFiles(c);
        const caseSha256 = sha256OfManifest(files['case.json'] as Uint8Array);
        const executor = executorFor(opts.threads);
        const expert = await expertReference(c, { executor }).finally(() => executor.dispose());
        const plan = { ...expert.plan, caseName: c.name, caseSha256 };
        const prov = provenance({ 'case.json': caseSha256, case: id });
        await writeFolder(opts.out, {
          ...files,
          [EXPERT_PLAN]: `${JSON.stringify(plan, null, 1)}\n`,
          [EXPERT_REFERENCE]: `${JSON.stringify({ case: id, plan, outcome: expert.outcome, provenance: prov })}\n`,
          ...(expert.domains ? { [EXPERT_ACOUSTICS]: encodeExpertAcoustics(id, c, expert) } : {}),
        });
        const summary = {
          case: id,
          dir: opts.out,
          expert: {
            sonications: plan.sonications.length,
            npvRatio: expert.outcome.npvRatio,
            eef: expert.outcome.eef,
            treatmentTime: expert.outcome.treatmentTime,
          },
        };
        if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
        else
          process.stdout.write(
            `wrote ${opts.out}: case ${id}, ${EXPERT_PLAN} (${plan.sonications.length} points, predicted NPV ratio ${(expert.outcome.npvRatio * 100).toFixed(0)} %)\n`,
          );
      }),
    );

  cmd
    .command('score')
    .description('score a planning exercise (PLAN.json) or a treatment exercise (SESSION.log from `fuas treat`) on a training case')
    .argument('<id>', 'case id')
    .argument('<file>', 'PLAN.json or SESSION.log')
    .option('--expert <file>', `the case's ${EXPERT_REFERENCE} from \`fuas training case\` (default: planned and simulated now)`)
    .option('--no-replay', 'SESSION.log: take the outcome the log holds instead of re-running the session from it')
    .option('--json', 'print { case, score, passed, npvRatio, eef, safetyEvents, components, feedback } on stdout')
    .option('--threads <n>', 'worker threads for the acoustics (default 2)', parseIntegerOption('--threads', 1, 64), 2)
    .exitOverride()
    .action(
      runAction(async (id: string, file: string, opts: { expert?: string; replay: boolean; json?: boolean; threads: number }) => {
        trainingCaseSpec(id);
        checkThreads(opts.threads);
        const bytes = await readFileBytes(file);
        if (bytes.length === 0) throw new InputError(file, 'is empty: expected a plan (JSON) or a treatment log');
        const isPlan = looksLikeJson(bytes);
        const planJson = isPlan ? parseJsonBytes(bytes, file) : null;
        // a bad plan or log: exit 2 before the expert's simulation
        if (isPlan) parsePlan(planJson);
        else {
          const d = decodeLog(bytes);
          if (!d.valid || !d.header) throw new FormatError(file, `not a valid treatment log (${d.error ?? 'no header'})`);
          if (!d.events.some((e) => e.type === 'end'))
            throw new FormatError(file, 'the session has not ended (no end event): finish or --resume it before scoring');
        }
        const expertIn = opts.expert ? await readExpertReference(opts.expert, id) : null;
        const { case: c } = trainingCase(id);
        if (isPlan) {
          const name = (planJson as { caseName?: unknown }).caseName;
          if (typeof name === 'string' && name !== c.name)
            throw new InputError(file, `is a plan for case "${name}", not for training case "${id}" (${c.name})`);
        }
        const executor = executorFor(opts.threads);
        let score: ExerciseScore;
        const t0 = performance.now();
        try {
          let expert: (Pick<ExpertReference, 'plan' | 'outcome'> & Partial<Pick<ExpertReference, 'domains' | 'nearField'>>) | null =
            expertIn;
          if (expert && isPlan && opts.expert) {
            // the expert's acoustics written beside its reference by `fuas training case`: the plan reuses its beams
            const acoustics = await readExpertAcoustics(opts.expert, id, c, expert.plan);
            if (acoustics) expert = { ...expert, ...acoustics };
          }
          if (!expert) {
            process.stderr.write(`training score: expert reference of ${id} (give --expert to reuse one)...\n`);
            expert = await expertReference(c, { executor });
          }
          if (isPlan) {
            process.stderr.write('training score: simulating the plan...\n');
            const scored = await scorePlanExercise(id, c, planJson, expert, { executor });
            const st = scored.stats;
            process.stderr.write(
              st.path === 'same-as-expert'
                ? "training score: the plan delivers the expert plan's sonications: the expert's predicted outcome\n"
                : `training score: ${st.path === 'full' ? 'simulated' : "simulated with the expert's beams"} (${st.beamComputations} beam computation(s))\n`,
            );
            score = scored;
          } else {
            process.stderr.write(`training score: ${opts.replay ? 'replaying' : 'reading'} the session log...\n`);
            const session = await sessionSummaryOfLog(c, bytes, file, { replay: opts.replay }); // serial, as `fuas treat` ran it
            score = scoreSessionExercise(id, c, session, expert);
          }
        } finally {
          await executor.dispose();
        }
        process.stderr.write(`training score: scored in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
        if (opts.json) process.stdout.write(`${JSON.stringify(scoreJson(score))}\n`);
        else
          process.stdout.write(
            `${id}: ${score.score} / 100, ${score.passed ? 'passed' : 'failed'} (NPV ratio ${(score.npvRatio * 100).toFixed(0)} %, EEF ${score.eef.toFixed(1)} J/mm³)\n` +
              score.feedback.map((f) => `  - ${f}\n`).join(''),
          );
      }),
    );

  cmd
    .command('cusum')
    .description("LC-CUSUM proficiency chart of a trainee's results (Biau et al. 2008): p0, p1, alpha, beta and h shown")
    .argument('<results.json>', '[ { "case": ID, "failed": bool, "difficulty"?: 1–5 } ] in order')
    .option('--p0 <rate>', `unacceptable failure rate (default ${LC_CUSUM_DEFAULTS.p0})`, parseRangeOption('--p0', 0.001, 0.999))
    .option('--p1 <rate>', `acceptable failure rate (default ${LC_CUSUM_DEFAULTS.p1})`, parseRangeOption('--p1', 0.001, 0.999))
    .option(
      '--alpha <p>',
      `error: declaring an unacceptable trainee proficient (default ${LC_CUSUM_DEFAULTS.alpha})`,
      parseRangeOption('--alpha', 0.001, 0.499),
    )
    .option(
      '--beta <p>',
      `error: not declaring an acceptable trainee proficient (default ${LC_CUSUM_DEFAULTS.beta})`,
      parseRangeOption('--beta', 0.001, 0.499),
    )
    .option('--risk-adjusted', 'add the chart risk-adjusted by case difficulty (key "riskAdjusted")')
    .option('--json', 'print { params: { p0, p1, alpha, beta, h }, chart, proficientAt } on stdout')
    .exitOverride()
    .action(
      runAction(
        async (file: string, opts: { p0?: number; p1?: number; alpha?: number; beta?: number; riskAdjusted?: boolean; json?: boolean }) => {
          const results = parseResults(await readJsonFile(file), file);
          const custom = opts.p0 !== undefined || opts.p1 !== undefined || opts.alpha !== undefined || opts.beta !== undefined;
          let params: LcCusumParams = LC_CUSUM_DEFAULTS;
          if (custom) {
            // other rates or errors: h and the horizon from the same seeded simulation as the defaults'
            const { simulated: _s, ...p } = calibrateLcCusum(
              opts.p0 ?? LC_CUSUM_DEFAULTS.p0,
              opts.p1 ?? LC_CUSUM_DEFAULTS.p1,
              opts.alpha ?? LC_CUSUM_DEFAULTS.alpha,
              opts.beta ?? LC_CUSUM_DEFAULTS.beta,
            );
            params = p;
          }
          const plain = lcCusumChart(
            results.map((r) => r.failed),
            params,
          );
          const out: Record<string, unknown> = {
            params: { p0: params.p0, p1: params.p1, alpha: params.alpha, beta: params.beta, h: params.h },
            chart: plain.chart,
            proficientAt: plain.proficientAt,
            horizon: params.horizon,
          };
          if (opts.riskAdjusted) {
            const difficulty = new Map<string, number>();
            const withDifficulty = results.map((r) => {
              if (r.difficulty !== undefined) return { failed: r.failed, difficulty: r.difficulty };
              if (!difficulty.has(r.case)) difficulty.set(r.case, trainingCase(r.case).entry.difficulty);
              return { failed: r.failed, difficulty: difficulty.get(r.case) as number };
            });
            const ra = riskAdjustedLcCusumChart(withDifficulty, params);
            out.riskAdjusted = { chart: ra.chart, proficientAt: ra.proficientAt, difficulties: withDifficulty.map((r) => r.difficulty) };
          }
          if (opts.json) process.stdout.write(`${JSON.stringify(out)}\n`);
          else
            process.stdout.write(
              `LC-CUSUM (p0 ${params.p0}, p1 ${params.p1}, alpha ${params.alpha}, beta ${params.beta}, h ${params.h}): ` +
                `${plain.proficientAt === null ? 'not yet proficient' : `proficient at exercise ${plain.proficientAt}`} after ${results.length} exercise(s)\n`,
            );
        },
      ),
    );
}
