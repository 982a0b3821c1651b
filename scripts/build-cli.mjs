#!/usr/bin/env node
/**
 * Builds the `mall` command and the server into plain JavaScript (packages/server/dist), so an installed mall
 * starts without transpiling TypeScript. Runs at `npm ci` / `npm install` (the root `prepare` script) and by hand
 * with `npm run build:cli`. Plain JS on purpose: it must run before anything else is built.
 *
 * esbuild bundles our own code (packages/server/src and @mall/core) and leaves every npm dependency as an import,
 * resolved from node_modules at run time. The sources keep their extensionless imports (moduleResolution
 * "Bundler"), which Node cannot load as emitted by tsc; a bundler resolves them. Each sub-command stays a lazily
 * loaded chunk, so `mall --help` loads only the command table.
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = join(ROOT, 'packages', 'server');
// MALL_BUILD_OUT builds elsewhere (the build test uses a scratch folder, never the dist the bin runs).
const OUT = process.env.MALL_BUILD_OUT ?? join(SERVER, 'dist');
const SOURCES = [join(SERVER, 'src'), join(ROOT, 'packages', 'core', 'src')];

/** The newest modification time among the sources: the bin compares it with the build's to spot a stale build. */
function newestSourceMs(dirs = SOURCES) {
  let newest = 0;
  for (const dir of dirs) {
    for (const name of readdirSync(dir, { recursive: true })) {
      const ms = statSync(join(dir, String(name))).mtimeMs;
      if (ms > newest) newest = ms;
    }
  }
  return newest;
}

const started = Date.now();
const sourcesMs = newestSourceMs();
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

await build({
  entryPoints: {
    main: join(SERVER, 'src', 'cli', 'main.ts'),
    index: join(SERVER, 'src', 'index.ts'),
    'simulation-job': join(SERVER, 'src', 'incentives', 'simulation-job.ts'),
    'scenario-reader': join(SERVER, 'src', 'cli', 'scenario-reader.ts'),
  },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  plugins: [
    {
      // Our workspace packages are bundled; every other bare import is a dependency installed in node_modules.
      name: 'external-dependencies',
      setup(pluginBuild) {
        pluginBuild.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith('@mall/') ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});

// The settlement simulator runs in a worker thread started from `./simulation-worker.mjs` next to the code that
// starts it; in the build that code sits in a chunk, so the worker file goes where the chunk resolves it.
const worker =
  "// Built by scripts/build-cli.mjs: the simulation worker loads the built job.\nawait import('../simulation-job.js');\n";
writeFileSync(join(OUT, 'chunks', 'simulation-worker.mjs'), worker);
writeFileSync(join(OUT, 'simulation-worker.mjs'), worker.replace('../simulation-job.js', './simulation-job.js'));
// Likewise the reader thread of `mall simulate --scenario FILE` (src/cli/scenario-threads.ts).
writeFileSync(
  join(OUT, 'chunks', 'scenario-reader-worker.mjs'),
  "// Built by scripts/build-cli.mjs: the scenario reader thread loads the built reader.\nawait import('../scenario-reader.js');\n",
);
writeFileSync(
  join(OUT, 'build.json'),
  `${JSON.stringify({ builtAt: new Date().toISOString(), newestSourceMs: sourcesMs }, null, 2)}\n`,
);
process.stdout.write(`mall: built ${OUT} in ${Date.now() - started} ms\n`);
