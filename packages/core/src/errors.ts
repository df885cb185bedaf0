/**
 * The project's typed errors. Every bad input ends in one of these, never in NaN or a bare TypeError,
 * so callers (CLI: exit 2; UI: a message) can tell a user's mistake from a bug.
 */

/** What went wrong, as a stable code and its values, so that a viewer can word an error in its own language. */
export interface ErrorReason {
  /** e.g. "focus-too-deep" */
  reason: string;
  /** the values in the message, by name (SI units) */
  params?: Record<string, number | string>;
}

/** Base class of all OpenFUAS errors; `code` is a stable machine-readable identifier. */
export class FuasError extends Error {
  readonly code: string;
  /** a finer code than `code` with its values, where the thrower gives one (English stays in `message`) */
  readonly reason?: string;
  readonly params?: Record<string, number | string>;
  constructor(code: string, message: string, detail?: ErrorReason) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    if (detail) {
      this.reason = detail.reason;
      if (detail.params) this.params = detail.params;
    }
  }
}

/** A value given by a user or a file is invalid; `field` names it (e.g. "transducer.aperture"). */
export class InputError extends FuasError {
  readonly field: string;
  constructor(field: string, message: string, detail?: ErrorReason) {
    super('invalid-input', field ? `${field}: ${message}` : message, detail);
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
