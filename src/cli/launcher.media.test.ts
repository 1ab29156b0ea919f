// bin/veil.mjs, the launcher `npx veil` runs: it says what it builds and why before the build starts. Run in a
// copy of the launcher whose Vite is a stub that marks when the build starts and writes a one-line bundle, so the
// order of the lines is what is checked, not the seconds a real build takes.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const STUB_VITE = `const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
process.stderr.write('stub vite: build started\\n');
const out = process.env.VEIL_CLI_OUT_DIR;
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'veil.js'), "process.stdout.write('the CLI ran\\\\n');\\n");
writeFileSync(join(out, 'veil.inputs.json'), JSON.stringify(['src/cli/vite.config.ts']));
`;

let root: string;

function launch(): { status: number | null; stdout: string; stderr: string[] } {
  const { VEIL_BUILD: _, ...env } = process.env;
  const r = spawnSync(process.execPath, [join(root, 'bin', 'veil.mjs'), '--version'], { encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.split('\n').filter(Boolean) };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'veil-launcher-'));
  for (const d of ['bin', 'src/cli', 'node_modules/vite/bin']) mkdirSync(join(root, d), { recursive: true });
  copyFileSync('bin/veil.mjs', join(root, 'bin', 'veil.mjs'));
  writeFileSync(join(root, 'src', 'cli', 'vite.config.ts'), '');
  writeFileSync(join(root, 'node_modules', 'vite', 'bin', 'vite.js'), STUB_VITE);
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('bin/veil.mjs', () => {
  it('says it is building, and why, before the build starts; runs the bundle after', () => {
    const first = launch();
    expect(first.status, first.stderr.join('\n')).toBe(0);
    expect(first.stderr).toEqual([
      'veil: building the command-line tool (first run only: a few seconds)...',
      'stub vite: build started',
    ]);
    expect(first.stdout).toBe('the CLI ran\n');

    // Built: the next run goes straight to the CLI.
    const second = launch();
    expect(second.stderr).toEqual([]);
    expect(second.stdout).toBe('the CLI ran\n');

    // A source newer than the bundle: rebuilt, naming the file.
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src', 'cli', 'vite.config.ts'), later, later);
    const third = launch();
    expect(third.stderr).toEqual([
      'veil: rebuilding the command-line tool: src/cli/vite.config.ts changed since it was built...',
      'stub vite: build started',
    ]);
    expect(third.stdout).toBe('the CLI ran\n');
  });
});
