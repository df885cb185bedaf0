#!/usr/bin/env node
// The `fuas` command. An installed package (and a repository after `npm run build`) runs the compiled
// JavaScript in dist/. Without dist/ (a fresh clone), or with OPENFUAS_SOURCE=1 (the CLI tests), it runs the
// TypeScript sources through tsx, resolving @openfuas/core to its sources too ("openfuas-source" condition).
import { existsSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // answered without loading the library (scripts call it to check the install)
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
  process.exit(0);
}
const compiled = new URL('../dist/main.js', import.meta.url);
const fromSource = process.env.OPENFUAS_SOURCE === '1' || !existsSync(compiled);
const { main } = fromSource ? await loadSources() : await import(compiled.href);
await main(args);

async function loadSources() {
  const { register } = await import('node:module');
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  // registered last, so it runs first: ask for the packages' sources wherever they export them
  const hook = `export async function resolve(s, c, next) { return next(s, { ...c, conditions: ['openfuas-source', ...c.conditions] }); }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  process.env.OPENFUAS_SOURCE = '1'; // worker threads load the sources as well
  return import('../src/main.ts');
}
