import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/case/seeded-random.js';
import { LOG_FORMAT, LOG_VERSION, MemoryLogSink, decodeLog, encodeRecord, verifyLog } from '../../src/console/treatment-log.js';

function sampleLog(batches = 20): Uint8Array {
  const sink = new MemoryLogSink();
  sink.append(
    encodeRecord({
      kind: 'header',
      format: LOG_FORMAT,
      version: LOG_VERSION,
      planHash: 'p'.repeat(64),
      settingsHash: 's',
      plan: {},
      settings: {},
    }),
  );
  let seq = 0;
  for (let t = 0; t < batches; t++) {
    const events = Array.from({ length: 1 + (t % 3) }, () => ({ seq: ++seq, time: t / 10, tick: t, type: 'state', note: 'é→✓' }));
    sink.append(encodeRecord({ kind: 'events', tick: t, events }));
  }
  sink.sync();
  return sink.bytes;
}

describe('treatment log framing', () => {
  it('reads back every event of a whole log', () => {
    const d = decodeLog(sampleLog());
    expect(d.valid).toBe(true);
    expect(d.tornTail).toBe(false);
    expect(d.events.length).toBe(39);
    expect(d.events.map((e) => e.seq)).toEqual(Array.from({ length: 39 }, (_, i) => i + 1));
    expect(verifyLog(sampleLog())).toEqual({ valid: true, events: 39, lastSeq: 39, tornTail: false, planHash: 'p'.repeat(64) });
  });

  it('cut at every byte: a torn tail is detected and dropped, never misread, and what is kept is a prefix of whole batches', () => {
    const full = sampleLog();
    const whole = decodeLog(full);
    let prevEvents = 0;
    for (let cut = 0; cut < full.length; cut++) {
      const d = decodeLog(full.subarray(0, cut));
      if (d.header === null) {
        expect(d.valid).toBe(false);
        continue;
      }
      expect(d.valid, `cut ${cut}`).toBe(true);
      expect(d.events).toEqual(whole.events.slice(0, d.events.length));
      expect(d.tornTail).toBe(d.validBytes < cut);
      expect(d.events.length).toBeGreaterThanOrEqual(prevEvents);
      prevEvents = d.events.length;
    }
  });

  it('zeros a file system left after the last record are a torn tail', () => {
    const full = sampleLog();
    const padded = new Uint8Array(full.length + 4096);
    padded.set(full);
    const d = decodeLog(padded);
    expect(d.valid).toBe(true);
    expect(d.tornTail).toBe(true);
    expect(d.validBytes).toBe(full.length);
  });

  it('a flipped byte inside the log is corruption (invalid), not a torn tail', () => {
    const full = sampleLog();
    const rng = seededRandom(3);
    const headerEnd = 12 + new DataView(full.buffer).getUint32(0, true);
    for (let n = 0; n < 50; n++) {
      const at = headerEnd + Math.floor(rng.next() * (full.length - headerEnd - 200));
      const bad = full.slice();
      bad[at] ^= 1 << Math.floor(rng.next() * 8);
      const d = decodeLog(bad);
      expect(d.valid, `flip at ${at}`).toBe(false);
      expect(verifyLog(bad).valid).toBe(false);
    }
  });

  it('a flipped bit in any byte of an inner record frame (length, its complement, checksum) is corruption', () => {
    const full = sampleLog();
    const headerEnd = 12 + new DataView(full.buffer).getUint32(0, true);
    for (let at = headerEnd; at < headerEnd + 12; at++)
      for (let bit = 0; bit < 8; bit++) {
        const bad = full.slice();
        bad[at] ^= 1 << bit;
        expect(decodeLog(bad).valid, `byte ${at} bit ${bit}`).toBe(false);
      }
  });

  it('a gap in the sequence numbers is invalid', () => {
    const sink = new MemoryLogSink();
    sink.append(
      encodeRecord({ kind: 'header', format: LOG_FORMAT, version: LOG_VERSION, planHash: '', settingsHash: '', plan: {}, settings: {} }),
    );
    sink.append(encodeRecord({ kind: 'events', tick: 0, events: [{ seq: 1, time: 0, tick: 0, type: 'a' }] }));
    sink.append(encodeRecord({ kind: 'events', tick: 1, events: [{ seq: 3, time: 0.1, tick: 1, type: 'b' }] }));
    expect(decodeLog(sink.bytes).valid).toBe(false);
  });
});
