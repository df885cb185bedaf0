import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Tests run on the packages' TypeScript sources (the "openfuas-source" export condition), never on a stale dist/.
const source = 'openfuas-source';

// One run covers every package: unit tests mirror src/ under packages/*/test, browser end-to-end tests live
// in packages/web/test/e2e (they start the real server and drive Debian's Chromium).
export default defineConfig({
  resolve: { conditions: [source, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [source, ...defaultServerConditions] } },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    globalSetup: ['./vitest.global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
