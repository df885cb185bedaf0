/** Formats a number with a fixed number of decimals, or an en dash for null/NaN. */
export function fmt(v: number | null | undefined, decimals = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const text = v.toFixed(decimals);
  // no "-0.0": a value that rounds to zero is shown without a sign
  return text.startsWith('-') && Number(text) === 0 ? text.slice(1) : text;
}
