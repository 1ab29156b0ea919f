// npm run bench:library -- [options] (`--help` lists them)
// The packed library's output track against the app page's own output, in the same run, on the same fake camera
// (the e2e tests' photo) and settings: frames out per second (counted on each output track with
// MediaStreamTrackProcessor, as a consumer receives them) and the pipeline's time from a frame's arrival to the GPU
// finishing it (median and p95), alternating the two so that a machine's drift falls on both.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_PATH, chromiumArgs } from '../tests/e2e/chromium';
import makeFakeCamera from '../tests/e2e/global-setup';
import { HELP_OPTION, optionsHelp, readCommandLine, UsageError, type OptionTable } from '../src/cli/command-line';
import { percentile } from '../src/app/timing';
import { servePreview, stopServer } from './preview-server';

const OPTIONS = {
  seconds: { type: 'string', value: 'S', help: 'seconds each output is counted, each round (default 20)' },
  rounds: { type: 'string', value: 'N', help: 'rounds, each the app then the library (default 3)' },
  budget: { type: 'string', value: 'MS', help: "both pipelines' detector budget (default 2000: this machine's pace)" },
  reuse: { type: 'boolean', help: 'use the consumer app already in .cache/consumer (npm run test:consumer makes it)' },
  json: { type: 'string', value: 'OUT.json', help: 'the report as JSON (default bench-results/library.json)' },
  help: HELP_OPTION,
} as const satisfies OptionTable;

const USAGE = `usage: npm run bench:library -- [options]\n${optionsHelp(OPTIONS)}`;
const APP_PORT = 4367;
const LIBRARY_PORT = 4368;
const APP_DIST = join('.cache', 'bench-library', 'app');

interface Target {
  name: 'app' | 'library';
  url: string;
  /** A page expression: the output track. */
  track: string;
  /** A page expression: the pipeline's frame statistics since the last call. */
  stats: string;
}

interface Measure {
  target: Target['name'];
  round: number;
  fps: number;
  frameMsP50: number;
  frameMsP95: number;
  failClosedShare: number;
}

async function measure(browser: Browser, t: Target, seconds: number, budgetMs: number, round: number) {
  const page = await browser.newPage({ serviceWorkers: 'block' });
  try {
    await page.goto(t.url);
    if (t.name === 'library') {
      await page.waitForFunction(() => 'anonymized' in window, undefined, { timeout: 120_000 });
      await page.evaluate(
        (ms) => (window as unknown as { veil: { update(o: object): void } }).veil.update({ budgetMs: ms }),
        budgetMs,
      );
    }
    // Both pages leave a handle with status() on window.veil: the app's, and the library's.
    await page.waitForFunction(
      () =>
        (window as unknown as { veil?: { status(): { state: string } | null } }).veil?.status()?.state === 'running',
      undefined,
      { timeout: 120_000, polling: 250 },
    );
    await page.evaluate(t.stats);
    const track = await page.evaluateHandle(t.track);
    const counted = await page.evaluate(
      async ([output, ms]) => {
        const reader = new MediaStreamTrackProcessor({ track: output as MediaStreamVideoTrack }).readable.getReader();
        let frames = 0;
        const t0 = performance.now();
        while (performance.now() - t0 < ms) {
          const { value, done } = await reader.read();
          if (done) break;
          value.close();
          frames++;
        }
        return { frames, seconds: (performance.now() - t0) / 1000 };
      },
      [track, seconds * 1000] as const,
    );
    const stats = (await page.evaluate(t.stats)) as {
      frames: number;
      failClosedFrames: number;
      frameMsP50: number;
      frameMsP95: number;
    };
    return {
      target: t.name,
      round,
      fps: counted.frames / counted.seconds,
      frameMsP50: stats.frameMsP50,
      frameMsP95: stats.frameMsP95,
      failClosedShare: stats.frames > 0 ? stats.failClosedFrames / stats.frames : 0,
    } satisfies Measure;
  } finally {
    await page.close();
  }
}

