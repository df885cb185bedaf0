#!/usr/bin/env node
// The `fuas` command. The CLI is TypeScript run through tsx's loader (no build step after `npm install`).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
await main(process.argv.slice(2));
