import { describe, expect, it } from 'vitest';
import { structureLabels } from '../../src/case/case.js';
import { LABEL } from '../../src/case/structures.js';
import {
  type BeamAxisLayers,
  DEFAULT_STACK_TOLERANCE,
  beamAxisLayers,
  stackDifference,
  withinTolerance,
} from '../../src/planning/beam-layers.js';
import { getTissue } from '../../src/tissue/tissue-table.js';
import { slabCase } from './beam-test-case.js';

const water = getTissue('water');
const tissueOf = (n: string) => getTissue(n);
const f = 0.8e6;
const dbPerM = (name: string) => 100 * getTissue(name).attenuationDbPerCmMHz * 0.8 ** getTissue(name).powerLawExponent;
const stack = (layers: Array<[string, number]>): BeamAxisLayers => ({
  depthBelowSkin: layers.reduce((a, l) => a + l[1], 0),
  layers: layers.map(([structure, thickness]) => ({ structure, thickness })),
  skinFound: true,
});

describe('beamAxisLayers(case, focus, beam)', () => {
  it('reads the slab layers from the skin to the focus within half a millimetre and finds the skin', () => {
    const c = slabCase();
    const pc = { grid: c.grid, labels: c.labels, structures: structureLabels(c) };
    const r = beamAxisLayers(pc, [0, -0.03, 0], [0, -1, 0]);
    expect(r.skinFound).toBe(true);
    expect(r.layers.map((l) => l.structure)).toEqual(['skin', 'fat', 'muscle', 'uterus']);
    [2, 12, 8, 8.5].forEach((t, i) => {
      expect(Math.abs(r.layers[i].thickness * 1e3 - t)).toBeLessThanOrEqual(0.5);
    });
    expect(Math.abs(r.depthBelowSkin - 0.0305)).toBeLessThanOrEqual(0.5e-3);
  });
  it('stops at air as at water (outside the patient), and says when it left the image instead', () => {
    const c = slabCase();
    for (let i = 0; i < c.labels.length; i++) if (c.labels[i] === LABEL.water) c.labels[i] = LABEL.air;
    const pc = { grid: c.grid, labels: c.labels, structures: structureLabels(c) };
    expect(beamAxisLayers(pc, [0, -0.03, 0], [0, -1, 0]).skinFound).toBe(true);
    const open = slabCase([], false);
    expect(
      beamAxisLayers({ grid: open.grid, labels: open.labels, structures: structureLabels(open) }, [0, -0.03, 0], [0, -1, 0]).skinFound,
    ).toBe(false);
  });
});

describe('stackDifference(a, b, tissueOf, coupling, frequency)', () => {
  const a = stack([
    ['skin', 0.002],
    ['fat', 0.015],
    ['muscle', 0.009],
    ['uterus', 0.01],
    ['fibroid', 0.02],
  ]);
  it('is zero for identical stacks', () => {
    const d = stackDifference(a, a, tissueOf, water, f);
    expect(d).toEqual({ depth: 0, attenuationDb: 0, profileDb: 0, soundSpeedPath: 0 });
    expect(withinTolerance(d, DEFAULT_STACK_TOLERANCE)).toBe(true);
  });
  it('measures a fat/muscle interface moved by 2 mm: profile = 2 mm × |α_fat − α_muscle|, attenuation and sound-speed path the same times the difference', () => {
    const b = stack([
      ['skin', 0.002],
      ['fat', 0.017],
      ['muscle', 0.007],
      ['uterus', 0.01],
      ['fibroid', 0.02],
    ]);
    const d = stackDifference(a, b, tissueOf, water, f);
    const dAlpha = Math.abs(dbPerM('fat') - dbPerM('muscle')) * 0.002;
    expect(d.depth).toBeCloseTo(0, 12);
    expect(d.profileDb).toBeCloseTo(dAlpha, 9);
    expect(d.attenuationDb).toBeCloseTo(dAlpha, 9);
    expect(d.soundSpeedPath).toBeCloseTo(
      (0.002 * Math.abs(getTissue('fat').soundSpeed - getTissue('muscle').soundSpeed)) / water.soundSpeed,
      9,
    );
  });
  it('sees a deeper focus (3 mm more fibroid) in depth, attenuation and sound-speed path but not in the aligned profiles', () => {
    const b = stack([
      ['skin', 0.002],
      ['fat', 0.015],
      ['muscle', 0.009],
      ['uterus', 0.01],
      ['fibroid', 0.023],
    ]);
    const d = stackDifference(a, b, tissueOf, water, f);
    expect(d.depth).toBeCloseTo(0.003, 12);
    expect(d.attenuationDb).toBeCloseTo(dbPerM('fibroid') * 0.003, 9);
    expect(d.profileDb).toBeCloseTo(0, 12);
    expect(d.soundSpeedPath).toBeCloseTo((0.003 * (getTissue('fibroid').soundSpeed - water.soundSpeed)) / water.soundSpeed, 9);
  });
  it('refuses to group stacks whose focal tissue differs over the focal region', () => {
    const b = stack([
      ['skin', 0.002],
      ['fat', 0.015],
      ['muscle', 0.009],
      ['uterus', 0.025],
      ['fibroid', 0.005],
    ]);
    const d = stackDifference(a, b, tissueOf, water, f);
    expect(d.profileDb).toBeCloseTo(Math.abs(dbPerM('uterus') - dbPerM('fibroid')) * 0.015, 9);
    expect(withinTolerance(d, { ...DEFAULT_STACK_TOLERANCE, profileDb: 0.01 })).toBe(false);
  });
});
