// Bundles the extension, the CLI and the tests. Everything, ESM-only packages
// (unified, remark) included, ends up in CommonJS files that Node 20 and the
// VS Code extension host load directly.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  sourcesContent: false,
  logLevel: 'warning',
};

function testEntries(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true })
    .filter((f) => /\.(test|suite|ui)\.ts$|(^|\/)index\.ts$/.test(f))
    .map((f) => path.join(dir, f));
}

// What src/vscode/lazyModules.ts requires when first used (lazyParts.ts, readerParts.ts): on the desktop, files of
// their own beside the extension (the big libraries in them are not compiled at every start); elsewhere inside the bundle.
const lazyPartsApart = {
  name: 'lazy-parts-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/(lazyParts|readerParts)$/ }, (args) =>
      args.kind === 'require-call' && args.importer.endsWith(path.join('src', 'vscode', 'lazyModules.ts')) ? { path: `${args.path}.js`, external: true } : undefined,
    );
  },
};
const lazyParts = { ...common, entryPoints: ['src/vscode/lazyParts.ts'], outfile: 'dist/lazyParts.js' };
const readerParts = { ...common, entryPoints: ['src/vscode/readerParts.ts'], outfile: 'dist/readerParts.js' };
// PAPER_DIGEST_WEB: whether the bundle carries the library engine for the extension host's own thread (see engineWorker.ts).
const desktopExtension = { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], define: { 'process.env.PAPER_DIGEST_WEB': '"false"' }, plugins: [lazyPartsApart] };
// The library engine's worker (core/libraryEngine.ts), started by the extension through workerLoader.js (V8's code cache for it).
const desktopWorker = { ...common, entryPoints: ['src/worker/nodeWorker.ts'], outfile: 'dist/worker.js' };
const workerLoader = { ...common, entryPoints: ['src/worker/codeCacheLoader.ts'], outfile: 'dist/workerLoader.js' };

async function main() {
  const builds = [
    desktopExtension,
    lazyParts,
    readerParts,
    desktopWorker,
    workerLoader,
    { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
    // VS Code for the Web runs extensions in a web worker: no Node built-ins there.
    {
      ...common,
      entryPoints: ['src/extension.ts'],
      outfile: 'dist/web/extension.js',
      platform: 'browser',
      // A web worker has no `document`: take packages' worker builds over their DOM ones.
      conditions: ['worker'],
      mainFields: ['browser', 'module', 'main'],
      // Only the desktop path requires worker_threads and v8; the web one starts a Web Worker.
      external: ['vscode', 'node:worker_threads', 'node:v8'],
      define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"', 'process.env.PAPER_DIGEST_WEB': '"true"' },
    },
    {
      ...common,
      entryPoints: ['src/worker/webWorker.ts'],
      outfile: 'dist/web/worker.js',
      platform: 'browser',
      format: 'iife',
      conditions: ['worker'],
      mainFields: ['browser', 'module', 'main'],
      define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
    },
  ];
  if (tests) {
    builds.push({
      ...common,
      sourcemap: true,
      entryPoints: [...testEntries('test/unit'), ...testEntries('test/integration'), ...testEntries('test/ui')],
      outdir: 'out/test',
      outbase: 'test',
      external: ['vscode', 'mocha', 'playwright-core', 'esbuild'],
    });
  }
  if (process.argv.includes('--bench')) {
    builds.push({ ...common, sourcemap: true, entryPoints: ['bench/run.ts'], outfile: 'out/bench/run.js', external: ['vscode'] });
    builds.push({ ...common, sourcemap: true, entryPoints: ['bench/host/index.ts'], outfile: 'out/bench/host/index.js', external: ['vscode'] });
  }
  if (watch) {
    for (const options of builds) await (await esbuild.context(options)).watch();
    return;
  }
  await Promise.all(builds.map((options) => esbuild.build(options)));
}

// The tests check what the bundles hold (test/unit/layering.test.ts) with the same options.
module.exports = { desktopExtension, lazyParts, readerParts, desktopWorker };

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
