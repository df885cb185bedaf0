// Unit conversions of the tissue table against hand-computed values (the table's numbers feed every solver).
import { attenuationNpPerM, getTissue, perfusionMlPerMinPer100g } from '../packages/core/src/index.ts';
import { linePlot } from '../scripts/svg-plot.ts';
import type { ValidationCase } from '../scripts/validation-types.ts';

const validation: ValidationCase = {
  name: 'units',
  title: 'Tissue table: attenuation at the treatment frequency',
  async run() {
    const f = 0.8e6;
    const names = ['water', 'skin', 'fat', 'muscle', 'uterus', 'fibroid', 'bone'];
    const rows = names.map((n) => {
      const t = getTissue(n);
      const alpha = attenuationNpPerM(t.attenuationDbPerCmMHz, t.powerLawExponent, f);
      // Hand formula: α0 · f^y dB/cm → ×100 /8.686 Np/m.
      const hand = (t.attenuationDbPerCmMHz * 0.8 ** t.powerLawExponent * 100) / 8.686;
      return [
        n,
        t.attenuationDbPerCmMHz,
        t.powerLawExponent,
        alpha,
        Math.abs(alpha / hand - 1),
        perfusionMlPerMinPer100g(t.perfusion, t.density, 1050),
      ];
    });
    const freqs = Array.from({ length: 50 }, (_, i) => 0.2e6 + i * 0.2e6);
    const series = ['fat', 'muscle', 'fibroid'].map((n) => {
      const t = getTissue(n);
      return {
        label: n,
        x: freqs.map((v) => v / 1e6),
        y: freqs.map((v) => attenuationNpPerM(t.attenuationDbPerCmMHz, t.powerLawExponent, v)),
      };
    });
    return {
      title: 'Tissue table: attenuation at the treatment frequency',
      text: 'Power-law attenuation α(f) = α0·f^y converted from dB/cm/MHz^y to Np/m (shared/reference/formulas.md). Hand values use 8.686 dB/Np; the relative difference is the rounding of that constant (< 1e-4).',
      tables: [
        {
          caption: 'Attenuation at 0.8 MHz',
          columns: ['tissue', 'α0 dB/cm/MHz^y', 'y', 'α Np/m', 'rel. diff. to hand', 'perfusion ml/min/100 g'],
          rows,
        },
      ],
      figures: [
        {
          file: 'attenuation-vs-frequency.svg',
          caption: 'Attenuation (Np/m) against frequency (MHz)',
          svg: linePlot({ title: 'Power-law attenuation', xLabel: 'frequency (MHz)', yLabel: 'α (Np/m)', series }),
        },
      ],
    };
  },
};
export default validation;
