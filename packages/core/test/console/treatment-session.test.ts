import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/case/seeded-random.js';
import type { Case } from '../../src/case/case.js';
import { FAULT_NAMES, type FaultName } from '../../src/console/faults.js';
import { MemoryLogSink, decodeLog } from '../../src/console/treatment-log.js';
import { CONTROL_TICK, type SessionSettings, TreatmentSession } from '../../src/console/treatment-session.js';
import type { Plan } from '../../src/planning/plan.js';
import type { TreatmentDomains } from '../../src/planning/treatment-domains.js';
import { consoleFixture } from './console-fixture.js';

let c: Case;
let plan: Plan;
let domains: TreatmentDomains;

beforeAll(async () => {
  ({ c, plan, domains } = await consoleFixture());
}, 240_000);

function session(settings: Partial<SessionSettings> = {}, sink = new MemoryLogSink()) {
  const s = new TreatmentSession({
    case: c,
    plan,
    domains,
    settings: { modality: 'us', operator: 'plan', injections: [], seed: 1, ...settings },
    sink,
  });
  return { s, sink };
}

const planEnergy = () => plan.sonications.reduce((e, p) => e + p.power * p.exposure, 0);

describe('treatment session', () => {
  it('runs the plan as written (MR guidance): every point once, the plan energy, a valid log that replays bit-identically', async () => {
    const { s, sink } = session({ modality: 'mr' });
    await s.runToEnd();
    expect(s.state).toBe('completed');
    const d = s.delivered();
    expect(d.sonications).toBe(3);
    expect(d.energy).toBeCloseTo(planEnergy(), 9);
    expect(d.sonicationTime).toBeCloseTo(6, 9);
    // pauses: each point starts no earlier than the previous one's end plus its cooling
    const starts = s.fragments.map((f) => f.start);
    expect(starts[1] - (starts[0] + 2)).toBeGreaterThanOrEqual(3 - 1e-9);
    await s.finish(null);
    const log = decodeLog(sink.bytes);
    expect(log.valid).toBe(true);
    expect(log.header?.planHash).toBe(s.planHash);
    const types = log.events.map((e) => e.type);
    expect(types.filter((t) => t === 'thermometry').length).toBe(5); // a map every 3 s over 15 s
    expect(types[types.length - 1]).toBe('end');
    // measured maps read lower than the truth at the focus (2.5 mm voxels average the peak)
    expect(s.patient.maxTemperature.reduce((a, b) => Math.max(a, b), 0)).toBeGreaterThan(50);

    const r = new TreatmentSession({ case: c, plan, domains, settings: s.settings });
    await r.replay(log.events);
    await r.finish(null); // compares the end event too
    expect(r.state).toBe('completed');
    expect(r.patient.temperature).toEqual(s.patient.temperature);

    // a replay is compared number by number: a changed logged value makes it fail
    const i = log.events.findIndex((e) => e.type === 'thermometry');
    const tampered = log.events.map((e, k) => (k === i ? { ...e, nearFieldTemperature: (e.nearFieldTemperature as number) + 1e-12 } : e));
    const t = new TreatmentSession({ case: c, plan, domains, settings: s.settings });
    await expect(t.replay(tampered)).rejects.toThrow(/diverged at event/);
  }, 240_000);

  it('refuses a plan whose beam cone misses the case’s couch window (the device geometry simulatePlan enforces)', () => {
    expect(c.couch).toBeDefined();
    const narrow = { ...c, couch: { ...(c.couch as NonNullable<Case['couch']>), windowRadius: 0.005 } };
    expect(
      () => new TreatmentSession({ case: narrow, plan, domains, settings: { modality: 'us', operator: 'plan', injections: [], seed: 1 } }),
    ).toThrow(/plan\.sonications\[0\]\.focus.*couch window/);
    // the case's own window passes the same plan
    expect(() => session()).not.toThrow();
  });

  it('follows operator actions: pause, resume, a refused out-of-limits power, a power change, skip, and emergency stop', async () => {
    const { s, sink } = session();
    await s.step(); // lock, arm, start point 0
    expect(s.state).toBe('sonicating');
    s.act({ type: 'pause' });
    await s.step();
    expect(s.state).toBe('paused');
    const before = s.delivered().energy;
    await s.step();
    expect(s.delivered().energy).toBe(before); // no output while paused
    expect(() => s.act({ type: 'start' })).toThrow(/not allowed/);
    s.act({ type: 'setParameters', power: 9000 }); // beyond the device (520 W): refused, logged
    s.act({ type: 'setParameters', power: 100 });
    s.act({ type: 'resume' });
    await s.step();
    expect(s.state).toBe('sonicating');
    const ev = decodeLog(sink.bytes).events;
    expect(ev.some((e) => e.type === 'action-refused' && String(e.reason).includes('outside the device'))).toBe(true);
    expect(s.delivered().energy - before).toBeCloseTo(100 * CONTROL_TICK, 9);
    s.act({ type: 'stop' }); // ends this point early
    await s.step();
    expect(s.state).toBe('cooling');
    while (s.state !== 'armed') await s.step();
    s.act({ type: 'skipPoint' });
    await s.step();
    const pressed = s.deliveredPerPoint().onTime[2];
    s.act({ type: 'emergencyStop' });
    const off = s.tick;
    await s.step();
    expect(s.state).toBe('terminated');
    expect(s.stop?.reason).toMatch(/^emergency-stop/);
    expect(s.stop?.time).toBeCloseTo((off + 1) * CONTROL_TICK, 9);
    // point 1 was skipped; point 2 started after the skip and got at most one tick after the button was pressed
    const per = s.deliveredPerPoint();
    expect(per.onTime[1]).toBe(0);
    expect(per.onTime[2] - pressed).toBeLessThanOrEqual(CONTROL_TICK + 1e-12);
    expect(() => s.act({ type: 'start' })).toThrow(/terminated/);
  }, 240_000);

  it("auto operator (US): a point without greyscale change raises the next point's power by 10 % within the device limits", async () => {
    const { s, sink } = session({ operator: 'auto' });
    await s.runToEnd();
    expect(s.state).toBe('completed');
    const ev = decodeLog(sink.bytes).events;
    const ends = ev.filter((e) => e.type === 'sonication-end');
    expect(ends.every((e) => typeof e.greyChange === 'number')).toBe(true);
    const raised = ev.filter((e) => e.type === 'state' && e.action === 'setParameters');
    // each raise follows a point whose greyscale change stayed under the rule's 10 grey levels
    for (const r of raised) {
      const before = ends.filter((e) => e.seq < r.seq).pop();
      expect(before?.greyChange as number).toBeLessThan(10);
    }
    const per = s.deliveredPerPoint();
    for (const r of raised) expect(per.energy[r.point as number]).toBeCloseTo((r.power as number) * 2, 9);
    if (raised.length > 0) expect(raised[0].power).toBeCloseTo(85 * 1.1, 9);
    expect(raised.length).toBe(ends.filter((e, i) => i < ends.length - 1 && (e.greyChange as number) < 10).length);
  }, 240_000);

  it('re-plans the remaining points: order and parameters, a delivered point refused', async () => {
    const { s, sink } = session();
    await s.step();
    s.act({ type: 'pause' });
    await s.step();
    s.act({
      type: 'replan',
      points: [
        { point: 0, power: 90, exposure: 1, cooling: 2 },
        { point: 2, power: 90, exposure: 1, cooling: 2 },
      ],
    });
    await s.step();
    s.act({
      type: 'replan',
      points: [
        { point: 2, power: 90, exposure: 1, cooling: 2 },
        { point: 1, power: 95, exposure: 1, cooling: 2 },
      ],
    });
    s.act({ type: 'resume' });
    await s.runToEnd();
    expect(s.state).toBe('completed');
    const ev = decodeLog(sink.bytes).events;
    expect(ev.filter((e) => e.type === 'action-refused').length).toBe(1);
    const order = ev.filter((e) => e.type === 'state' && e.action === 'start' && e.from === 'armed').map((e) => e.point);
    expect(order).toEqual([0, 2, 1]);
    const per = s.deliveredPerPoint();
    expect(per.energy[1]).toBeCloseTo(95, 9);
    expect(per.energy[2]).toBeCloseTo(90, 9);
  }, 240_000);
});