const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

async function main(): Promise<void> {
  const { values, positionals } = readCommandLine(process.argv.slice(2), OPTIONS);
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const num = (name: 'seconds' | 'rounds' | 'budget', fallback: number) => {
    const raw = values[name];
    const v = typeof raw === 'string' ? Number(raw) : fallback;
    if (!Number.isFinite(v) || v <= 0) throw new UsageError(`--${name} ${raw}: a positive number`);
    return v;
  };
  const seconds = num('seconds', 20);
  const rounds = Math.round(num('rounds', 3));
  const budgetMs = num('budget', 2000);
  const json = values.json ?? 'bench-results/library.json';

  makeFakeCamera();
  if (!values.reuse || !existsSync('.cache/consumer/dist')) {
    console.log('packing the library into the consumer app (tests/consumer/prepare.mjs)…');
    execFileSync(process.execPath, ['tests/consumer/prepare.mjs'], { stdio: 'inherit' });
  }
  console.log('building the app…');
  execFileSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn', '--outDir', APP_DIST],
    {
      stdio: 'inherit',
    },
  );
  // One after the other: a second that fails to start must not leave the first serving.
  const app = await servePreview(APP_DIST, APP_PORT);
  const library = await servePreview('.cache/consumer/dist', LIBRARY_PORT).catch((e: unknown) => {
    stopServer(app);
    throw e;
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs() });
  const targets: Target[] = [
    {
      name: 'app',
      url: `http://127.0.0.1:${APP_PORT}/?source=camera&budget=${budgetMs}`,
      // A cap above any frame rate: every frame drawn is sent.
      track: 'window.veil.captureStream(240).getVideoTracks()[0]',
      stats: 'window.veil.takeStats()',
    },
    {
      name: 'library',
      url: `http://127.0.0.1:${LIBRARY_PORT}/`,
      track: 'window.anonymized',
      stats: 'window.veil.debug.takeStats()',
    },
  ];
  const measures: Measure[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const t of targets) {
        const m = await measure(browser, t, seconds, budgetMs, round);
        console.log(
          `  round ${round} ${t.name.padEnd(7)} ${m.fps.toFixed(1)} fps, frame ${m.frameMsP50.toFixed(1)} / ${m.frameMsP95.toFixed(1)} ms`,
        );
        measures.push(m);
      }
    }
  } finally {
    await browser.close();
    for (const s of [app, library]) stopServer(s);
  }
  const summary = targets.map(({ name }) => {
    const mine = measures.filter((m) => m.target === name);
    return {
      target: name,
      fps: median(mine.map((m) => m.fps)),
      frameMsP50: median(mine.map((m) => m.frameMsP50)),
      frameMsP95: median(mine.map((m) => m.frameMsP95)),
      failClosedShare: median(mine.map((m) => m.failClosedShare)),
    };
  });
  console.log(`\n${rounds} rounds of ${seconds} s each, budget ${budgetMs} ms; medians over the rounds`);
  console.log('| output | frames/s | arrival to GPU done, p50 ms | p95 ms | blurred whole |');
  console.log('|---|---|---|---|---|');
  for (const s of summary)
    console.log(
      `| ${s.target} | ${s.fps.toFixed(1)} | ${s.frameMsP50.toFixed(1)} | ${s.frameMsP95.toFixed(1)} | ${(100 * s.failClosedShare).toFixed(1)} % |`,
    );
  const ratio = summary[1]!.fps / summary[0]!.fps;
  console.log(`library / app frame rate: ${ratio.toFixed(3)}`);
  mkdirSync(dirname(json), { recursive: true });
  writeFileSync(json, `${JSON.stringify({ seconds, rounds, budgetMs, measures, summary, ratio }, null, 2)}\n`);
  console.log(`wrote ${json}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof UsageError ? `${e.message}\n${USAGE}` : e);
  process.exit(1);
});
