import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatePhantom } from '../../src/case/phantom.js';
import { canonicalJson } from '../../src/console/canonical-json.js';
import { checkLogHashes, loggedSession, patientReadEveryOf } from '../../src/console/logged-session.js';
import { MemoryLogSink, decodeLog } from '../../src/console/treatment-log.js';
import { TreatmentSession } from '../../src/console/treatment-session.js';
import { parsePlan } from '../../src/planning/plan.js';
import { treatmentDomains } from '../../src/planning/treatment-domains.js';

// the pre-v2 log and its plan's acoustics, shared by both replays (one point: the acoustics once per file)
const fixture = async () => {
  const bytes = new Uint8Array(readFileSync(new URL('./fixtures/v1-plan-session.log', import.meta.url)));
  const d = decodeLog(bytes);
  if (!d.header) throw new Error('no header');
  const logged = loggedSession(d.header);
  const c = generatePhantom();
  return { d, header: d.header, logged, c, domains: await treatmentDomains(c, logged.plan) };
};
let shared: ReturnType<typeof fixture> | null = null;

describe('replay of logs written by other versions and consoles', () => {
  // A log written by `fuas treat` before plan format v2 (commit 806f4b1; the phantom of `fuas case phantom`, one
  // point of 85 W × 1 s, emergency stop injected at 0.55 s, with its outcome in the end event): its header holds
  // the version-1 plan and that document's hash.
  it('replays a log written before plan format v2 bit-identically (the plan hashed as written)', async () => {
    shared ??= fixture();
    const { d, logged, c, domains } = await shared;
    expect(d.valid).toBe(true);
    if (!d.header) throw new Error('no header');
    expect((d.header.plan as { version: number }).version).toBe(1);
    expect(logged.plan.version).toBe(2);
    expect(logged.patientReadEvery).toBe(0);

    // the migrated plan hashes differently: a session that hashes it (what replay did before) fails the check
    const migrated = new TreatmentSession({ case: c, plan: logged.plan, domains, settings: logged.settings });
    expect(() => checkLogHashes(migrated, d.header as NonNullable<typeof d.header>)).toThrow(/plan in the header does not match/);

    const s = new TreatmentSession({ case: c, domains, ...logged });
    checkLogHashes(s, d.header);
    expect(s.planHash).toBe(d.header.planHash);
    await s.replay(d.events);
    const outcome = await s.outcome();
    await s.finish(outcome); // compared with the logged end event, outcome included
    expect(s.state).toBe('terminated');
    const end = d.events.at(-1) as unknown as { type: string; summary: unknown };
    expect(end.type).toBe('end');
    expect(canonicalJson(s.summary(outcome))).toBe(canonicalJson(end.summary));

    // a header whose plan was edited after the log was written is refused
    const edited = { ...d.header, plan: { ...(d.header.plan as object), caseName: 'other' } };
    expect(() => loggedSession(edited)).toThrow(/does not match its hash/);
    // and a logged plan that is not the session's plan is refused
    const other = parsePlan({ ...(d.header.plan as object), version: 2 });
    other.sonications[0].power = 90;
    expect(() => new TreatmentSession({ case: c, domains, ...logged, plan: other })).toThrow(/not the plan of this session/);
  }, 240_000);

  // The workstation reads its patient every 10 ticks under ultrasound guidance (to show the bubbles) and records
  // it in the header; the patient's solver steps the intervals between reads, so the outcome's last digits depend
  // on it. A replay from the header alone (as `fuas log replay` runs) reads the same way and is bit-identical.
  it('replays a workstation log (patient read every 10 ticks) bit-identically from its header, outcome included', async () => {
    shared ??= fixture();
    const { c, domains, logged: v1 } = await shared;
    // the same point on for 2 s (its acoustics hold): the read at 1 s falls inside the sonication
    const plan = { ...v1.plan, sonications: [{ ...v1.plan.sonications[0], exposure: 2 }] };
    const sink = new MemoryLogSink();
    const settings = {
      modality: 'us' as const,
      operator: 'plan' as const,
      injections: [{ fault: 'emergency-stop' as const, time: 1.25 }],
      seed: 1,
    };
    const s = new TreatmentSession({
      case: c,
      plan,
      domains,
      settings,
      sink,
      patientReadEvery: 10,
      run: { workstation: { patientReadEvery: 10, storage: 'memory' } },
    });
    await s.runToEnd();
    expect(s.state).toBe('terminated');
    const outcome = await s.outcome();
    await s.finish(outcome);
    const d = decodeLog(sink.bytes);
    if (!d.header) throw new Error('no header');
    const logged = loggedSession(d.header);
    expect(logged.patientReadEvery).toBe(10);

    const r = new TreatmentSession({ case: c, domains, ...logged });
    checkLogHashes(r, d.header);
    await r.replay(d.events);
    const o = await r.outcome();
    await r.finish(o); // the end event (its outcome) compared number by number
    expect(canonicalJson(r.summary(o))).toBe(canonicalJson(s.summary(outcome)));

    // reading the patient otherwise (as `fuas log replay` did before) changes the outcome's last digits: refused
    const other = new TreatmentSession({ case: c, domains, ...logged, patientReadEvery: 0 });
    await other.replay(d.events);
    await expect(other.outcome().then((x) => other.finish(x))).rejects.toThrow(/diverged at event/);
  }, 240_000);

  it('refuses a header whose read pattern is not a whole number of ticks', () => {
    const header = {
      kind: 'header',
      format: 'openfuas-treatment-log',
      version: 1,
      planHash: '',
      settingsHash: '',
      plan: {},
      settings: {},
    } as const;
    expect(patientReadEveryOf(header)).toBe(0);
    expect(patientReadEveryOf({ ...header, run: { workstation: { patientReadEvery: 10 } } } as typeof header)).toBe(10);
    for (const bad of [-1, 2.5, '10'])
      expect(() => patientReadEveryOf({ ...header, run: { workstation: { patientReadEvery: bad } } } as typeof header)).toThrow(
        /patientReadEvery must be a whole number/,
      );
  });
});
