// Makes the consumer app in .cache/consumer as a user of the package would: `npm pack` (which builds the library),
// a copy of tests/consumer/app, `npm install` of the tarball and livekit-client there, the assets copied into its
// public/veil/, its TypeScript checked against the package's types, and a production build. Run from the repository
// root (tests/consumer/playwright.config.ts runs it before serving the build).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = process.cwd();
const packDir = resolve('.cache/consumer-pack');
const app = resolve('.cache/consumer');
const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });

rmSync(packDir, { recursive: true, force: true });
mkdirSync(packDir, { recursive: true });
run('npm', ['pack', '--silent', '--pack-destination', packDir]);
const tarball = join(
  packDir,
  readdirSync(packDir).find((f) => f.endsWith('.tgz')),
);

rmSync(app, { recursive: true, force: true });
cpSync('tests/consumer/app', app, { recursive: true });
// The livekit-client this repository tests with; both come from npm's cache after the repository's own install.
const { version: livekit } = JSON.parse(readFileSync('node_modules/livekit-client/package.json', 'utf8'));
run(
  'npm',
  ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, `livekit-client@${livekit}`],
  app,
);
// The README's step: the host serves the models and onnxruntime's wasm itself.
cpSync(join(app, 'node_modules/veil/dist-lib/assets'), join(app, 'public/veil'), { recursive: true });
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', app]);
run(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], app);
