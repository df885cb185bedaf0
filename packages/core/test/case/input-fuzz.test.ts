// The fast part of the limit/fuzz suite (CI): mutated scenarios, plans and case.json files end in a typed error
// or a valid result, quickly. The long run is `npm run fuzz`.
import { describe, expect, it } from 'vitest';
import { generatePhantom } from '../../src/index.js';
import { fuzzJsonInputs } from './input-fuzz.js';

describe('JSON input fuzzing (scenario, plan, case.json)', () => {
  it('400 mutations of each: typed errors only, nothing non-finite accepted in a plan, none slow', () => {
    const r = fuzzJsonInputs(400, 4242, generatePhantom({ voxelSizeMm: 4 }));
    for (const [name, x] of Object.entries(r)) {
      expect(x.failures.slice(0, 3), name).toEqual([]);
      // a case.json decode inflates and hashes the phantom's volumes (~0.1 s alone; 3 s bounds a loaded machine)
      expect(x.maxMs, name).toBeLessThan(name === 'case.json' ? 3000 : 1000);
      // both outcomes are exercised
      expect(x.rejected, name).toBeGreaterThan(60);
      expect(x.accepted, name).toBeGreaterThan(10);
    }
  });
});
