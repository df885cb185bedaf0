/**
 * The project's typed errors. Every bad input ends in one of these, never in NaN or a bare TypeError,
 * so callers (CLI: exit 2; UI: a message) can tell a user's mistake from a bug.
 */

/** Base class of all OpenFUAS errors; `code` is a stable machine-readable identifier. */
export class FuasError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A value given by a user or a file is invalid; `field` names it (e.g. "transducer.aperture"). */
export class InputError extends FuasError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('invalid-input', field ? `${field}: ${message}` : message);
    this.field = field;
  }
}

/** A file could not be decoded (truncated, corrupt, unsupported encoding); `file` names it when known. */
export class FormatError extends FuasError {
  readonly file: string;
  constructor(file: string, message: string) {
    super('bad-format', file ? `${file}: ${message}` : message);
    this.file = file;
  }
}

/** A computation was asked for more memory or work than allowed (a grid too large, too many points). */
export class LimitError extends FuasError {
  constructor(message: string) {
    super('limit-exceeded', message);
  }
}

/** Throws an InputError unless `value` is a finite number (optionally > 0 or >= 0). */
export function requireFinite(field: string, value: unknown, sign: 'any' | 'positive' | 'non-negative' = 'any'): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InputError(field, `expected a finite number, got ${JSON.stringify(value)}`);
  }
  if (sign === 'positive' && !(value > 0)) throw new InputError(field, `must be > 0, got ${value}`);
  if (sign === 'non-negative' && !(value >= 0)) throw new InputError(field, `must be >= 0, got ${value}`);
  return value;
}