/** Faults that act at once (power meter, image stream, button, heartbeat): guided by ultrasound. */
const IMMEDIATE: FaultName[] = ['coupling-loss', 'target-motion', 'amplifier-fault', 'monitoring-loss', 'emergency-stop', 'control-stall'];
const EXPECTED_CODE: Record<FaultName, string[]> = {
  'skin-overheat': ['near-field-temperature', 'near-field-dose'],
  'far-field-overheat': ['far-field-temperature', 'far-field-dose'],
  'coupling-loss': ['coupling-loss'],
  'target-motion': ['target-motion', 'beam-path'],
  'amplifier-fault': ['amplifier-fault'],
  'monitoring-loss': ['monitoring-loss'],
  'emergency-stop': ['emergency-stop'],
  'control-stall': ['heartbeat'],
};

describe('fault injection: each fault at a random time during a sonication stops delivery', () => {
  it('covers every fault name', () =>
    expect([...IMMEDIATE, 'skin-overheat', 'far-field-overheat'].sort()).toEqual([...FAULT_NAMES].sort()));

  const rng = seededRandom(2026);
  // during the first sonication (on from 0 to 2 s), away from its last tick
  const times = Object.fromEntries(FAULT_NAMES.map((f) => [f, Math.round((0.05 + rng.next() * 1.8) * 1000) / 1000]));

  it.each(IMMEDIATE)('%s: output off within one tick, the log holds the interlock and its reason', async (fault) => {
    const faultTime = times[fault];
    const { s, sink } = session({ injections: [{ fault, time: faultTime }] });
    await s.runToEnd();
    expect(s.state).toBe('terminated');
    const stop = s.stop;
    expect(stop).not.toBeNull();
    expect(stop?.faultTime).toBe(faultTime);
    expect((stop?.time as number) - faultTime).toBeGreaterThan(0);
    expect((stop?.time as number) - faultTime).toBeLessThanOrEqual(CONTROL_TICK + 1e-9);
    expect(stop?.tick).toBeCloseTo((stop?.time as number) / CONTROL_TICK, 9);
    // no output at or after the stop
    for (const f of s.fragments) expect(f.start + f.duration).toBeLessThanOrEqual((stop?.time as number) + 1e-9);
    const ev = decodeLog(sink.bytes).events;
    const err = ev.find((e) => e.type === 'interlock' && e.level === 'error');
    expect(EXPECTED_CODE[fault]).toContain(err?.code);
    expect(String(err?.reason).length).toBeGreaterThan(10);
    expect(ev.some((e) => e.type === 'output-off' && e.faultTime === faultTime)).toBe(true);
    expect(s.interlockHistory).toContainEqual({ time: stop?.time, code: err?.code, level: 'error' });
  }, 120_000);

  it.each([
    'skin-overheat',
    'far-field-overheat',
  ] as FaultName[])('%s (MR): stopped by the first measured map that shows it, within one tick of that map; never earlier', async (fault) => {
    const faultTime = times[fault];
    const { s, sink } = session({ modality: 'mr', injections: [{ fault, time: faultTime }] });
    await s.runToEnd();
    expect(s.state).toBe('terminated');
    const stop = s.stop as NonNullable<typeof s.stop>;
    expect(stop.faultTime).toBe(faultTime);
    const ev = decodeLog(sink.bytes).events;
    const maps = ev.filter((e) => e.type === 'thermometry');
    const zone = fault === 'skin-overheat' ? 'nearFieldTemperature' : 'farFieldTemperature';
    // the stop comes at a map's time (maps every 3 s), the first whose zone reading passes the 43 °C limit
    const trip = maps.find((m) => (m[zone] as number) >= 43);
    expect(trip).toBeDefined();
    const mapTime = (trip?.tick as number) * CONTROL_TICK + CONTROL_TICK;
    expect(stop.time).toBeCloseTo(mapTime, 9);
    expect(Math.round(mapTime * 10) % 30).toBe(0);
    for (const m of maps) if ((m.tick as number) < (trip?.tick as number)) expect(m[zone] as number).toBeLessThan(43);
    for (const f of s.fragments) expect(f.start + f.duration).toBeLessThanOrEqual(stop.time + 1e-9);
    expect(ev.some((e) => e.type === 'interlock' && e.level === 'error' && EXPECTED_CODE[fault].includes(e.code as string))).toBe(true);
  }, 240_000);
});
