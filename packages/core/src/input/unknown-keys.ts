import { InputError } from '../errors.js';

/** Levenshtein distance (insertions, deletions, substitutions), for "did you mean" messages. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** The candidate closest to `name` (case-insensitive edit distance; ties: the first). */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/**
 * Throws an InputError for the first key of `obj` not in `allowed`, naming where it is and the closest valid
 * key ("sonication.powr: unknown key; did you mean \"power\"?"), so a typo never silently becomes a default.
 */
export function rejectUnknownKeys(obj: unknown, allowed: readonly string[], path: string): void {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return;
  for (const key of Object.keys(obj)) {
    if (allowed.includes(key)) continue;
    const near = closestName(key, allowed);
    const where = path ? `${path}.${key}` : key;
    throw new InputError(where, `unknown key${near ? `; did you mean "${near}"? (valid: ${allowed.join(', ')})` : ''}`, {
      reason: 'unknown-key',
      params: { key: where, ...(near ? { suggestion: near } : {}) },
    });
  }
}
