import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError, parsePlan, planJsonSchema } from '../../src/index.js';

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
    expect(() => parsePlan({ ...good, version: 2 })).toThrow(/version/);
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
});
