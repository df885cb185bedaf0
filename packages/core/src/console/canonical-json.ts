import { InputError } from '../errors.js';
import { sha256Hex } from '../provenance/provenance.js';

/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no whitespace, numbers as JavaScript prints them
 * (shortest round-trip form, the same on every engine), undefined members left out. Two documents with the same
 * content give the same bytes, so their hash identifies the content (the plan the operator approved).
 * Non-finite numbers are refused (JSON has none).
 */
export function canonicalJson(value: unknown, field = 'value'): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      if (!Number.isFinite(value)) throw new InputError(field, `is not a finite number (${value})`);
      return JSON.stringify(value);
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v, i) => canonicalJson(v ?? null, `${field}[${i}]`)).join(',')}]`;
      if (ArrayBuffer.isView(value)) return canonicalJson(Array.from(value as unknown as ArrayLike<number>), field);
      const o = value as Record<string, unknown>;
      const keys = Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k], `${field}.${k}`)}`).join(',')}}`;
    }
    default:
      throw new InputError(field, `cannot be written as JSON (${typeof value})`);
  }
}

/** SHA-256 (hex) of a value's canonical JSON. */
export function contentHash(value: unknown, field = 'value'): string {
  return sha256Hex(canonicalJson(value, field));
}
