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

/**
 * Why the bundle must be built before this run, in the words the build's first line gives the user, or null when it
 * is up to date. Said before the build starts: a first run would otherwise sit silent for seconds.
 */
function buildReason() {
  if (!existsSync(bundle) || !existsSync(inputs))
    return 'building the command-line tool (first run only: a few seconds)';
  // An installed copy without sources runs what it has; VEIL_BUILD=never (tests, after one build) too.
  if (!existsSync(join(root, config)) || process.env.VEIL_BUILD === 'never') return null;
  if (process.env.VEIL_BUILD === 'always') return 'rebuilding the command-line tool (VEIL_BUILD=always)';
  const built = statSync(bundle).mtimeMs;
  const files = JSON.parse(readFileSync(inputs, 'utf8'));
  const changed = files.filter((f) => !existsSync(join(root, f)) || statSync(join(root, f)).mtimeMs > built);
  if (changed.length === 0) return null;
  const more = changed.length > 1 ? ` and ${changed.length - 1} more file${changed.length > 2 ? 's' : ''}` : '';
  return `rebuilding the command-line tool: ${changed[0]}${more} changed since it was built`;
}

function build(reason) {
  process.stderr.write(`veil: ${reason}...\n`);
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) {
    process.stderr.write(
      'veil: the CLI is not built and Vite is missing: run `npm install` in the veil folder first\n',
    );
    process.exit(1);
  }
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

const reason = buildReason();
if (reason) build(reason);
await import(pathToFileURL(bundle).href);
