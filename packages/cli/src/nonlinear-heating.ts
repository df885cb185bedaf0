import {
  type ParallelExecutor,
  type Scenario,
  type ScenarioHeatingResult,
  type ScenarioSonication,
  fieldSource,
  heatingGrid,
  nonlinearHeatSource,
  scenarioHeatSource,
  simulateHeating,
} from '@openfuas/core';

/**
 * One sonication heated by the nonlinear heat source (`fuas heat --nonlinear`): the box of heatScenario
 * (heatingGrid), its layered thermal medium and linear focal metrics (scenarioHeatSource), and in place of the
 * linear Q the finite-amplitude beam's Q = Σ α_abs(nf)|p_n|²/(ρc) + shock heating mapped onto the box
 * (nonlinearHeatSource, axisymmetric), then simulateHeating as heatScenario runs it (bubble shielding along +z).
 * The box is not enlarged: a lesion reaching a face is reported by the caller's summary as it is.
 */
export async function heatScenarioNonlinear(
  scenario: Scenario,
  sonication: ScenarioSonication,
  options: { executor: ParallelExecutor; harmonics: number },
): Promise<ScenarioHeatingResult> {
  const { executor } = options;
  const grid = heatingGrid(scenario, sonication);
  const hs = await scenarioHeatSource(scenario, grid, executor);
  const { heatSource } = await nonlinearHeatSource(scenario, grid, { harmonics: options.harmonics }, executor);
  const result = await simulateHeating(
    { medium: hs.medium, source: fieldSource(grid, heatSource), duration: sonication.duration, cooling: sonication.cooling, axis: 2 },
    { bubbleShielding: { beam: [0, 0, 1], absorption: hs.shieldingAbsorption }, executor },
  );
  let absorbed = 0;
  for (let i = 0; i < heatSource.length; i++) absorbed += heatSource[i];
  return {
    ...result,
    grid,
    focus: hs.focus,
    heatSource,
    absorbedPower: absorbed * grid.spacing[0] * grid.spacing[1] * grid.spacing[2],
    boxGrowths: 0,
    centroidShift: result.lesionCentroid === null ? null : result.lesionCentroid - hs.focus.position[2],
  };
}
