import { defaultClientConditions, defineConfig } from 'vite';

// Cross-origin isolation lets the page use SharedArrayBuffer (simulation workers); the production server
// (`fuas serve`) sends the same headers.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: __dirname,
  base: './',
  // the workspace packages from their TypeScript sources (as vitest and tsc do): the Records screen's offline store
  // (@openfuas/server/browser) and what it imports
  resolve: { conditions: ['openfuas-source', ...defaultClientConditions] },
  // PGlite loads its WebAssembly and data next to its module: not pre-bundled by the dev server
  optimizeDeps: { exclude: ['@electric-sql/pglite'] },
  // `npm run dev`: the Records screen reaches `fuas records serve` at the page's own origin, as `fuas serve --records`
  server: { headers: isolation, proxy: { '/api/v1': process.env.OPENFUAS_RECORDS_URL ?? 'http://127.0.0.1:8090' } },
  preview: { headers: isolation },
  // The workstation's components are Preact (JSX through the automatic runtime).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  worker: { format: 'es' },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4096 },
});
