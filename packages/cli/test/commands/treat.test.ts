import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeLog, seededRandom } from '@openfuas/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUAS_BIN, runFuas } from '../run-cli.js';

// Three points of the phantom's deepest slice (foci as `fuas plan` places them), 2 s on, 1 s pause: a 9 s session
// (the outcome of what was delivered, computed by every completing run and replay, costs in proportion to it).
const FOCI = [
  [0.0000039183912015516075, -0.08549999999999999, 0.014410006456058957],
  [0.005797649935252366, -0.0865, 0.014410006456058957],
  [-0.005789813152849263, -0.0865, 0.014410006456058957],
];
const PLAN = {
  format: 'openfuas-plan',
  version: 1,
  device: { preset: 'clinical-0.8mhz' },
  sonications: FOCI.map((focus, i) => ({ focus, power: 85, exposure: 2, cooling: 1, slice: 0, label: `S1-P${i + 1}` })),
};
const PLAN_ENERGY = 3 * 85 * 2;
const SUMMARY_KEYS = ['delivered', 'interlocks', 'outcome', 'state', 'stop'];
const KILLS = Number(process.env.OPENFUAS_TREAT_KILLS ?? 3);
if (!Number.isInteger(KILLS) || KILLS < 1)
  throw new Error(`OPENFUAS_TREAT_KILLS must be a whole number ≥ 1, got ${process.env.OPENFUAS_TREAT_KILLS}`);

/** Starts `fuas treat ... --events`, kills it (SIGKILL) after `afterEvents` event lines plus `extraMs`; returns the printed lines. */
function treatAndKill(
  args: string[],
  afterEvents: number,
  extraMs: number,
): Promise<{ lines: string[]; code: number | null; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [FUAS_BIN, 'treat', ...args, '--events'], { env: { ...process.env, OPENFUAS_SOURCE: '1' } });
    const lines: string[] = [];
    let buf = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      lines.push(...parts.filter((l) => l.length > 0));
      if (!killed && lines.length >= afterEvents) {
        killed = true;
        setTimeout(() => child.kill('SIGKILL'), extraMs);
      }
    });
    child.stderr.resume();
    child.on('exit', (code) => resolve({ lines, code, killed: killed && code === null }));
  });
}

