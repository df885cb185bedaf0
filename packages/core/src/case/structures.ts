import { InputError } from '../errors.js';
import { getTissue } from '../tissue/tissue-table.js';

/**
 * Named structures of a case's label map. A structure is a label value (0–255, uint8 label maps), a name
 * and the built-in tissue it is made of. Names are lower case: the ones listed in STANDARD_STRUCTURES,
 * or such a name with a numeric suffix for a second instance ("fibroid-2" is made of "fibroid").
 */
export interface Structure {
  /** lower-case name, e.g. "fibroid", "bowel-gas", "fibroid-2" */
  readonly name: string;
  /** label value in the uint8 label map */
  readonly label: number;
  /** name of the built-in tissue (tissue-table.ts) the structure is made of */
  readonly tissue: string;
}

/**
 * The standard structures and the labels the built-in phantom uses. Imported cases may use any label
 * values (their label-map file names them); the names stay these.
 */
export const STANDARD_STRUCTURES: readonly Structure[] = [
  { name: 'air', label: 0, tissue: 'bowel-gas' },
  { name: 'water', label: 1, tissue: 'water' },
  { name: 'skin', label: 2, tissue: 'skin' },
  { name: 'fat', label: 3, tissue: 'fat' },
  { name: 'muscle', label: 4, tissue: 'muscle' },
  { name: 'uterus', label: 5, tissue: 'uterus' },
  { name: 'endometrium', label: 6, tissue: 'endometrium' },
  { name: 'fibroid', label: 7, tissue: 'fibroid' },
  { name: 'bladder', label: 8, tissue: 'bladder' },
  { name: 'bowel', label: 9, tissue: 'bowel' },
  { name: 'bowel-gas', label: 10, tissue: 'bowel-gas' },
  { name: 'bone', label: 11, tissue: 'bone' },
  { name: 'soft-tissue', label: 12, tissue: 'soft-tissue' },
];

/** Label values of the standard structures, by name (the phantom's labels). */
export const LABEL = Object.freeze(Object.fromEntries(STANDARD_STRUCTURES.map((s) => [s.name, s.label]))) as Readonly<
  Record<
    | 'air'
    | 'water'
    | 'skin'
    | 'fat'
    | 'muscle'
    | 'uterus'
    | 'endometrium'
    | 'fibroid'
    | 'bladder'
    | 'bowel'
    | 'bowel-gas'
    | 'bone'
    | 'soft-tissue',
    number
  >
>;

const STANDARD_BY_NAME = new Map(STANDARD_STRUCTURES.map((s) => [s.name, s]));

/** Other names a segmentation's label-map file may use for a standard structure. */
const NAME_ALIASES: Record<string, string> = {
  'water-bath': 'water',
  'subcutaneous-fat': 'fat',
  'rectus-abdominis': 'muscle',
  rectus: 'muscle',
  myometrium: 'uterus',
  leiomyoma: 'fibroid',
  myoma: 'fibroid',
  target: 'fibroid',
  'bowel-wall': 'bowel',
  gas: 'bowel-gas',
  sacrum: 'bone',
  other: 'soft-tissue',
  'other-soft-tissue': 'soft-tissue',
};

/** The standard structure names, in label order. */
export function standardStructureNames(): string[] {
  return STANDARD_STRUCTURES.map((s) => s.name);
}

/**
 * Canonical structure name: lower case, spaces/underscores → '-', aliases resolved ("Myometrium" → "uterus",
 * "fibroid_2" → "fibroid-2"). Unknown names → InputError listing the known ones.
 */
export function canonicalStructureName(name: string, field = 'structure'): string {
  const key = String(name)
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  const m = /^(.*?)-(\d+)$/.exec(key);
  const base = m ? m[1] : key;
  const canon = NAME_ALIASES[base] ?? base;
  if (!STANDARD_BY_NAME.has(canon)) {
    throw new InputError(
      field,
      `unknown structure "${name}"; known: ${standardStructureNames().join(', ')} (a suffix -2, -3... names another instance)`,
    );
  }
  return m ? `${canon}-${m[2]}` : canon;
}

/** The built-in tissue a structure name is made of ("fibroid-2" → "fibroid"). */
export function tissueOfStructure(name: string): string {
  const canon = canonicalStructureName(name);
  const base = canon.replace(/-\d+$/, '');
  return STANDARD_BY_NAME.get(base)!.tissue;
}

/** A structure from a name and a label value, checked (label an integer 0–255, name known, tissue exists). */
export function makeStructure(name: string, label: number, field = 'structure'): Structure {
  if (!Number.isInteger(label) || label < 0 || label > 255) throw new InputError(field, `label must be an integer 0–255, got ${label}`);
  const canon = canonicalStructureName(name, field);
  const tissue = tissueOfStructure(canon);
  getTissue(tissue, field);
  return { name: canon, label, tissue };
}

/** Checks a structure list: unique names, unique labels. Returns it. */
export function validateStructures(structures: readonly Structure[], field = 'structures'): readonly Structure[] {
  const names = new Set<string>();
  const labels = new Set<number>();
  structures.forEach((s, i) => {
    const checked = makeStructure(s.name, s.label, `${field}[${i}]`);
    if (checked.name !== s.name)
      throw new InputError(`${field}[${i}].name`, `must be the canonical name "${checked.name}", got "${s.name}"`);
    getTissue(s.tissue, `${field}[${i}].tissue`);
    if (names.has(s.name)) throw new InputError(`${field}[${i}].name`, `structure "${s.name}" is listed twice`);
    if (labels.has(s.label)) throw new InputError(`${field}[${i}].label`, `label ${s.label} is used by two structures`);
    names.add(s.name);
    labels.add(s.label);
  });
  return structures;
}

/** The structure with this name (canonicalised), or undefined. */
export function structureByName(structures: readonly Structure[], name: string): Structure | undefined {
  let canon: string;
  try {
    canon = canonicalStructureName(name);
  } catch {
    return undefined;
  }
  return structures.find((s) => s.name === canon);
}

/** The structure with this label value, or undefined. */
export function structureByLabel(structures: readonly Structure[], label: number): Structure | undefined {
  return structures.find((s) => s.label === label);
}

/** Label value → structure name map (for viewers' legends). */
export function labelNames(structures: readonly Structure[]): Record<number, string> {
  const out: Record<number, string> = {};
  for (const s of structures) out[s.label] = s.name;
  return out;
}
