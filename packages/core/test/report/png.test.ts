import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodePng, toBase64 } from '../../src/report/png.js';

describe('encodePng(rgba, width, height)', () => {
  const w = 7,
    h = 5;
  const rgba = new Uint8Array(w * h * 4).map((_, i) => (i * 37) & 0xff);
  const png = encodePng(rgba, w, h);

  it('writes the PNG signature, an IHDR of the right size and pixels that decompress back', () => {
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const v = new DataView(png.buffer);
    expect(v.getUint32(16)).toBe(w);
    expect(v.getUint32(20)).toBe(h);
    const idatLen = v.getUint32(33);
    const raw = unzlibSync(png.subarray(41, 41 + idatLen));
    for (let y = 0; y < h; y++) {
      expect(raw[y * (w * 4 + 1)]).toBe(0);
      expect(Array.from(raw.subarray(y * (w * 4 + 1) + 1, (y + 1) * (w * 4 + 1)))).toEqual(
        Array.from(rgba.subarray(y * w * 4, (y + 1) * w * 4)),
      );
    }
  });

  it('is read by an independent decoder (Python zlib + struct, CRCs checked)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'png-'));
    writeFileSync(join(dir, 'a.png'), png);
    const script = `
import struct, zlib, sys
d = open(sys.argv[1], 'rb').read()
assert d[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
p = 8; idat = b''
while p < len(d):
    n, = struct.unpack('>I', d[p:p+4]); t = d[p+4:p+8]; body = d[p+8:p+8+n]
    assert zlib.crc32(t + body) & 0xffffffff == struct.unpack('>I', d[p+8+n:p+12+n])[0], t
    if t == b'IHDR': w, h = struct.unpack('>II', body[:8])
    if t == b'IDAT': idat += body
    p += 12 + n
raw = zlib.decompress(idat)
print(w, h, len(raw))`;
    const out = execFileSync('python3', ['-c', script, join(dir, 'a.png')], { encoding: 'utf8' });
    expect(out.trim()).toBe(`${w} ${h} ${(w * 4 + 1) * h}`);
  });

  it('base64-encodes like the platform', () => {
    const bytes = new Uint8Array(70000).map((_, i) => (i * 13) & 0xff);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });
});
