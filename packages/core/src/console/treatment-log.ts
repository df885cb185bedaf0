import { FormatError } from '../errors.js';
import { crc32 } from '../checksum/crc32.js';

/**
 * The treatment log: append-only records, each framed as
 *   [payload length n: u32 LE][~n: u32 LE][CRC-32 of the payload: u32 LE][payload: UTF-8 JSON, n bytes]
 * (the complemented length tells a corrupt length field from a record cut short)
 * The first record is the header (plan, settings and their SHA-256 hashes); each later record holds the events of
 * one control tick, so a tick's events are durable together or not at all. A crash while appending leaves a torn
 * tail (a short or unchecked last record, or zeros a file system filled in): it is detected and dropped, never
 * read as events. A bad record followed by good ones is corruption, not a torn tail: the log is then invalid.
 */
export const LOG_FORMAT = 'openfuas-treatment-log';
export const LOG_VERSION = 1;
/** bytes: a record larger than this is a corrupt length field */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Where log records go. The console reports an event as done only after `sync` resolves (fsync in Node). */
export interface LogSink {
  append(record: Uint8Array): Promise<void> | void;
  /** makes every appended record durable (stable storage) */
  sync(): Promise<void> | void;
}

/** One logged event: sequence number from 1, treatment time (s), control tick, type, and the event's data. */
export interface LogEvent {
  readonly seq: number;
  readonly time: number;
  readonly tick: number;
  readonly type: string;
  readonly [key: string]: unknown;
}

export interface LogHeader {
  readonly kind: 'header';
  readonly format: typeof LOG_FORMAT;
  readonly version: typeof LOG_VERSION;
  readonly planHash: string;
  readonly settingsHash: string;
  readonly plan: unknown;
  readonly settings: unknown;
}

export interface LogBatch {
  readonly kind: 'events';
  readonly tick: number;
  readonly events: readonly LogEvent[];
}

/** bytes of a record's frame before its payload */
const FRAME = 12;

/** Frames a JSON payload as one record. */
export function encodeRecord(payload: unknown): Uint8Array {
  const body = new TextEncoder().encode(JSON.stringify(payload));
  const out = new Uint8Array(FRAME + body.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length, true);
  view.setUint32(4, ~body.length >>> 0, true);
  view.setUint32(8, crc32(body), true);
  out.set(body, FRAME);
  return out;
}

/** What a log file holds, as far as it can be trusted. */
export interface DecodedLog {
  /** false when a record inside the log (not its tail) fails its checks, or the header is missing */
  readonly valid: boolean;
  /** why the log is invalid (absent when valid) */
  readonly error?: string;
  readonly header: LogHeader | null;
  readonly batches: readonly LogBatch[];
  readonly events: readonly LogEvent[];
  /** bytes of whole, checked records from the start: where the next record goes after dropping a torn tail */
  readonly validBytes: number;
  readonly tornTail: boolean;
}

function allZero(b: Uint8Array, from: number): boolean {
  for (let i = from; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** Reads a log's bytes: checks every frame and the event sequence; a torn tail is reported and left out. */
export function decodeLog(bytes: Uint8Array): DecodedLog {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dec = new TextDecoder('utf-8', { fatal: true });
  const batches: LogBatch[] = [];
  const events: LogEvent[] = [];
  let header: LogHeader | null = null;
  let at = 0;
  let torn = false;
  const invalid = (error: string): DecodedLog => ({ valid: false, error, header, batches, events, validBytes: at, tornTail: false });
  while (at < bytes.length) {
    const left = bytes.length - at;
    // a record that runs to the end of the file and fails is the torn tail of an interrupted append
    if (left < FRAME) {
      torn = true;
      break;
    }
    const len = view.getUint32(at, true);
    const check = view.getUint32(at + 4, true);
    const sum = view.getUint32(at + 8, true);
    if (check !== ~len >>> 0 || len < 2 || len > MAX_RECORD_BYTES) {
      if (allZero(bytes, at)) {
        torn = true;
        break;
      }
      return invalid(`record at byte ${at}: corrupt length field`);
    }
    if (len > left - FRAME) {
      // a whole frame whose payload runs past the end: the append was cut short
      torn = true;
      break;
    }
    const end = at + FRAME + len;
    let payload: unknown = null;
    let ok = crc32(bytes.subarray(at + FRAME, end)) === sum;
    if (ok) {
      try {
        payload = JSON.parse(dec.decode(bytes.subarray(at + FRAME, end)));
      } catch {
        ok = false;
      }
    }
    if (!ok) {
      if (end === bytes.length || allZero(bytes, end)) {
        torn = true;
        break;
      }
      return invalid(`record at byte ${at}: checksum or JSON does not match (corrupt, not a torn tail)`);
    }
    const p = payload as { kind?: string };
    if (header === null) {
      if (p.kind !== 'header' || (p as LogHeader).format !== LOG_FORMAT) return invalid('the first record is not a treatment-log header');
      if ((p as LogHeader).version !== LOG_VERSION) return invalid(`log version ${(p as LogHeader).version} is not ${LOG_VERSION}`);
      header = p as LogHeader;
    } else {
      if (p.kind !== 'events' || !Array.isArray((p as LogBatch).events)) return invalid(`record at byte ${at} is not an event batch`);
      const b = p as LogBatch;
      for (const e of b.events) {
        const expected = events.length + 1;
        if (e.seq !== expected) return invalid(`event seq ${e.seq} where ${expected} was expected`);
        events.push(e);
      }
      batches.push(b);
    }
    at = end;
  }
  if (header === null) return { valid: false, error: 'no complete header record', header, batches, events, validBytes: 0, tornTail: torn };
  return { valid: true, header, batches, events, validBytes: at, tornTail: torn };
}

/** `fuas log verify --json`: the contract of issue 13. */
export interface LogVerification {
  valid: boolean;
  events: number;
  lastSeq: number;
  tornTail: boolean;
  planHash: string;
}

export function verifyLog(bytes: Uint8Array): LogVerification {
  const d = decodeLog(bytes);
  return {
    valid: d.valid,
    events: d.events.length,
    lastSeq: d.events.length > 0 ? d.events[d.events.length - 1].seq : 0,
    tornTail: d.tornTail,
    planHash: d.header?.planHash ?? '',
  };
}

/** A decoded log that must be valid (resume, replay): FormatError naming the problem otherwise. */
export function requireValidLog(bytes: Uint8Array, file = 'log'): DecodedLog & { header: LogHeader } {
  const d = decodeLog(bytes);
  if (!d.valid || d.header === null) throw new FormatError(file, `not a valid treatment log (${d.error ?? 'no header'})`);
  return d as DecodedLog & { header: LogHeader };
}

/** A sink in memory (tests, the browser before its storage is wired): `bytes` are the appended records, `durable` the synced length. */
export class MemoryLogSink implements LogSink {
  private chunks: Uint8Array[] = [];
  private length = 0;
  durableLength = 0;
  append(record: Uint8Array): void {
    this.chunks.push(record.slice());
    this.length += record.length;
  }
  sync(): void {
    this.durableLength = this.length;
  }
  get bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
