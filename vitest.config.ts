import { defineConfig } from 'vitest/config';

// One run covers every package: unit tests mirror src/ under packages/*/test, browser end-to-end tests live
// in packages/web/test/e2e (they start the real server and drive Debian's Chromium).
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
