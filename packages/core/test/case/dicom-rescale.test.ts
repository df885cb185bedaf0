// A huge DICOM RescaleSlope (issue 17: it put values beyond Float32 into a case) is refused naming the file.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FormatError, decodeDicomSeries } from '../../src/index.js';

const DIR = new URL('./fixtures/dicom/mr-oblique/', import.meta.url);

describe('DICOM rescale', () => {
  it('a RescaleSlope of 1e99 is a FormatError naming the file and the tag; the intact series decodes', () => {
    const files = readdirSync(DIR)
      .sort()
      .map((name) => ({ name, bytes: new Uint8Array(readFileSync(new URL(name, DIR))) }));
    expect(() => decodeDicomSeries(files)).not.toThrow();
    // explicit VR little endian: (0028,1053) DS, length 2, "2 " → length 4, "1e99" (the rest moves by 2 bytes)
    const b = files[0].bytes;
    const tag = [0x28, 0x00, 0x53, 0x10, 0x44, 0x53, 0x02, 0x00];
    const at = b.findIndex((_, i) => tag.every((v, k) => b[i + k] === v));
    expect(at).toBeGreaterThan(0);
    const head = b.subarray(0, at);
    const elem = new Uint8Array([0x28, 0x00, 0x53, 0x10, 0x44, 0x53, 0x04, 0x00, ...new TextEncoder().encode('1e99')]);
    const tail = b.subarray(at + 10);
    const bad = new Uint8Array(head.length + elem.length + tail.length);
    bad.set(head);
    bad.set(elem, head.length);
    bad.set(tail, head.length + elem.length);
    const series = files.map((f, i) => (i === 0 ? { name: f.name, bytes: bad } : f));
    expect(() => decodeDicomSeries(series)).toThrow(FormatError);
    expect(() => decodeDicomSeries(series)).toThrow(new RegExp(`${files[0].name}: RescaleSlope \\(0028,1053\\) 1e\\+99 is outside`));
  });
});
