import { InvalidArgumentError } from 'commander';

// Parsers throw commander's InvalidArgumentError: commander prefixes the flag name, and main() maps it to exit 2.
// The name argument documents the call site (and names the flag in messages of callers that reuse a parser).
const CliUsageError = InvalidArgumentError;

/** A commander argParser for a finite number; `check` may narrow it (e.g. positive). */
export function parseNumberOption(_name: string, check: 'any' | 'positive' | 'non-negative' = 'any'): (value: string) => number {
  return (value: string) => {
    const n = value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isFinite(n)) throw new CliUsageError(`expected a number, got "${value}"`);
    if (check === 'positive' && !(n > 0)) throw new CliUsageError(`must be > 0, got ${value}`);
    if (check === 'non-negative' && !(n >= 0)) throw new CliUsageError(`must be >= 0, got ${value}`);
    return n;
  };
}

/** A commander argParser for a finite number within [lo, hi] (physical ranges: a typo is not a 1e9 s run). */
export function parseRangeOption(_name: string, lo: number, hi: number, unit = ''): (value: string) => number {
  const parse = parseNumberOption(_name);
  return (value: string) => {
    const n = parse(value);
    if (n < lo || n > hi) throw new CliUsageError(`must be within [${lo}, ${hi}]${unit ? ` ${unit}` : ''}, got ${value}`);
    return n;
  };
}

/** A commander argParser for an integer in [min, max]. */
export function parseIntegerOption(_name: string, min: number, max: number): (value: string) => number {
  return (value: string) => {
    // decimal digits only: '' or ' ' is not 0, '0x10' is not 16, '1e3' is not 1000
    const n = /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new CliUsageError(`expected an integer in [${min}, ${max}], got "${value}"`);
    return n;
  };
}

/** Parses "A:B:C[:D]" into numbers, e.g. --axis FROM_MM:TO_MM:STEP_MM. */
export function parseNumberList(_name: string, count: number): (value: string) => number[] {
  return (value: string) => {
    const parts = value.split(':').map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
    if (parts.length !== count || !parts.every(Number.isFinite)) {
      throw new CliUsageError(`expected ${count} numbers separated by ':', got "${value}"`);
    }
    return parts;
  };
}
