/**
 * @openfuas/core — the public API. Explicit export list: what is not here is internal.
 * Isomorphic: runs in Node and in browsers (no node: imports, no DOM).
 */
export { type ErrorReason, FuasError, InputError, FormatError, LimitError, requireFinite } from './errors.js';
export type { Grid3D, Vec3 } from './grid/grid3d.js';
export {
  MAX_GRID_VOXELS,
  axisAlignedAffine,
  axisCoordinates,
  contains,
  createGrid,
  invertAffine,
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
export type { PerfusionResponse } from './tissue/thermoregulation.js';
export { LANG_1999_PERFUSION } from './tissue/thermoregulation.js';
export { NEPER_PER_DB, attenuationDbPerCmMHz, attenuationNpPerM, perfusionMlPerMinPer100g, perfusionPerSecond } from './tissue/units.js';
export { VERSION } from './version.js';
export {
  LIMITS,
  MAX_INPUT_FILE_BYTES,
  MAX_JSON_FILE_BYTES,
  PROPERTY_RANGES,
  type HeatingEstimate,
  checkHeating,
  checkLimit,
  checkTissueProperties,
  estimateHeating,
  requireRange,
} from './limits/limits.js';
export { closestName, editDistance, rejectUnknownKeys } from './input/unknown-keys.js';
export { type Provenance, inputsHash, provenance, provenanceTag, sha256Hex } from './provenance/provenance.js';
export type { Kernel, KernelArg, KernelArgs } from './parallel/kernel-registry.js';
export { getKernel, kernelNames, registerKernel } from './parallel/kernel-registry.js';
export type { ParallelExecutor } from './parallel/parallel-executor.js';
export { type KernelBlockDone, KernelBlockQueue, type KernelBlockTask } from './parallel/kernel-block-queue.js';
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
// Acoustics (issue 3): FFT, transducers, media, solvers (O'Neil, Rayleigh, angular spectrum), field façade.
export { fft1d, fft2d, fft3d, fftWavenumber, isPowerOfTwo, nextPowerOfTwo } from './math/fft.js';
export { airy, besselJ1 } from './math/bessel.js';
export type { BowlTransducer, Drive } from './transducer/bowl.js';
export {
  MAX_FREQUENCY,
  MIN_FREQUENCY,
  bowlArea,
  capHeight,
  radiatedPower,
  rimHeight,
  surfaceVelocity,
  validateBowl,
} from './transducer/bowl.js';
export { getTransducerPreset, transducerPresetNames } from './transducer/presets.js';
export type { SurfacePoints } from './transducer/surface-sampling.js';
export { MAX_SURFACE_POINTS, bowlPointCount, sampleBowl } from './transducer/surface-sampling.js';
export type { LayerAcoustics, LayeredMedium, MediumLayer } from './acoustics/medium.js';
export { homogeneousMedium, isHomogeneous, layerAcoustics, layerIndexAt, layeredMedium } from './acoustics/medium.js';
export type { Scenario } from './acoustics/scenario.js';
export { parseMedium, parseScenario, parseTissue, parseTransducer } from './acoustics/scenario.js';
export type { LayerSpec } from './acoustics/abdominal-layers.js';
export { DEFAULT_WATER_PATH, defaultAbdominalLayers } from './acoustics/abdominal-layers.js';
export type { ONeilBowl } from './acoustics/oneil.js';
export { oneilAxial, oneilFocalPlane } from './acoustics/oneil.js';
export type { ComplexField, FieldPoints, RayleighMedium } from './acoustics/rayleigh.js';
export { rayleighBowl, rayleighPressure } from './acoustics/rayleigh.js';
export type { AngularSpectrum, AngularSpectrumOptions, AngularSpectrumRequest } from './acoustics/angular-spectrum.js';
export { asmAxial, asmLateral, asmPower, asmVolume, buildAngularSpectrum, spectrumAt } from './acoustics/angular-spectrum.js';
export { amplitudeOf, planeWaveIntensity, radiusAtLevel, refinedPeak, widthAtLevel } from './acoustics/focal-metrics.js';
export { heatSourceDensity } from './acoustics/heat-source.js';
export type { FieldMethod, FieldVolume, FocusMetrics, LineField } from './acoustics/field-solver.js';
export {
  FIELD_METHODS,
  MAX_FIELD_VOXELS,
  MAX_RAYLEIGH_PAIRS,
  computeAxialPressure,
  computeFieldVolume,
  computeLateralPressure,
  focalMetrics,
  focusFromAxis,
} from './acoustics/field-solver.js';
// Patient cases (issue 5): NIfTI, DICOM, case model, phantom.
export type { NiftiDatatypeName, NiftiHeader, Volume, VoxelArray } from './case/nifti.js';
export {
  MAX_NIFTI_DATA_BYTES,
  NIFTI_INTENT_LABEL,
  affineToQuatern,
  decodeNifti,
  encodeNifti,
  isGzip,
  quaternToAffine,
} from './case/nifti.js';
export type { Case, CaseImage, CouchGeometry, SkinEntry } from './case/case.js';
export {
  PRONE_BEAM_DIRECTION,
  beamDirection,
  labelStructureNames,
  labelsPresent,
  structureLabels,
  validateCase,
  validateCouch,
  validateSkinEntry,
} from './case/case.js';
export type { Structure } from './case/structures.js';
export {
  LABEL,
  STANDARD_STRUCTURES,
  canonicalStructureName,
  labelNames,
  makeStructure,
  standardStructureNames,
  structureByLabel,
  structureByName,
  tissueOfStructure,
  validateStructures,
} from './case/structures.js';
export type { DepthFromSkin } from './case/case-metrics.js';
export {
  OUTSIDE_STRUCTURES,
  depthFromSkin,
  labelCentroidVoxel,
  skinEntryMask,
  structureVolumes,
  tissuesByLabel,
  voxelTissues,
} from './case/case-metrics.js';
export type { CaseInfo } from './case/case-info.js';
export { caseInfo } from './case/case-info.js';
export type { CaseManifest } from './case/case-files.js';
export {
  CASE_FORMAT,
  CASE_FORMAT_VERSION,
  CASE_MANIFEST,
  caseManifest,
  decodeCaseFiles,
  encodeCaseFiles,
  parseCaseManifest,
} from './case/case-files.js';
export type { FibroidPosition, FibroidSpec, PhantomOptions, T2Type } from './case/phantom.js';
export { MAX_PHANTOM_VOXELS, T2_TYPES, WALL_PRESETS, fibroidOverrides, generatePhantom } from './case/phantom.js';
export type { DicomFile, DicomSeriesInfo } from './case/dicom.js';
export { decodeDicomSeries } from './case/dicom.js';
export type { ImportCaseInput } from './case/import-case.js';
export { importCase, parseLabelMap } from './case/import-case.js';
export { toLabelArray } from './case/label-volume.js';
export { resampleLabels } from './case/resample-labels.js';
export type { SeededRandom } from './case/seeded-random.js';
export { seededRandom } from './case/seeded-random.js';
// Planning (issue 6): plan format, planner, beam-path check.
export { distanceTransform } from './grid/distance-transform.js';
export type { Finding } from './planning/finding.js';
export type { Plan, PlanConstraints, Sonication, SonicationFeedback } from './planning/plan.js';
export {
  DEFAULT_WATER_TEMPERATURE,
  PLAN_FORMAT,
  PLAN_VERSION,
  defaultConstraints,
  expandShots,
  migratePlan,
  parsePlan,
  planJsonSchema,
} from './planning/plan.js';
export type { PlanningCase } from './planning/planning-case.js';
export { UTERINE_STRUCTURES, labelsOf, validatePlanningCase } from './planning/planning-case.js';
export type { DeviceLimits } from './planning/device-limits.js';
export { checkSonicationLimits, deviceLimits } from './planning/device-limits.js';
export type { BeamPathCheck } from './planning/beam-path.js';
export { BLOCKING_STRUCTURES, CAUTION_STRUCTURES, checkBeamPath, perpendicularBasis } from './planning/beam-path.js';
export type { PlannedTreatment, PlannerOptions } from './planning/planner.js';
export { planTreatment } from './planning/planner.js';
export type { SimulationOutcome, OutcomeInput } from './planning/outcome.js';
export {
  DOSE_ERROR,
  DOSE_WARNING,
  EEF_FOCUSING_COEFFICIENT,
  NEAR_FIELD_STRUCTURES,
  PROTECTED_STRUCTURES,
  computeOutcome,
  planTotals,
} from './planning/outcome.js';
export type { NonPerfusedVolume } from './planning/non-perfused-volume.js';
export { VASCULAR_SHUTDOWN_DOSE, nonPerfusedVolume } from './planning/non-perfused-volume.js';
export type { IschaemiaRule } from './planning/non-perfused-volume.js';
export type { SingleShot } from './planning/single-shot.js';
export { chooseShot, singleShot } from './planning/single-shot.js';
export type { AutoPlanOptions, AutoPlanResult } from './planning/auto-plan.js';
export { autoPlan, labelCentroid, nearFieldCooling, planningCaseOf } from './planning/auto-plan.js';
export { alignedGrid, caseMaterials, caseThermalMedium, sampleLabels } from './planning/case-grids.js';
export type { PlanSimulationOptions, PlanSimulationProgress, PlanSimulationResult } from './planning/simulate-plan.js';
export { cumulativeEnergy, simulatePlan } from './planning/simulate-plan.js';
export type { NearFieldBeams, NearFieldCoolingRule, NearFieldOptions, NearFieldResult } from './planning/near-field.js';
export { nearFieldRunFits, simulateNearField } from './planning/near-field.js';
export type { TreatmentDomainOptions, TreatmentDomains } from './planning/treatment-domains.js';
export { checkDomainsFor, treatmentDomains } from './planning/treatment-domains.js';
// Reports: HTML treatment report, slice images, PNG, SVG plots.
export type { TreatmentReportData } from './report/report-html.js';
export { treatmentReportData } from './report/treatment-report.js';
export { BOILING_DISPLAY_LIMIT, renderReportHtml } from './report/report-html.js';
export type { ReportWords } from './report/report-words.js';
export { REPORT_WORDS_EN, fillWords } from './report/report-words.js';
export type { ContourOverlay, Plane, SliceImageInput } from './report/slice-image.js';
export { renderSlice } from './report/slice-image.js';
export { encodePng, toBase64 } from './report/png.js';
export type { LinePlotOptions, PlotSeries } from './report/svg-plot.js';
export { linePlot } from './report/svg-plot.js';
// Planning (issue 6): acoustic heat sources of a whole treatment (beam layers, axisymmetric field, patches).
export type { HarmonicAcoustics } from './acoustics/harmonic-medium.js';
export { harmonicAcoustics, nonlinearityCoefficient } from './acoustics/harmonic-medium.js';
export { BurgersStepper, waveformPeaks } from './acoustics/nonlinear-burgers.js';
export type { PlaneWaveHarmonics } from './acoustics/nonlinear-plane-wave.js';
export { propagatePlaneWave } from './acoustics/nonlinear-plane-wave.js';
export type { NonlinearBeam, NonlinearBeamOptions } from './acoustics/nonlinear-axisymmetric.js';
export { SHOCK_STEEPNESS, computeNonlinearBeam } from './acoustics/nonlinear-axisymmetric.js';
export type { NonlinearAxis, NonlinearFocus } from './acoustics/nonlinear-field.js';
export { nonlinearFocus, nonlinearHeatSource, nonlinearHeatVolume, sampleNonlinearAxis } from './acoustics/nonlinear-field.js';
export type { NonlinearField3D, NonlinearMarchOptions } from './acoustics/nonlinear-angular-spectrum.js';
export { nonlinearField3D } from './acoustics/nonlinear-angular-spectrum.js';
export type { NonlinearBeamSource, NonlinearSourceOptions, NonlinearVerdict, PlanNonlinearSources } from './planning/nonlinear-sources.js';
export { NONLINEAR_HEATING_THRESHOLD, nonlinearBeamSource, nonlinearTreatmentSources } from './planning/nonlinear-sources.js';
export type { RadialFieldTable } from './acoustics/axisymmetric-field.js';
export { radialFieldTable, relayerSpectrum } from './acoustics/axisymmetric-field.js';
export type { BeamAxisLayers, StackDifference } from './planning/beam-layers.js';
export { DEFAULT_STACK_TOLERANCE, beamAxisLayers, stackDifference, withinTolerance } from './planning/beam-layers.js';
export type { AxisymmetricBeamHeat, PatchBox } from './planning/beam-patch.js';
export { beamBox, beamPatch, gridAxes, radialBeamPatch, uniformSum } from './planning/beam-patch.js';
export type {
  BeamCase,
  BeamDevice,
  BeamPatch,
  BeamPowerBalance,
  BeamSourceInput,
  BeamSourceOptions,
  BeamSources,
  FocusProblem,
  TreatmentBeamSources,
} from './planning/treatment-sources.js';
export {
  SOURCE_MARGIN_WAVELENGTHS,
  computeBeamSources,
  deviceTransducer,
  focusChecker,
  placeBeamPatch,
  placeSonicationPatches,
  treatmentBeamSources,
} from './planning/treatment-sources.js';
// Abdominal-wall aberration (issue 11): screens, the case's wall screen per beam, the strength sweep.
export type { ApertureScreen, RandomPlaneField, ScreenedSpectrum, WallAberrationStatistics } from './acoustics/wall-aberration.js';
export { MEASURED_WALL_STATISTICS, MEASURED_WALL_STATISTICS_SD, applyScreen, randomPlaneField } from './acoustics/wall-aberration.js';
export type { WallAberrationReport } from './planning/aberrated-beam.js';
export type { WallAberrationModel, WallAberrationParameters } from './planning/wall-aberration-from-case.js';
export { DEFAULT_CASE_WALL_ABERRATION, wallAberrationModel } from './planning/wall-aberration-from-case.js';
export type { AcousticAberrationRow } from './planning/wall-aberration-sweep.js';
export {
  ABERRATION_STRENGTHS,
  acousticAberrationSweep,
  outcomeAberrationSweep,
  withWallAberration,
} from './planning/wall-aberration-sweep.js';
// Thermal engine (issue 4): Pennes bioheat, thermal dose, lesions, whole-treatment stepping.
export type { ThermalBoundary, ThermalMaterial, ThermalMedium, ThermalMediumOptions, MaterialTables } from './thermal/thermal-medium.js';
export {
  boundaryCode,
  explicitStabilityLimit,
  homogeneousThermalMedium,
  labelledThermalMedium,
  materialTables,
} from './thermal/thermal-medium.js';
export type { ArrheniusParameters } from './thermal/thermal-dose.js';
export {
  ARRHENIUS_FAT,
  ARRHENIUS_LIVER,
  ARRHENIUS_SKIN,
  BOILING_TEMPERATURE,
  DOSE_FLOOR_TEMPERATURE,
  DOSE_SATURATION_TEMPERATURE,
  GAS_CONSTANT,
  LETHAL_CEM43,
  arrheniusLinearStep,
  cem43LinearStep,
  cem43Factor,
  cem43RampStep,
  cem43OfHistory,
  cem43Rate,
} from './thermal/thermal-dose.js';
export { PENNES_EXPLICIT_KERNEL, pennesExplicitKernel } from './thermal/pennes-explicit-kernel.js';
export { PENNES_STEP_DOSE_KERNEL, pennesStepDoseKernel } from './thermal/pennes-step-dose-kernel.js';
export { COARSE_PROJECTION_KERNEL, coarseProjectionKernel } from './thermal/coarse-projection-kernel.js';
export {
  ALL_FOURTH_ORDER,
  PENNES_RATE4_KERNEL,
  PENNES_TAYLOR_KERNEL,
  fourthOrderFaceMask,
  pennesRate4Kernel,
  pennesTaylorKernel,
} from './thermal/pennes-taylor-kernel.js';
export { THERMAL_DOSE_KERNEL, thermalDoseKernel } from './thermal/thermal-dose-kernel.js';
export type { FieldHeatSource, HeatSource, PatchHeatSource } from './thermal/heat-source.js';
export { fieldSource, forEachSourceVoxel, gaussianPatch, patchSource, placePatch, sourcePower } from './thermal/heat-source.js';
export type { TimelineSegment } from './thermal/sonication-timeline.js';
export { sonication } from './thermal/sonication-timeline.js';
export type { AdvanceOptions, EnergyBudget, ThermalOptions, ThermalProgress, ThermalScheme } from './thermal/thermal-simulation.js';
export { DEFAULT_THERMAL_OPTIONS, ThermalSimulation } from './thermal/thermal-simulation.js';
export type { PeriodicGaussianProblem } from './thermal/bioheat-exact.js';
export { erfc, gaussianSourceRise, periodicGaussianRise, pointSourceRise } from './thermal/bioheat-exact.js';
export type { LesionDimensions } from './thermal/lesion.js';
export { lesionCentroid, lesionDimensions, lesionVolume } from './thermal/lesion.js';
export type { BoilingMaterials, BoilingOptions } from './thermal/boiling.js';
export {
  BoilingState,
  GREYSCALE_FADE_TIME,
  STEAM_DENSITY,
  WATER_LATENT_HEAT,
  boilingMaterials,
  waterContentOf,
} from './thermal/boiling.js';
export { VAPOUR_REFLECTION, shieldedSource, shieldingAbsorption } from './thermal/bubble-shielding.js';
export type { HeatingInput, HeatingResult } from './thermal/heating-run.js';
export { simulateHeating } from './thermal/heating-run.js';
export type {
  HeatingBoxSize,
  ScenarioHeatSource,
  ScenarioHeatingOptions,
  ScenarioHeatingResult,
  ScenarioSonication,
} from './sonication/scenario-heating.js';
export {
  HEATING_DIFFUSION_MARGIN,
  HEATING_MAX_SPACING,
  MAX_HEATING_VOXELS,
  heatScenario,
  heatingBoxSize,
  heatingGrid,
  layeredThermalMedium,
  parseSonication,
  scenarioHeatSource,
} from './sonication/scenario-heating.js';
export type { TreatmentOptions, TreatmentSonication } from './thermal/treatment-simulation.js';
export { TreatmentSimulation } from './thermal/treatment-simulation.js';
export type { BModeImage, BModeOptions } from './console/bmode-image.js';
export { BModeRenderer, focalGrey, renderBMode } from './console/bmode-image.js';
export { beamPathObstruction } from './console/beam-path-watch.js';
export { canonicalJson, contentHash } from './console/canonical-json.js';
export { crc32 } from './checksum/crc32.js';
export type { DeliveredFragment } from './console/delivered-outcome.js';
export { deliveredOutcome } from './console/delivered-outcome.js';
export type { FaultInjection, FaultName } from './console/faults.js';
export { FAULT_NAMES, parseFaultInjection } from './console/faults.js';
export type { InterlockChange, InterlockInputs, InterlockKernelState, InterlockLevel } from './console/interlock-kernel.js';
export { evaluateInterlocks, interlockValues, resetInterlocks } from './console/interlock-kernel.js';
export type { InterlockCode, InterlockLimit, InterlockLimits } from './console/interlock-limits.js';
export { INTERLOCK_CODES, interlockLimits } from './console/interlock-limits.js';
export type { ThermometryMap, ThermometryOptions } from './console/mr-thermometry.js';
export { MrThermometry, PRF_COEFFICIENT_PPM_PER_C, THERMOMETRY_DEFAULTS } from './console/mr-thermometry.js';
export type { LoggedSession } from './console/logged-session.js';
export { checkLogHashes, loggedSession, patientReadEveryOf } from './console/logged-session.js';
export type { SessionAction, SessionState } from './console/session-state.js';
export {
  SESSION_ACTIONS,
  SESSION_STATES,
  SessionStateError,
  TRANSITIONS,
  canTransition,
  outputOn,
  transition,
} from './console/session-state.js';
export type { FaultHeat, PatientDrive } from './console/simulated-patient.js';
export { SimulatedPatient } from './console/simulated-patient.js';
export type { DecodedLog, LogBatch, LogEvent, LogHeader, LogSink, LogVerification } from './console/treatment-log.js';
export { LOG_FORMAT, LOG_VERSION, MemoryLogSink, decodeLog, encodeRecord, requireValidLog, verifyLog } from './console/treatment-log.js';
export type {
  Modality,
  OperatorAction,
  OperatorPolicy,
  SessionSettings,
  SessionSetup,
  SessionSummary,
} from './console/treatment-session.js';
export { CONTROL_TICK, GREYSCALE_CHANGE, TICKS_PER_SECOND, TreatmentSession } from './console/treatment-session.js';
// Training (issue 15): LC-CUSUM proficiency charts, graded cases, scoring, the virtual tank, xAPI and certificates.
export type { LcCusumChart, LcCusumErrors, LcCusumParams } from './training/lc-cusum.js';
export {
  DIFFICULTY_ODDS_RATIO,
  LC_CUSUM_CALIBRATION,
  LC_CUSUM_DEFAULTS,
  adjustedRate,
  calibrateLcCusum,
  lcCusumChart,
  lcCusumWeights,
  riskAdjustedLcCusumChart,
  simulateLcCusumErrors,
  validateLcCusumParams,
} from './training/lc-cusum.js';
export type { CaseFactors, DifficultyTerm } from './training/case-factors.js';
export { difficultyOf, measureCaseFactors } from './training/case-factors.js';
export type { TrainingCaseEntry, TrainingCaseSpec } from './training/case-library.js';
export { TRAINING_CASES, TRAINING_VOXEL_MM, trainingCase, trainingCaseList, trainingCaseSpec } from './training/case-library.js';
export type { ExpertReference } from './training/expert-reference.js';
export { TRAINING_DOMAINS, expertReference } from './training/expert-reference.js';
export type { SafetyEvent } from './training/safety-events.js';
export { outcomeSafetyEvents, planSafetyEvents, sessionSafetyEvents } from './training/safety-events.js';
export type { ExerciseResult, ExerciseScore, FeedbackItem } from './training/score.js';
export { RUBRIC, scoreExercise } from './training/score.js';
export { scorePlanExercise, scoreSessionExercise, sessionSummaryOfLog, trainingCaseOfLog } from './training/exercise.js';
export type { PlanScoringStats } from './training/exercise.js';
export { SCORING_STACK_TOLERANCE, reusedDomains, samePlanAsExpert } from './training/scoring-reuse.js';
export type { TankResult, TankShot } from './training/virtual-tank.js';
export { TANK_BOX, TANK_SPACING, exVivoLiver, tankShot } from './training/virtual-tank.js';
export type { XapiStatement } from './training/xapi.js';
export { XAPI_VERBS, xapiStatement } from './training/xapi.js';
export type { CertificateInput } from './training/certificate.js';
export { certificateHtml } from './training/certificate.js';
