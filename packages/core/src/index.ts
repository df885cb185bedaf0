/**
 * @openfuas/core — the public API. Explicit export list: what is not here is internal.
 * Isomorphic: runs in Node and in browsers (no node: imports, no DOM).
 */
export { FuasError, InputError, FormatError, LimitError, requireFinite } from './errors.js';
export type { Grid3D, Vec3 } from './grid/grid3d.js';
export {
  MAX_GRID_VOXELS,
  axisAlignedAffine,
  axisCoordinates,
  contains,
  createGrid,
  linearIndex,
  positionToVoxel,
  rasMmToVoxel,
  sameGrid,
  voxelCount,
  voxelOf,
  voxelToPosition,
  voxelToRasMm,
  voxelVolume,
} from './grid/grid3d.js';
export type { Tissue } from './tissue/tissue-table.js';
export {
  ARTERIAL_TEMPERATURE,
  BLOOD,
  absorptionOf,
  diffusivity,
  getTissue,
  impedance,
  tissueNames,
  validateTissue,
  withOverrides,
} from './tissue/tissue-table.js';
export { NEPER_PER_DB, attenuationDbPerCmMHz, attenuationNpPerM, perfusionMlPerMinPer100g, perfusionPerSecond } from './tissue/units.js';
export { VERSION } from './version.js';
export type { Kernel, KernelArg, KernelArgs } from './parallel/kernel-registry.js';
export { getKernel, kernelNames, registerKernel } from './parallel/kernel-registry.js';
export type { ParallelExecutor } from './parallel/parallel-executor.js';
export {
  SerialExecutor,
  assertShared,
  canShareMemory,
  sharedFloat32,
  sharedFloat64,
  sharedInt32,
  sharedUint8,
  splitRange,
} from './parallel/parallel-executor.js';
