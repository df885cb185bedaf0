import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The engines do not know each other or the floors above them: acoustics and thermal never import each other,
// planning, sessions (console, training) or a face; their composition (sonication/, planning/) sits above both.
const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const FORBIDDEN: Record<string, readonly string[]> = {
  acoustics: ['thermal', 'planning', 'sonication', 'console', 'training', 'report'],
  thermal: ['acoustics', 'planning', 'sonication', 'console', 'training', 'report'],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('engine boundaries', () => {
  for (const [engine, forbidden] of Object.entries(FORBIDDEN)) {
    const files = sources(join(SRC, engine));
    it(`${engine}/ has sources to check`, () => expect(files.length).toBeGreaterThan(3));
    it.each(files.map((f) => [f.slice(SRC.length), f]))(`%s imports none of ${forbidden.join(', ')}`, (_name, file) => {
      const imports = [...readFileSync(file, 'utf8').matchAll(/from\s+['"](\.\.\/[\w-]+)\//g)].map((m) => m[1].slice(3));
      expect(imports.filter((d) => forbidden.includes(d))).toEqual([]);
    });
  }
});
