import { InputError, requireFinite } from '../errors.js';
import { perfusionPerSecond } from './units.js';

/**
 * Acoustic and thermal properties of one tissue near 1 MHz, 37 °C, SI except where the name says.
 * Attenuation is a power law α(f) = α0 · f_MHz^y; absorption (what heats) defaults to attenuation,
 * the usual assumption for soft tissue where scattering is a small part of the loss.
 */
export interface Tissue {
  readonly name: string;
  /** kg/m³ */
  readonly density: number;
  /** m/s */
  readonly soundSpeed: number;
  /** α0 in dB/cm/MHz^y */
  readonly attenuationDbPerCmMHz: number;
  /** y, the power-law exponent */
  readonly powerLawExponent: number;
  /** absorbed part of α0, dB/cm/MHz^y (heats the tissue); defaults to attenuationDbPerCmMHz */
  readonly absorptionDbPerCmMHz?: number;
  /** B/A, dimensionless (NaN where unknown/irrelevant) */
  readonly nonlinearity: number;
  /** W/m/K */
  readonly conductivity: number;
  /** J/kg/K */
  readonly specificHeat: number;
  /** volumetric blood flow w_b, 1/s (Pennes) */
  readonly perfusion: number;
  /** true where the medium reflects essentially everything (gas): beams must not cross it */
  readonly reflector?: boolean;
}

/** Blood, the perfusate of Pennes' term (IT'IS; Duck 1990). */
export const BLOOD = { density: 1050, specificHeat: 3617, soundSpeed: 1578, conductivity: 0.52 } as const;

/** Arterial blood temperature, °C. */
export const ARTERIAL_TEMPERATURE = 37;

const w = (mlPerMinPer100g: number, density: number) => perfusionPerSecond(mlPerMinPer100g, density, BLOOD.density);

/**
 * The built-in tissue table (shared/reference/tissue-properties.md).
 * ρ, k, C of liver, fat, muscle, bone: IT'IS tissue database v4.x (Hasgall et al., DOI 10.13099/VIP21000-04-x).
 * Attenuation at 1 MHz: Diagnostics 2023;13(5):855 table 4, compiled from Duck, Physical Properties of Tissue, 1990.
 * Speeds of sound: Goss et al. compilations. Uterus and leiomyoma attenuation: Omari et al. (ex vivo human,
 * 5 and 10 MHz), power-law extrapolated to 1 MHz (uncertain by about ×2; exposed as case parameters).
 * Perfusion: orders of magnitude (IT'IS); fibroid perfusion is per patient.
 * B/A (nonlinear propagation): Duck, Physical Properties of Tissue, 1990, table 4.16 (after Dunn, Law, Gramiak
 * et al.): fat 9.9–11, muscle 7.4, liver 6.4–7.8, blood 6.1, skin ~7.9; uterus, fibroid, bowel and generic soft
 * tissue take the soft-tissue value 7 (no separate measurement); gas and bone have none (a nonlinear beam stops).
 * Where the reference gives a range, the default is stated beside the row.
 */
