import { VERSION } from '@openfuas/core';
import { describe, expect, it } from 'vitest';
import { runFuas } from './run-cli.js';

describe('fuas command line', () => {
  it('--version prints the version and exits 0', () => {
    const r = runFuas(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it('--help lists the subcommands', () => {
    const r = runFuas(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: fuas/);
    expect(r.stdout).toMatch(/serve/);
  });

  it('an unknown flag exits 2 with one line naming it', () => {
    const r = runFuas(['--frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--frobnicate/);
  });

  it('a bad flag value exits 2 naming the flag', () => {
    const r = runFuas(['serve', '--port', 'eighty']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--port.*eighty/);
  });

  it('an unknown subcommand exits 2', () => {
    const r = runFuas(['levitate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/levitate/);
  });
});
