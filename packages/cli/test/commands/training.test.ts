import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFuas } from '../run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'fuas-training-'));
const write = (name: string, value: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
};
/** exit 2 and exactly one line on stderr naming the problem */
const usageError = (args: string[], pattern: RegExp) => {
  const r = runFuas(args);
  expect(r.status).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines.length).toBe(1);
  expect(lines[0]).toMatch(pattern);
};

describe('fuas training (CLI contract)', () => {
  it('cases --json lists at least 12 graded cases with factors and goals', () => {
    const r = runFuas(['training', 'cases', '--json'], { timeout: 300_000 });
    expect(r.status).toBe(0);
    const list = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(list.length).toBeGreaterThanOrEqual(12);
    for (const c of list) {
      expect(typeof c.id).toBe('string');
      expect(typeof c.title).toBe('string');
      expect(Number.isInteger(c.difficulty) && (c.difficulty as number) >= 1 && (c.difficulty as number) <= 5).toBe(true);
      const f = c.factors as Record<string, unknown>;
      for (const k of ['fibroidDiameterMm', 'position', 't2Type', 'wallThicknessMm', 'bowelInPath', 'maxDepthMm', 'sacrumDistanceMm'])
        expect(f).toHaveProperty(k);
      expect(Array.isArray(c.goals) && (c.goals as unknown[]).every((g) => typeof g === 'string')).toBe(true);
    }
    expect(new Set(list.map((c) => c.difficulty)).size).toBeGreaterThanOrEqual(4);
  }, 330_000);

  it('cusum RESULTS.json --json: params, the plain chart and proficientAt', () => {
    const results = [
      ...Array.from({ length: 3 }, () => ({ case: 'anterior-25-t2', failed: true })),
      ...Array.from({ length: 16 }, () => ({ case: 'anterior-25-t2', failed: false })),
    ];
    const r = runFuas(['training', 'cusum', write('results.json', results), '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out.params).sort()).toEqual(['alpha', 'beta', 'h', 'p0', 'p1']);
    expect(out.chart.length).toBe(19);
    expect(out.chart.slice(0, 3)).toEqual([0, 0, 0]);
    expect(out.chart[3]).toBeCloseTo(Math.log(0.9 / 0.7), 10);
    expect(out.proficientAt).toBe(19); // 16 successes × 0.2513 = 4.02 ≥ h = 3.8 (15 give 3.77)
    const ra = runFuas([
      'training',
      'cusum',
      write(
        'ra.json',
        results.map((x) => ({ ...x, difficulty: 3 })),
      ),
      '--risk-adjusted',
      '--json',
    ]);
    expect(JSON.parse(ra.stdout).riskAdjusted.chart).toEqual(out.chart);
    const custom = JSON.parse(runFuas(['training', 'cusum', join(dir, 'results.json'), '--p0', '0.4', '--json']).stdout);
    expect(custom.params.p0).toBe(0.4);
    expect(custom.params.h).toBeGreaterThan(0);
  }, 300_000);

  it('bad input exits 2 with one clear line', () => {
    usageError(['training', 'case', 'no-such-case', '--out', join(dir, 'x')], /unknown training case "no-such-case"/);
    usageError(['training', 'score', 'anterior-25-t2', join(dir, 'missing.json'), '--json'], /missing\.json/);
    usageError(
      ['training', 'score', 'anterior-25-t2', write('bad-plan.json', { format: 'openfuas-plan', version: 1 }), '--json'],
      /sonications|device/,
    );
    usageError(['training', 'score', 'anterior-25-t2', write('bad.log', 'not a log at all'), '--json'], /not a valid treatment log/);
    usageError(['training', 'cusum', write('obj.json', { case: 'a', failed: true })], /must be a JSON array/);
    usageError(['training', 'cusum', write('yes.json', [{ case: 'a', failed: 'yes' }])], /failed: must be true or false/);
    usageError(['training', 'cusum', write('extra.json', [{ case: 'a', failed: true, fail: 1 }])], /fail/);
    usageError(['training', 'cusum', join(dir, 'results.json'), '--p0', '2'], /p0/);
    usageError(['training', 'cusum', join(dir, 'results.json'), '--bogus'], /unknown option/);
  }, 600_000);

  it('case ID --out DIR writes the case folder and expert-plan.json; score scores a plan against it', () => {
    const out = join(dir, 'case');
    const r = runFuas(['training', 'case', 'anterior-25-t2', '--out', out, '--json'], { timeout: 300_000 });
    expect(r.status).toBe(0);
    for (const f of ['case.json', 'labels.nii.gz', 'image.nii.gz', 'expert-plan.json', 'expert-reference.json', 'expert-acoustics.bin'])
      expect(existsSync(join(out, f))).toBe(true);
    const summary = JSON.parse(r.stdout);
    const plan = JSON.parse(readFileSync(join(out, 'expert-plan.json'), 'utf8'));
    expect(plan.sonications.length).toBe(summary.expert.sonications);
    expect(plan.caseName).toBe('training-anterior-25-t2');
    // the folder is a case folder as `fuas case phantom` writes
    expect(runFuas(['case', 'info', out, '--json']).status).toBe(0);

    const expertArgs = ['--expert', join(out, 'expert-reference.json'), '--json'];
    const s = runFuas(['training', 'score', 'anterior-25-t2', join(out, 'expert-plan.json'), ...expertArgs], { timeout: 300_000 });
    expect(s.status).toBe(0);
    const score = JSON.parse(s.stdout);
    for (const k of ['case', 'score', 'passed', 'npvRatio', 'eef', 'safetyEvents', 'components', 'feedback'])
      expect(score).toHaveProperty(k);
    expect(score.case).toBe('anterior-25-t2');
    expect(score.passed).toBe(true);
    // the expert plan delivers what the expert reference simulated: its outcome (a full simulation reproduces it
    // exactly: core score.test.ts), without simulating it again
    expect(score.npvRatio).toBe(summary.expert.npvRatio);
    expect(s.stderr).toMatch(/the expert's predicted outcome/);
    expect(score.score).toBeGreaterThan(50);
    expect(Object.keys(score.components).sort()).toEqual(['efficiency', 'npv', 'safety', 'time']);

    // a trainee's plan: two expert points, each 1.5 mm aside (no expert focus), scored with the expert's beams from
    // expert-acoustics.bin; without a usable file, with its own beams: the same score within the tolerance of core
    // score.test.ts (0.5 point per component)
    const two = write('two-points.json', {
      ...plan,
      sonications: plan.sonications
        .slice(0, 2)
        .map((x: { focus: number[] }) => ({ ...x, focus: [x.focus[0] - 1.5e-3, x.focus[1], x.focus[2]] })),
    });
    const r2 = runFuas(['training', 'score', 'anterior-25-t2', two, ...expertArgs], { timeout: 300_000 });
    expect(r2.stderr).toMatch(/simulated with the expert's beams \(0 beam computation/);
    const t = JSON.parse(r2.stdout);
    expect(t.passed).toBe(false);
    expect(t.score).toBeLessThan(score.score);
    expect(t.feedback.join(' ')).toMatch(/NPV ratio/);
    // a file that is no acoustics file beside the reference: a note on stderr, and the plan's own beams
    writeFileSync(join(out, 'expert-acoustics.bin'), 'not gzip');
    const r3 = runFuas(['training', 'score', 'anterior-25-t2', two, ...expertArgs], { timeout: 300_000 });
    expect(r3.status).toBe(0);
    expect(r3.stderr).toMatch(/expert-acoustics\.bin not used \(not a readable acoustics file\)/);
    expect(r3.stderr).toMatch(/training score: simulated \([1-9]\d* beam computation/);
    const t3 = JSON.parse(r3.stdout);
    for (const k of ['npv', 'efficiency', 'safety', 'time']) expect(Math.abs(t.components[k] - t3.components[k])).toBeLessThanOrEqual(0.5);
    expect(t3.safetyEvents).toEqual(t.safetyEvents);
    usageError(
      ['training', 'score', 'anterior-35-t3', join(out, 'expert-plan.json'), '--expert', join(out, 'expert-reference.json')],
      /expert reference of case "anterior-25-t2"/,
    );
  }, 600_000);
});