const TABLE: readonly Tissue[] = [
  // Degassed water at 37 °C (k-Wave polynomials for ρ and c; α from Duck). B/A 5.0: the coupling water is held
  // near 20 °C (B/A 4.96 at 20 °C, 5.4 at 37 °C; Beyer, JASA 32:719, 1960, tabulated in Duck, Physical Properties
  // of Tissue, 1990, and Hamilton & Blackstock, Nonlinear Acoustics, 1998, table 2.1).
  {
    name: 'water',
    density: 993,
    soundSpeed: 1524,
    attenuationDbPerCmMHz: 0.0022,
    powerLawExponent: 2,
    nonlinearity: 5.0,
    conductivity: 0.61,
    specificHeat: 4180,
    perfusion: 0,
  },
  // Skin: α range 0.2–1.0, default 0.35; perfusion 10 ml/min/100 g.
  {
    name: 'skin',
    density: 1109,
    soundSpeed: 1624,
    attenuationDbPerCmMHz: 0.35,
    powerLawExponent: 1,
    nonlinearity: 7.9,
    conductivity: 0.37,
    specificHeat: 3391,
    perfusion: w(10, 1109),
  },
  // Subcutaneous fat.
  {
    name: 'fat',
    density: 911,
    soundSpeed: 1440,
    attenuationDbPerCmMHz: 0.63,
    powerLawExponent: 1.0,
    nonlinearity: 10,
    conductivity: 0.21,
    specificHeat: 2348,
    perfusion: w(3, 911),
  },
  // Rectus abdominis: α 1.1 (0.96 across fibres, 1.40 along), y 1.1.
  {
    name: 'muscle',
    density: 1090,
    soundSpeed: 1588,
    attenuationDbPerCmMHz: 1.1,
    powerLawExponent: 1.1,
    nonlinearity: 7.4,
    conductivity: 0.49,
    specificHeat: 3421,
    perfusion: w(4, 1090),
  },
  // Myometrium: α 0.32–0.8, default 0.5; perfusion 10–60, default 30.
  {
    name: 'uterus',
    density: 1075,
    soundSpeed: 1610,
    attenuationDbPerCmMHz: 0.5,
    powerLawExponent: 1.6,
    nonlinearity: 7,
    conductivity: 0.5,
    specificHeat: 3650,
    perfusion: w(30, 1075),
  },
  // Endometrium: no separate entry in the reference; myometrium's values (thin, well perfused lining).
  {
    name: 'endometrium',
    density: 1075,
    soundSpeed: 1610,
    attenuationDbPerCmMHz: 0.5,
    powerLawExponent: 1.6,
    nonlinearity: 7,
    conductivity: 0.5,
    specificHeat: 3650,
    perfusion: w(60, 1075),
  },
  // Leiomyoma: α 0.36–1.0, default 0.6; perfusion 1–100 per patient, default 20 (T2 type 2).
  {
    name: 'fibroid',
    density: 1075,
    soundSpeed: 1595,
    attenuationDbPerCmMHz: 0.6,
    powerLawExponent: 1.65,
    nonlinearity: 7,
    conductivity: 0.5,
    specificHeat: 3600,
    perfusion: w(20, 1075),
  },
  {
    name: 'liver',
    density: 1079,
    soundSpeed: 1586,
    attenuationDbPerCmMHz: 0.5,
    powerLawExponent: 1.1,
    nonlinearity: 6.8,
    conductivity: 0.52,
    specificHeat: 3540,
    perfusion: w(100, 1079),
  },
  // Bowel wall: α 0.5–1.0, default 0.75.
  {
    name: 'bowel',
    density: 1050,
    soundSpeed: 1550,
    attenuationDbPerCmMHz: 0.75,
    powerLawExponent: 1,
    nonlinearity: 7,
    conductivity: 0.5,
    specificHeat: 3600,
    perfusion: w(70, 1050),
  },
  // Bowel gas / air: a total reflector for ultrasound; α not meaningful (set high so no field crosses it).
  {
    name: 'bowel-gas',
    density: 1.2,
    soundSpeed: 343,
    attenuationDbPerCmMHz: 1000,
    powerLawExponent: 1,
    nonlinearity: Number.NaN,
    conductivity: 0.026,
    specificHeat: 1005,
    perfusion: 0,
    reflector: true,
  },
  // Cortical bone (sacrum): α 15–20, default 17.5.
  {
    name: 'bone',
    density: 1908,
    soundSpeed: 3515,
    attenuationDbPerCmMHz: 17.5,
    powerLawExponent: 1,
    nonlinearity: Number.NaN,
    conductivity: 0.32,
    specificHeat: 1313,
    perfusion: w(1, 1908),
  },
  {
    name: 'blood',
    density: BLOOD.density,
    soundSpeed: BLOOD.soundSpeed,
    attenuationDbPerCmMHz: 0.15,
    powerLawExponent: 1.2,
    nonlinearity: 6.1,
    conductivity: BLOOD.conductivity,
    specificHeat: BLOOD.specificHeat,
    perfusion: 0,
  },
  // Urine in the bladder: water-like (no separate entry in the reference; water at 37 °C).
  {
    name: 'bladder',
    density: 1005,
    soundSpeed: 1534,
    attenuationDbPerCmMHz: 0.0022,
    powerLawExponent: 2,
    nonlinearity: 5.4,
    conductivity: 0.6,
    specificHeat: 4180,
    perfusion: 0,
  },
  // Other soft tissue: a generic soft tissue between muscle and uterus (no separate reference row).
  {
    name: 'soft-tissue',
    density: 1060,
    soundSpeed: 1575,
    attenuationDbPerCmMHz: 0.6,
    powerLawExponent: 1.1,
    nonlinearity: 7,
    conductivity: 0.5,
    specificHeat: 3600,
    perfusion: w(10, 1060),
  },
];

