#!/usr/bin/env node
// `npx veil ...`: runs the bundled CLI (dist-cli/veil.js), building it first when it is missing or older than
// one of the files it was built from (a fresh clone after `npm install`, or after a pull). VEIL_BUILD=always
// rebuilds, VEIL_BUILD=never builds only when there is no bundle. See src/cli/README.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist-cli');
const bundle = join(dist, 'veil.js');
/** Written by the build beside the bundle: the repository files the bundle was made from. */
const inputs = join(dist, 'veil.inputs.json');
const config = join('src', 'cli', 'vite.config.ts');

function stale() {
  if (!existsSync(bundle) || !existsSync(inputs)) return true;
  // An installed copy without sources runs what it has; VEIL_BUILD=never (tests, after one build) too.
  if (!existsSync(join(root, config)) || process.env.VEIL_BUILD === 'never') return false;
  if (process.env.VEIL_BUILD === 'always') return true;
  const built = statSync(bundle).mtimeMs;
  const files = JSON.parse(readFileSync(inputs, 'utf8'));
  return files.some((f) => !existsSync(join(root, f)) || statSync(join(root, f)).mtimeMs > built);
}

function build() {
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) {
    process.stderr.write(
      'veil: the CLI is not built and Vite is missing: run `npm install` in the veil folder first\n',
    );
    process.exit(1);
  }
  process.stderr.write('veil: building the command-line tool (dist-cli/veil.js)...\n');
  // Into a private folder, then renamed into place: two veils starting at once never run a half-written bundle.
  const outDir = join('dist-cli', `.build-${process.pid}`);
  const r = spawnSync(process.execPath, [vite, 'build', '-c', config], {
    cwd: root,
    env: { ...process.env, VEIL_CLI_OUT_DIR: outDir },
    stdio: ['ignore', 2, 2],
  });
  try {
    if (r.status !== 0) {
      process.stderr.write(`veil: building the CLI failed (vite exit ${r.status ?? r.signal})\n`);
      process.exit(1);
    }
    mkdirSync(dist, { recursive: true });
    renameSync(join(root, outDir, 'veil.js'), bundle);
    renameSync(join(root, outDir, 'veil.inputs.json'), inputs);
  } finally {
    rmSync(join(root, outDir), { recursive: true, force: true });
  }
}

if (stale()) build();
await import(pathToFileURL(bundle).href);
