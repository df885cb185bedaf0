/**
 * An error of the core as it crosses the worker boundary. Core errors (FuasError) carry a stable `reason` and its
 * `params` (SI units) besides their English message; the page words them (i18n/error-text.ts).
 */
export interface CoreErrorData {
  message: string;
  /** FuasError.code, e.g. "invalid-input" */
  code?: string;
  /** FuasError.reason, e.g. "focus-too-deep" */
  reason?: string;
  params?: Record<string, number | string>;
  /** InputError.field, e.g. "plan.sonications[12].focus" */
  field?: string;
}

/** An error of the core that crossed the worker boundary (its data kept so the page can word it). */
export class CoreError extends Error implements CoreErrorData {
  readonly code?: string;
  readonly reason?: string;
  readonly params?: Record<string, number | string>;
  readonly field?: string;
  constructor(data: CoreErrorData) {
    super(data.message);
    this.name = 'CoreError';
    this.code = data.code;
    this.reason = data.reason;
    this.params = data.params;
    this.field = data.field;
  }
}

/** What of an error (a core FuasError, or anything thrown) travels to the page. */
export function errorData(e: unknown): CoreErrorData {
  if (!(e instanceof Error)) return { message: String(e) };
  const x = e as Error & Partial<CoreErrorData>;
  const out: CoreErrorData = { message: e.message };
  if (typeof x.code === 'string') out.code = x.code;
  if (typeof x.reason === 'string') out.reason = x.reason;
  if (x.params && typeof x.params === 'object') out.params = { ...x.params };
  if (typeof x.field === 'string') out.field = x.field;
  return out;
}