const BY_NAME = new Map(TABLE.map((t) => [t.name, t]));

/** Other names users type for the same tissues. */
const ALIASES: Record<string, string> = {
  myometrium: 'uterus',
  leiomyoma: 'fibroid',
  'subcutaneous-fat': 'fat',
  air: 'bowel-gas',
  gas: 'bowel-gas',
  'bowel-wall': 'bowel',
  sacrum: 'bone',
  'cortical-bone': 'bone',
  urine: 'bladder',
};

/** Names of all built-in tissues. */
export function tissueNames(): string[] {
  return TABLE.map((t) => t.name);
}

/** A built-in tissue by name (case-insensitive, aliases allowed); unknown name → InputError listing the known ones. */
export function getTissue(name: string, field = 'tissue'): Tissue {
  const key = String(name).trim().toLowerCase();
  const t = BY_NAME.get(ALIASES[key] ?? key);
  if (!t) throw new InputError(field, `unknown tissue "${name}"; known: ${tissueNames().join(', ')}`);
  return t;
}

/** Checks every property of a (custom) tissue; returns it with the optional fields filled. */
export function validateTissue(t: Partial<Tissue> & { name?: string }, field = 'tissue'): Tissue {
  const name = t.name ?? 'custom';
  const density = requireFinite(`${field}.density`, t.density, 'positive');
  const soundSpeed = requireFinite(`${field}.soundSpeed`, t.soundSpeed, 'positive');
  const attenuationDbPerCmMHz = requireFinite(`${field}.attenuation`, t.attenuationDbPerCmMHz, 'non-negative');
  const powerLawExponent = requireFinite(`${field}.powerLawExponent`, t.powerLawExponent, 'non-negative');
  if (powerLawExponent > 3) throw new InputError(`${field}.powerLawExponent`, `must be in [0, 3], got ${powerLawExponent}`);
  const absorption = t.absorptionDbPerCmMHz ?? attenuationDbPerCmMHz;
  requireFinite(`${field}.absorption`, absorption, 'non-negative');
  if (absorption > attenuationDbPerCmMHz + 1e-12) throw new InputError(`${field}.absorption`, 'cannot exceed attenuation');
  return {
    name,
    density,
    soundSpeed,
    attenuationDbPerCmMHz,
    powerLawExponent,
    absorptionDbPerCmMHz: absorption,
    nonlinearity: t.nonlinearity ?? Number.NaN,
    conductivity: requireFinite(`${field}.conductivity`, t.conductivity ?? 0.5, 'positive'),
    specificHeat: requireFinite(`${field}.specificHeat`, t.specificHeat ?? 3600, 'positive'),
    perfusion: requireFinite(`${field}.perfusion`, t.perfusion ?? 0, 'non-negative'),
    reflector: t.reflector ?? false,
  };
}

/** A built-in tissue with some properties replaced (per-case overrides), validated. */
export function withOverrides(base: Tissue, overrides: Partial<Tissue>, field = base.name): Tissue {
  return validateTissue({ ...base, ...overrides, name: base.name }, field);
}

/** Absorption α_abs in dB/cm/MHz^y (the heating part of attenuation). */
export function absorptionOf(t: Tissue): number {
  return t.absorptionDbPerCmMHz ?? t.attenuationDbPerCmMHz;
}

/** Characteristic acoustic impedance Z = ρ c, in rayl (kg/m²/s). */
export function impedance(t: Tissue): number {
  return t.density * t.soundSpeed;
}

/** Thermal diffusivity κ = k / (ρ C), m²/s. */
export function diffusivity(t: Tissue): number {
  return t.conductivity / (t.density * t.specificHeat);
}
