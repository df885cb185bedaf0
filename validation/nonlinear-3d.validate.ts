// The 3D nonlinear angular-spectrum march against the linear 3D angular spectrum at low amplitude and against the
// axisymmetric nonlinear solver on the axis; its convergence in harmonics and step; the planning criterion (focal
// heating ratio of the axisymmetric solver) for clinical-0.8mhz through the slab wall at 100–400 W.
import { asmVolume, buildAngularSpectrum, computeBeamSources, computeNonlinearBeam, parseScenario } from '../packages/core/src/index.ts';
import { nonlinearField3D } from '../packages/core/src/acoustics/nonlinear-angular-spectrum.ts';
import { NONLINEAR_HEATING_THRESHOLD, nonlinearBeamSource } from '../packages/core/src/planning/nonlinear-sources.ts';
import { slabCase } from '../packages/core/test/planning/beam-test-case.ts';
import type { ValidationCase, ValidationTable } from '../scripts/validation-types.ts';

const pct = (v: number) => Number((100 * v).toFixed(2));
const mpa = (v: number) => Number((v / 1e6).toFixed(3));

const validation: ValidationCase = {
  name: 'nonlinear-3d',
  title: 'Nonlinear propagation in 3D and the planning heat source',
  async run() {
    const tables: ValidationTable[] = [];
    const bowl = (power: number) =>
      parseScenario({
        transducer: { frequency: 1e6, radiusOfCurvature: 0.05, aperture: 0.04, power },
        medium: { layers: [{ tissue: 'water', thickness: 0.035 }, { tissue: 'liver' }] },
      });
    const sc0 = bowl(1e-3);
    const asm0 = await buildAngularSpectrum(sc0, { zMin: 0.02, zMax: 0.065 });
    const dl = (asm0.nx * asm0.dx) / 1024;
    const nl = 2 * Math.ceil(4e-3 / dl) + 1;
    const output = { x0: -((nl - 1) / 2) * dl, dl, nl, zFrom: 0.04, dz: 1e-3 };
    const march = async (power: number, harmonics: number, stepFraction: number) => {
      const sc = bowl(power);
      const asm = power === 1e-3 ? asm0 : await buildAngularSpectrum(sc, { zMin: 0.02, zMax: 0.065 });
      const t0 = performance.now();
      const field = await nonlinearField3D(asm, sc.medium, sc.transducer, {
        zEnd: 0.06,
        marginWavelengths: 8,
        harmonics,
        stepFraction,
        output,
      });
      return { sc, asm, field, seconds: (performance.now() - t0) / 1000 };
    };
    // 1. low amplitude against the linear 3D field
    const low = await march(1e-3, 4, 0.2);
    const axis = { n: asm0.nx, d: asm0.dx, nOut: 1024, stride: 1 };
    const ref = await asmVolume(
      { ...asm0, axisX: axis, axisY: axis },
      { x0: output.x0, y0: output.x0, dx: dl, dy: dl, nx: nl, ny: nl },
      low.field.planeZ,
    );
    let peak = 0;
    let err = 0;
    for (let i = 0; i < ref.re.length; i++) peak = Math.max(peak, Math.hypot(ref.re[i], ref.im[i]));
    for (let i = 0; i < ref.re.length; i++) err = Math.max(err, Math.abs(Math.hypot(ref.re[i], ref.im[i]) - low.field.p1[i]));
    tables.push({
      caption:
        'Low amplitude (1 mW): largest |p1| error of the 3D march against the linear 3D angular spectrum on a ±4 mm lattice, z 40–60 mm (% of peak; tolerance 0.5 %)',
      columns: ['error %', 'march s'],
      rows: [[pct(err / peak), Number(low.seconds.toFixed(1))]],
    });
    // 2. against the axisymmetric solver at 30 W; convergence
    const axi = await computeNonlinearBeam(bowl(30), { harmonics: 64, zMax: 0.06 });
    let ia = 0;
    for (let j = 1; j < axi.axisHeat.length; j++) if (axi.axisHeat[j] > axi.axisHeat[ia]) ia = j;
    const rows: (string | number)[][] = [
      ['axisymmetric, N 64', '', mpa(Math.max(...axi.peakPositive)), mpa(Math.min(...axi.peakNegative)), 1, '', ''],
    ];
    for (const [n, eps] of [
      [4, 0.2],
      [8, 0.2],
      [16, 0.2],
      [8, 0.1],
      [8, 0.05],
    ]) {
      const r = await march(30, n, eps);
      let iq = 0;
      for (let j = 1; j < r.field.axisHeat.length; j++) if (r.field.axisHeat[j] > r.field.axisHeat[iq]) iq = j;
      rows.push([
        `3D, N ${n}, step ${eps}`,
        r.field.steps,
        mpa(Math.max(...r.field.axisPeakPositive)),
        mpa(Math.min(...r.field.axisPeakNegative)),
        Number((r.field.axisHeat[iq] / axi.axisHeat[ia]).toFixed(4)),
        r.field.maxGrid,
        Number(r.seconds.toFixed(1)),
      ]);
    }
    tables.push({
      caption:
        '30 W (F-number 1.25 bowl, 1 MHz, water then liver): axis p+, p− (MPa) and peak axis heat over the axisymmetric solver (N = 64), by harmonics N and step fraction',
      columns: ['run', 'steps', 'p+', 'p−', 'Q / Q axisymmetric', 'grid', 's'],
      rows,
    });
    // 3. the planning criterion: clinical-0.8mhz through the slab patient, focus 50 mm deep
    const c = slabCase();
    const device = { preset: 'clinical-0.8mhz' };
    const s = await computeBeamSources({ case: c, focus: [0, -0.05, 0], beam: [0, -1, 0], device });
    const crit: (string | number)[][] = [];
    for (const power of [100, 200, 300, 400]) {
      const v = await nonlinearBeamSource(s, s.medium, device, power);
      crit.push([
        power,
        Number(v.heatingRatio.toFixed(3)),
        v.nonlinear ? 'nonlinear' : 'linear',
        mpa(v.peakPositivePressure),
        mpa(v.peakNegativePressure),
        v.focal ? Number((v.focal.power / (s.focal.power * power)).toFixed(3)) : '',
        Number(v.seconds.toFixed(1)),
      ]);
    }
    tables.push({
      caption: `Planning criterion, clinical-0.8mhz through the slab patient (skin 2, fat 12, muscle 8, uterus 18 mm; focus 50 mm deep): heating ratio at the linear focus, the source used (nonlinear above ${NONLINEAR_HEATING_THRESHOLD}), p+ and p− (MPa), focal patch power nonlinear / linear, seconds`,
      columns: ['W', 'heating ratio', 'source', 'p+', 'p−', 'focal power ratio', 's'],
      rows: crit,
    });
    const text = `
Method (packages/core/src/acoustics/nonlinear-angular-spectrum.ts): the axisymmetric solver's operator splitting on a
square lateral grid, each harmonic diffracted by the 2D angular spectrum (kz = sqrt(k̃_n² − kx² − ky²), no paraxial
approximation, oblique transmission at interfaces), the Burgers step at every node above 5 % of the plane's peak,
starting 0.3 (R − h) before the focus from the linear (possibly wall-screened) angular spectrum with Fubini's
harmonics along each ray; the window follows the cone (cropped and padded), the grid is refined spectrally as
harmonics are added. Planning (packages/core/src/planning/nonlinear-sources.ts) uses the axisymmetric solver's heating
ratio at the planned power as the criterion (nonlinear source above ${NONLINEAR_HEATING_THRESHOLD}) and, through flat
layers, its radial heat table as the 3D source (the field of a bowl through layers normal to its axis is
axisymmetric); beams through an aberrating wall, where the 3D march would cost minutes per beam at 400 W, use an
equivalent axisymmetric beam of the aberrated focus (see the section on the aberrating wall).
`;
    return { title: validation.title, text, tables, figures: [] };
  },
};
export default validation;