describe('fuas treat / fuas log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fuas-treat-'));
  const caseDir = join(dir, 'case');
  const planPath = join(dir, 'plan.json');

  beforeAll(() => {
    const r = runFuas(['case', 'phantom', '--out', caseDir]);
    expect(r.status, r.stderr).toBe(0);
    writeFileSync(planPath, JSON.stringify(PLAN));
  });

  it('refuses bad input with exit 2 naming the problem', () => {
    const a = runFuas(['treat', caseDir, planPath, '--log', join(dir, 'x.log'), '--inject', 'meltdown@3']);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/unknown fault "meltdown"/);
    const b = runFuas(['treat', caseDir, planPath, '--log', join(dir, 'none.log'), '--resume']);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/nothing to resume/);
  }, 120_000);

  it('an injected fault ends with exit 3, the summary names the stop, the log verifies and replays to the same summary', () => {
    const log = join(dir, 'fault.log');
    const r = runFuas(['treat', caseDir, planPath, '--log', log, '--inject', 'coupling-loss@1.23', '--json'], { timeout: 400_000 });
    expect(r.status, r.stderr).toBe(3);
    const s = JSON.parse(r.stdout);
    expect(Object.keys(s).sort()).toEqual(SUMMARY_KEYS);
    expect(s.state).toBe('terminated');
    expect(s.stop.faultTime).toBe(1.23);
    expect(s.stop.time - 1.23).toBeGreaterThan(0);
    expect(s.stop.time - 1.23).toBeLessThanOrEqual(0.1 + 1e-9);
    expect(s.stop.reason).toMatch(/^coupling-loss/);
    expect(s.interlocks).toContainEqual({ time: s.stop.time, code: 'coupling-loss', level: 'error' });
    expect(s.delivered.energy).toBeCloseTo(85 * s.stop.time, 6); // on from 0 to the stop
    expect(s.outcome.energy).toBeGreaterThan(0);
    const v = JSON.parse(runFuas(['log', 'verify', log, '--json']).stdout);
    expect(v).toMatchObject({ valid: true, tornTail: false });
    expect(v.events).toBe(v.lastSeq);
    const rp = runFuas(['log', 'replay', log, '--json'], { timeout: 400_000 });
    expect(rp.status, rp.stderr).toBe(0);
    expect(rp.stdout).toBe(r.stdout);
    // a torn tail: verify still reports valid, with tornTail
    const bytes = readFileSync(log);
    const torn = join(dir, 'torn.log');
    writeFileSync(torn, bytes.subarray(0, bytes.length - 7));
    const t = JSON.parse(runFuas(['log', 'verify', torn, '--json']).stdout);
    expect(t).toMatchObject({ valid: true, tornTail: true });
    expect(t.lastSeq).toBeLessThan(v.lastSeq);
  }, 900_000);

  // The issue asks for 20 kills; each run here pays the CLI start and the acoustics (~10 s of CPU), so CI kills 3 times
  // at random moments of the session (after a random number of printed events, plus 0–300 ms);
  // OPENFUAS_TREAT_KILLS=20 npx vitest run packages/cli/test/commands/treat.test.ts runs the 20.
  it('survives SIGKILL at random moments: printed events are in the log, the log verifies, --resume completes with the plan energy', async () => {
    const log = join(dir, 'crash.log');
    const rng = seededRandom(13);
    const printed: Array<{ seq: number; time: number; type: string }> = [];
    let kills = 0;
    for (let round = 0; round < KILLS; round++) {
      // at 5 × real time the 9 s session takes 1.8 s of wall time: the kills land inside it
      const args = [caseDir, planPath, '--log', log, '--speed', '5', ...(round > 0 ? ['--resume'] : [])];
      const r = await treatAndKill(args, 2 + Math.floor(rng.next() * 6), Math.floor(rng.next() * 300));
      printed.push(...r.lines.map((l) => JSON.parse(l)));
      if (r.killed) kills++;
      const d = decodeLog(new Uint8Array(readFileSync(log)));
      expect(d.valid, d.error).toBe(true);
      const bySeq = new Map(d.events.map((e) => [e.seq, e]));
      for (const p of printed) {
        const e = bySeq.get(p.seq);
        expect(e, `printed event ${p.seq} is in the log`).toBeDefined();
        expect({ seq: e?.seq, time: e?.time, type: e?.type }).toEqual(p);
      }
      const v = JSON.parse(runFuas(['log', 'verify', log, '--json']).stdout);
      expect(v.valid).toBe(true);
    }
    expect(kills).toBeGreaterThan(0);
    const fin = runFuas(['treat', caseDir, planPath, '--log', log, '--resume', '--json'], { timeout: 400_000 });
    expect(fin.status, fin.stderr).toBe(0);
    const s = JSON.parse(fin.stdout);
    expect(s.state).toBe('completed');
    expect(s.delivered.sonications).toBe(3);
    expect(s.delivered.energy).toBeCloseTo(PLAN_ENERGY, 6);
    const d = decodeLog(new Uint8Array(readFileSync(log)));
    expect(d.valid).toBe(true);
    // each kill before the session's end left a crash mark where the next run took over (a kill while the outcome
    // was computed, after the last point, leaves none: the session had completed)
    const crashes = d.events.filter((e) => e.type === 'crash').length;
    expect(crashes).toBeGreaterThan(0);
    expect(crashes).toBeLessThanOrEqual(kills);
    // no point twice: each point completes once, with exactly its planned energy
    const ends = d.events.filter((e) => e.type === 'sonication-end');
    expect(ends.map((e) => e.point)).toEqual([0, 1, 2]);
    for (const e of ends) expect(e.energy as number).toBeCloseTo(170, 6);
    // and the whole crashed-and-resumed session replays bit-identically
    const rp = runFuas(['log', 'replay', log, '--json'], { timeout: 400_000 });
    expect(rp.status, rp.stderr).toBe(0);
    expect(rp.stdout).toBe(fin.stdout);
  }, 1_500_000);
});
