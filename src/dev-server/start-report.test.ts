// `npm start` as a user runs it (package.json's script, through Vite's own CLI and this repository's vite.config.ts),
// on a port that something else holds, and with no browser to open: what it prints must name the port it really
// serves and say that no browser was opened. Each run waits for the printed lines, never for a time.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

const VITE = 'node_modules/vite/bin/vite.js';
const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };

let held: Server | null = null;
let vite: ChildProcess | null = null;

afterEach(async () => {
  if (vite && vite.exitCode === null && vite.signalCode === null) {
    const exited = new Promise((done) => vite!.once('exit', done));
    vite.kill();
    await exited;
  }
  vite = null;
  await new Promise((done) => (held ? held.close(done) : done(undefined)));
  held = null;
});

/** Listens where `npm start` will want to: a port of the machine's choosing, on the address npm start serves. */
async function holdPort(): Promise<number> {
  held = createServer();
  await new Promise<void>((done) => held!.listen(0, '127.0.0.1', done));
  const address = held.address();
  if (typeof address !== 'object' || !address) throw new Error('the held server has no port');
  return address.port;
}

/** Runs `npm start`'s Vite command with `port` instead of its own; `until` resolves once the output matches. */
function npmStart(port: number, env: NodeJS.ProcessEnv): { until: (pattern: RegExp) => Promise<string> } {
  const [command, ...args] = scripts.start!.split(' ');
  expect(command).toBe('vite');
  vite = spawn(process.execPath, [VITE, ...args, '--port', String(port)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiting: { pattern: RegExp; done: (text: string) => void; fail: (e: Error) => void }[] = [];
  const check = () => {
    for (const w of [...waiting]) {
      if (!w.pattern.test(output)) continue;
      waiting.splice(waiting.indexOf(w), 1);
      w.done(output);
    }
  };
  for (const stream of [vite.stdout!, vite.stderr!]) {
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => {
      output += text;
      check();
    });
  }
  vite.once('exit', (code) => {
    for (const w of waiting.splice(0))
      w.fail(new Error(`vite exited (${code}) before printing ${w.pattern}:\n${output}`));
  });
  return {
    until: (pattern) =>
      new Promise((done, fail) => {
        waiting.push({ pattern, done, fail });
        check();
      }),
  };
}

describe('npm start', () => {
  it('on a taken port, prints the app, OBS and export URLs at the port it really serves, and says it moved', async () => {
    const taken = await holdPort();
    const start = npmStart(taken, { BROWSER: 'none' });
    const text = await start.until(/Not opening a browser.*\n/);
    const port = Number(/ {2}Veil: +http:\/\/127\.0\.0\.1:(\d+)\/\n/.exec(text)?.[1]);
    expect(port, text).toBeGreaterThan(0);
    expect(port).not.toBe(taken);
    const base = `http://127.0.0.1:${port}`;
    expect(text).toContain(`  OBS browser source:  ${base}/?obs=1&source=camera\n`);
    expect(text).toContain(`  Anonymize a file:    ${base}/export.html\n`);
    expect(text).toContain(
      `Port ${taken} was taken (by another program, or another npm start), so Veil is on port ${port}`,
    );
    expect(text).toContain(`Not opening a browser (BROWSER=none): open ${base}/ yourself.`);
    // The printed address is the one that answers.
    const page = await fetch(`${base}/export.html`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<veil-export');
  });

  it('says so when no browser can be opened', async () => {
    // A port that was free a moment ago, so most likely still free.
    const free = await holdPort();
    await new Promise((done) => held!.close(done));
    held = null;
    const start = npmStart(free, { BROWSER: '/nonexistent/veil-test-browser' });
    const text = await start.until(/Could not open a browser.*\n/);
    const url = / {2}Veil: +(http:\/\/127\.0\.0\.1:\d+\/)\n/.exec(text)?.[1];
    expect(url, text).toBeDefined();
    expect(text).toContain(`Opening it in your browser (/nonexistent/veil-test-browser)...`);
    expect(text).toContain(
      `Could not open a browser (/nonexistent/veil-test-browser was not found): open ${url} yourself.`,
    );
  });
});
