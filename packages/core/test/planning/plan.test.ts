import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError, PLAN_VERSION, expandShots, migratePlan, parsePlan, planJsonSchema } from '../../src/index.js';

const good = {
  format: 'openfuas-plan',
  version: 1,
  device: { preset: 'clinical-0.8mhz' },
  sonications: [{ focus: [0, -0.05, 0], power: 300, exposure: 3, cooling: 6, slice: 0 }],
};

describe('plan format', () => {
  it('parses a plan and fills the protocol defaults', () => {
    const p = parsePlan(good);
    expect(p.constraints.serosaMargin).toBe(0.01);
    expect(p.constraints.endometriumMargin).toBe(0.015);
    expect(p.placement.beamDirection).toEqual([0, -1, 0]);
  });

  it('names the bad field', () => {
    const bad = structuredClone(good) as { sonications: Array<Record<string, unknown>> };
    bad.sonications[0].power = -5;
    expect(() => parsePlan(bad)).toThrow(InputError);
    expect(() => parsePlan(bad)).toThrow(/plan\.sonications\[0\]\.power/);
    expect(() => parsePlan({ ...good, version: 3 })).toThrow(/version/);
    expect(() => parsePlan({ ...good, extra: 1 })).toThrow(/plan/);
    expect(() => parsePlan({ ...good, placement: { beamDirection: [0, 0, 0] } })).toThrow(/beamDirection/);
    expect(() => parsePlan({ ...good, placement: { waterTemperature: 60 } })).toThrow(/plan.placement.waterTemperature/);
    expect(parsePlan(good).placement.waterTemperature).toBe(20);
  });

  it('publishes its JSON Schema at docs/plan.schema.json, generated from the parser', () => {
    const file = fileURLToPath(new URL('../../../../docs/plan.schema.json', import.meta.url));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(planJsonSchema());
    const schema = planJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(schema.required).toEqual(expect.arrayContaining(['format', 'version', 'device', 'sonications']));
  });

  it('reads a version-1 plan as version 2, losslessly: written again and read back it is the same plan', () => {
    const v1 = {
      ...good,
      caseName: 'phantom',
      constraints: { serosaMargin: 0.012 },
      sonications: [
        { focus: [0.001, -0.05, 0.002], power: 400, exposure: 2, cooling: 1, slice: 0, label: 'S1-P1' },
        { focus: [0.004, -0.05, 0.002], power: 380, exposure: 3, cooling: 9, slice: 1 },
      ],
    };
    const before = JSON.stringify(v1);
    const p = parsePlan(v1);
    expect(JSON.stringify(v1)).toBe(before); // the caller's document is not changed
    expect(PLAN_VERSION).toBe(2);
    expect(p.version).toBe(2);
    // every version-1 value is kept as written; no version-2 key is invented
    expect(p.sonications).toEqual(v1.sonications);
    expect(p.caseName).toBe('phantom');
    expect(p.constraints.serosaMargin).toBe(0.012);
    expect(migratePlan(v1)).toEqual({ ...v1, version: 2 });
    // written (JSON) and read again: the same plan, version 2, and a plan without repeats expands to itself
    const again = parsePlan(JSON.parse(JSON.stringify(p)));
    expect(again).toEqual(p);
    expect(expandShots(again)).toBe(again);
  });

  it('version 2: repeats and feedback per sonication, delivered shot by shot', () => {
    const v2 = {
      ...good,
      version: 2,
      sonications: [
        {
          focus: [0, -0.05, 0],
          power: 400,
          exposure: 2,
          cooling: 8,
          slice: 0,
          label: 'P1',
          shots: 3,
          shotGap: 1,
          feedback: { rule: 'greyscale', maxEnergy: 7100 },
        },
        { focus: [0.005, -0.05, 0], power: 400, exposure: 2, cooling: 8, slice: 0, shots: 2 },
      ],
    };
    const p = parsePlan(v2);
    expect(parsePlan(JSON.parse(JSON.stringify(p)))).toEqual(p);
    const shots = expandShots(p).sonications;
    expect(shots.map((s) => s.cooling)).toEqual([1, 1, 8, 8, 8]); // the gap inside a point, cooling after it (gap default: cooling)
    expect(shots.map((s) => s.label)).toEqual(['P1', 'P1', 'P1', undefined, undefined]);
    expect(shots[0].feedback).toEqual({ rule: 'greyscale', maxEnergy: 7100 });
    expect(shots.every((s) => s.shots === undefined && s.shotGap === undefined)).toBe(true);
    expect(shots.reduce((e, s) => e + s.power * s.exposure, 0)).toBe(5 * 800);
  });

  it('refuses unknown keys, version-2 keys in a version-1 plan and bad repeats, naming the field', () => {
    const withShots = { ...good, sonications: [{ ...good.sonications[0], shots: 2 }] };
    expect(() => parsePlan(withShots)).toThrow(/plan\.sonications\[0\]\.shots.*version-2/);
    expect(() => parsePlan({ ...withShots, version: 2 })).not.toThrow();
    const typo = { ...good, version: 2, sonications: [{ ...good.sonications[0], shot: 2 }] };
    expect(() => parsePlan(typo)).toThrow(/plan\.sonications\[0\]\.shot: unknown key; did you mean "shots"/);
    expect(() => parsePlan({ ...good, version: 2, extra: 1 })).toThrow(/plan\.extra: unknown key/);
    const bad = (s: Record<string, unknown>) => parsePlan({ ...good, version: 2, sonications: [{ ...good.sonications[0], ...s }] });
    expect(() => bad({ shots: 0 })).toThrow(/plan\.sonications\[0\]\.shots/);
    expect(() => bad({ shots: 1.5 })).toThrow(/plan\.sonications\[0\]\.shots/);
    expect(() => bad({ shotGap: -1 })).toThrow(/plan\.sonications\[0\]\.shotGap/);
    expect(() => bad({ feedback: { rule: 'colour' } })).toThrow(/plan\.sonications\[0\]\.feedback\.rule/);
    expect(() => bad({ feedback: { rule: 'greyscale', maxEnergy: Number.NaN } })).toThrow(/feedback\.maxEnergy/);
    expect(() => bad({ feedback: { rule: 'greyscale', limit: 5 } })).toThrow(/feedback\.limit: unknown key/);
    expect(() =>
      parsePlan({ ...good, version: 2, sonications: Array.from({ length: 60 }, () => ({ ...good.sonications[0], shots: 100 })) }),
    ).not.toThrow();
    const many = parsePlan({
      ...good,
      version: 2,
      sonications: Array.from({ length: 60 }, () => ({ ...good.sonications[0], shots: 100 })),
    });
    expect(() => expandShots(many)).toThrow(InputError);
  });
});
