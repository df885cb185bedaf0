/**
 * Display colours of the case's structures (RGB 0–255). Chosen to be told apart on a dark grey MR image and
 * to carry the usual meaning: target warm and saturated, organs at risk (bowel, bone, bladder) distinct,
 * coupling water and air transparent.
 */
const COLORS: Record<string, readonly [number, number, number]> = {
  air: [0, 0, 0],
  background: [0, 0, 0],
  water: [40, 90, 160],
  skin: [230, 190, 150],
  fat: [240, 220, 90],
  muscle: [200, 80, 80],
  uterus: [210, 110, 190],
  endometrium: [255, 150, 220],
  fibroid: [255, 140, 0],
  bladder: [80, 200, 255],
  bowel: [120, 200, 90],
  'bowel-gas': [30, 255, 120],
  bone: [245, 245, 245],
  'soft-tissue': [150, 130, 110],
  scar: [255, 60, 60],
};

/** Structures drawn fully transparent in the label overlay (they only frame the body). */
const TRANSPARENT = new Set(['air', 'background', 'water']);

export interface LabelColor {
  label: number;
  name: string;
  rgb: readonly [number, number, number];
  /** 0–255 */
  alpha: number;
}

/** Colour of a structure name ("fibroid-2" takes the colour of "fibroid"); unknown names get a stable hue. */
export function structureColor(name: string): readonly [number, number, number] {
  const base = name.replace(/-\d+$/, '');
  const c = COLORS[base];
  if (c) return c;
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) % 360;
  return hslToRgb(h / 360, 0.6, 0.6);
}

/** The colour table of a case: one entry per structure, label order. */
export function labelColorTable(structures: Readonly<Record<string, number>>): LabelColor[] {
  return Object.entries(structures)
    .map(([name, label]) => ({ label, name, rgb: structureColor(name), alpha: TRANSPARENT.has(name.replace(/-\d+$/, '')) ? 0 : 255 }))
    .sort((a, b) => a.label - b.label);
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + h * 12) % 12;
    const a = s * Math.min(l, 1 - l);
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}
