import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// packages/core runs in Node and in browsers: no Node built-ins, no DOM globals. This test enforces it.
const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const NODE_BUILTINS =
  /from\s+['"](node:[\w/]+|fs|fs\/promises|path|os|child_process|worker_threads|url|crypto|zlib|stream|http|https|net|buffer|process)['"]|require\(/;
// DOM globals as code uses them (a member, an index, typeof), so that prose such as "the couch window" passes
const DOM_GLOBALS =
  /\b(document|window|navigator)(\.[A-Za-z_$]|\[)|\btypeof\s+(document|window)\b|\b(localStorage|sessionStorage|HTMLElement)\b|\bprocess\.env\b|\bBuffer\./;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('packages/core is isomorphic', () => {
  const files = sources(SRC);
  it('has sources to check', () => expect(files.length).toBeGreaterThan(3));
  it.each(files.map((f) => [f.slice(SRC.length), f]))('%s imports no Node module and touches no DOM', (_name, file) => {
    const code = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
    expect(code).not.toMatch(NODE_BUILTINS);
    expect(code).not.toMatch(DOM_GLOBALS);
  });
});
