import type { Case } from '@openfuas/core';
import type { WorkstationCase } from './workstation-case.js';

/** The workstation's view of a core `Case`: its first image as Float32, labels, structure names and beam. */
export function fromCoreCase(c: Case): WorkstationCase {
  const data = c.images[0]?.volume.data;
  const image = data instanceof Float32Array ? data : data ? Float32Array.from(data) : new Float32Array(c.labels.length);
  return {
    name: c.name,
    grid: c.grid,
    image,
    labels: c.labels,
    structures: Object.fromEntries(c.structures.map((s) => [s.name, s.label])),
    target: c.target,
    beamDirection: c.couch.beamDirection,
    source: c.source,
    notes: c.notes,
    core: c,
  };
}
