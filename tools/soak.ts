// npm run soak -- [options] (`--help` lists them)
// Runs the live pipeline in headless Chromium on a fake camera playing real footage (the bundled demo clip) and
// reports, every interval: JS heap after forced GCs (all of it; its JS objects; native memory), GPU
// buffers and textures alive, frames drawn, frame time p50/p95, and frames blurred whole by fail-closed. --check
// exits 1 when GPU objects grew after warm-up, heap objects grew more than 10%, the picture stopped, or the app
// reported an error.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium, type CDPSession, type Page } from '@playwright/test';
import { CHROMIUM_PATH, chromiumArgs } from '../tests/e2e/chromium';
import { boxWidthRatios, type Box, SOAK_TABLE_HEADER, soakFailures, soakRow, type SoakSample } from './soak/soak-check';
import { heapBytes, type HeapSnapshot } from './soak/heap-snapshot';
import { servePreview, stopServer } from './preview-server';
import { HELP_OPTION, optionsHelp, readCommandLine, UsageError, type OptionTable } from '../src/cli/command-line';
import { percentile } from '../src/app/timing';

const CACHE = join(process.cwd(), '.cache', 'soak');
const CAMERA_Y4M = join(CACHE, 'demo-camera.y4m');

interface Args {
  minutes: number;
  everyS: number;
  warmupS: number;
  params: string;
  port: number;
  json: string;
  check: boolean;
  /** A photo or video for the fake camera instead of the demo clip. */
  camera: string | null;
}

const DEFAULTS: Args = {
  minutes: 30,
  everyS: 60,
  warmupS: 30,
  params: 'source=camera',
  port: 4337,
  json: 'soak-results/soak.json',
  check: false,
  camera: null,
};

const OPTIONS = {
  minutes: { type: 'string', value: 'N', help: `minutes sampled after the warm-up (default ${DEFAULTS.minutes})` },
  every: { type: 'string', value: 'S', help: `seconds between samples (default ${DEFAULTS.everyS})` },
  warmup: {
    type: 'string',
    value: 'S',
    help: `seconds the app runs before the baseline sample (default ${DEFAULTS.warmupS})`,
  },
  params: { type: 'string', value: 'QUERY', help: `the app's URL parameters (default ${DEFAULTS.params})` },
  port: { type: 'string', value: 'P', help: `the app server's port (default ${DEFAULTS.port})` },
  json: { type: 'string', value: 'OUT.json', help: `the samples and problems as JSON (default ${DEFAULTS.json})` },
  check: {
    type: 'boolean',
    help: 'exit 1 when GPU objects grew after warm-up, heap objects grew more than 10%,\nthe picture stopped, or the app reported an error',
  },
  camera: {
    type: 'string',
    value: 'FILE',
    help: 'a photo or video the fake camera plays instead of the demo clip, as a 1280x720\ncamera (scaled, aspect kept, padded); a photo stands still',
  },
  help: HELP_OPTION,
} as const satisfies OptionTable;

const USAGE = `usage: npm run soak -- [options]\n${optionsHelp(OPTIONS)}`;

/** The run's options, or null when --help asked for the usage. */
function parseArgs(argv: readonly string[]): Args | null {
  const { values, positionals } = readCommandLine(argv, OPTIONS);
  if (values.help) return null;
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  const positive = (name: 'minutes' | 'every' | 'warmup' | 'port', fallback: number): number => {
    const text = values[name];
    if (typeof text !== 'string') return fallback;
    const v = Number(text);
    if (!(v > 0)) throw new UsageError(`--${name} ${text}: expected a positive number`);
    return v;
  };
  return {
    minutes: positive('minutes', DEFAULTS.minutes),
    everyS: positive('every', DEFAULTS.everyS),
    warmupS: positive('warmup', DEFAULTS.warmupS),
    params: values.params ?? DEFAULTS.params,
    port: positive('port', DEFAULTS.port),
    json: values.json ?? DEFAULTS.json,
    check: values.check === true,
    camera: values.camera ?? DEFAULTS.camera,
  };
}

/** A still photo is played as this many seconds of 15 fps video (Chromium loops the file). */
const PHOTO_SECONDS = 4;

/**
 * The fake camera plays real footage, looped by Chromium: the bundled demo clip (one moving face), or `--camera`'s
 * file as a 1280x720 camera. Made once per file, and renamed into place: a run going on beside this one reads the
 * same file for as long as it runs. Returns the y4m's path.
 */
function prepareCamera(file: string | null): string {
  if (file !== null && !existsSync(file)) throw new UsageError(`--camera ${file}: no such file`);
  const y4m =
    file === null
      ? CAMERA_Y4M
      : join(CACHE, `camera-${createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16)}.y4m`);
  if (existsSync(y4m)) return y4m;
  mkdirSync(CACHE, { recursive: true });
  const partial = `${y4m}.${process.pid}.partial.y4m`;
  const input = file === null ? ['-i', 'public/demo/demo-webcam.webm', '-t', '30'] : cameraInput(file);
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...input, '-pix_fmt', 'yuv420p', partial]);
  renameSync(partial, y4m);
  return y4m;
}

/** ffmpeg's input arguments for `--camera`: 1280x720 at 15 fps, a photo looped, a video's first 30 s. */
function cameraInput(file: string): string[] {
  const fit = 'scale=1280:720:force_original_aspect_ratio=decrease,pad=1280:720:(ow-iw)/2:(oh-ih)/2,fps=15';
  const photo = /\.(jpe?g|png|webp|bmp)$/i.test(file);
  return photo
    ? ['-loop', '1', '-i', file, '-t', String(PHOTO_SECONDS), '-vf', fit]
    : ['-i', file, '-t', '30', '-vf', fit];
}

/** Builds the app into its own folder (the e2e tests' dist/ is left alone) and serves it on 127.0.0.1. */
async function serveApp(port: number): Promise<ChildProcess> {
  const outDir = join(CACHE, 'dist');
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', outDir], { stdio: 'inherit' });
  return servePreview(outDir, port);
}

/**
 * The heap's floor: the least of a few readings, each right after a garbage collection, a second apart. One reading
 * can land while a detection holds its tensors; what a leak raises is the floor. The pauses also let finalizers run,
 * so GPU objects the collector freed have left the census.
 */
async function heapFloor(page: Page, cdp: CDPSession): Promise<number> {
  let floor = Infinity;
  for (let i = 0; i < 3; i++) {
    await cdp.send('HeapProfiler.collectGarbage');
    await page.waitForTimeout(1000);
    floor = Math.min(floor, (await cdp.send('Runtime.getHeapUsage')).usedSize);
  }
  return floor;
}

/** JS objects and native memory (see heapBytes): the least of two snapshots, for the reason above. */
async function snapshotHeap(page: Page, cdp: CDPSession): Promise<{ objects: number; native: number }> {
  let floor = { objects: Infinity, native: Infinity };
  for (let i = 0; i < 2; i++) {
    if (i > 0) await page.waitForTimeout(1000);
    const chunks: string[] = [];
    const collect = ({ chunk }: { chunk: string }) => chunks.push(chunk);
    cdp.on('HeapProfiler.addHeapSnapshotChunk', collect);
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    cdp.off('HeapProfiler.addHeapSnapshotChunk', collect);
    const bytes = heapBytes(JSON.parse(chunks.join('')) as HeapSnapshot);
    floor = { objects: Math.min(floor.objects, bytes.objects), native: Math.min(floor.native, bytes.native) };
  }
  return floor;
}

/** What a status reading showed: the tracked boxes and the newest detections. */
interface Drawn {
  boxes: Box[];
  detected: Box[];
}

/** The page reads the app's status 4 times a second and keeps, of frames with faces alone blurred, what was drawn. */
async function watchBoxes(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Drawn[] = [];
    (window as unknown as { soakBoxes: Drawn[] }).soakBoxes = seen;
    setInterval(() => {
      const s = window.veil!.status();
      if (s.state === 'running' && s.failClosed === null) seen.push({ boxes: s.boxes, detected: s.detected });
    }, 250);
  });
}

async function sample(page: Page, cdp: CDPSession, atS: number): Promise<SoakSample> {
  // Taken out of the page first: the interval's readings are not the app's, and would count as its heap objects.
  const drawn = await page.evaluate(() => (window as unknown as { soakBoxes: Drawn[] }).soakBoxes.splice(0));
  const usedSize = await heapFloor(page, cdp);
  const { objects, native } = await snapshotHeap(page, cdp);
  const stats = await page.evaluate(() => ({ live: window.veil!.takeStats(), state: window.veil!.status().state }));
  if (!stats.live) throw new Error('the page has no live pipeline');
  const ratios = drawn.flatMap((d) => boxWidthRatios(d.boxes, d.detected)).sort((a, b) => a - b);
  return {
    atS,
    heapBytes: usedSize,
    objectBytes: objects,
    nativeBytes: native,
    state: stats.state,
    ...stats.live,
    boxWidthP50: percentile(ratios, 0.5),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    console.log(USAGE);
    return;
  }
  const camera = prepareCamera(args.camera);
  const server = await serveApp(args.port);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs(camera) });
  try {
    // No service worker: its install would fetch the whole app (45 MB) during the run it measures.
    const page = await browser.newPage({ viewport: { width: 960, height: 640 }, serviceWorkers: 'block' });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // Console errors are reported, not failed on: a WebGPU validation error logged every frame would show here.
    const consoleErrors = new Map<string, number>();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.set(m.text(), (consoleErrors.get(m.text()) ?? 0) + 1);
    });
    const cdp = await page.context().newCDPSession(page);
    await page.goto(`http://127.0.0.1:${args.port}/?${args.params}`);
    await page.waitForFunction(
      () => ['running', 'fail-closed'].includes(document.documentElement.dataset.veilState ?? ''),
      undefined,
      { timeout: 120_000 },
    );
    // The page's clock starts at its navigation: the first per-face frame's time on it is the wait a user has. A
    // machine that never gets there is still soaked (whole frames), and says so.
    const firstPerFaceS = await page
      .waitForFunction(
        () => (document.documentElement.dataset.veilState === 'running' ? performance.now() / 1000 : null),
        undefined,
        { timeout: args.warmupS * 1000 },
      )
      .then((h) => h.jsonValue())
      .catch(() => null);
    await watchBoxes(page);
    await page.waitForTimeout(args.warmupS * 1000);
    const baseline = await sample(page, cdp, 0);
    const status = await page.evaluate(() => window.veil!.status());
    console.log(
      `soak: ${args.minutes} min on ${status.adapter}, detector ${status.provider}, ${cpus().length} CPU cores, ?${args.params}, camera ${args.camera ?? 'the demo clip'}`,
    );
    console.log(
      firstPerFaceS === null
        ? `no per-face frame in the ${args.warmupS} s warm-up`
        : `first per-face frame ${firstPerFaceS.toFixed(1)} s after the page's navigation`,
    );
    console.log(SOAK_TABLE_HEADER);
    console.log(`${soakRow(baseline)}   (after ${args.warmupS} s warm-up)`);
    const samples: SoakSample[] = [];
    const start = Date.now();
    const endMs = args.minutes * 60_000;
    while (Date.now() - start < endMs) {
      await page.waitForTimeout(Math.min(args.everyS * 1000, endMs - (Date.now() - start)));
      const s = await sample(page, cdp, Math.round((Date.now() - start) / 1000));
      samples.push(s);
      console.log(soakRow(s));
    }
    const failures = [...soakFailures(baseline, samples), ...pageErrors.map((e) => `page error: ${e}`)];
    mkdirSync(dirname(args.json), { recursive: true });
    const consoleErrorCounts = Object.fromEntries(consoleErrors);
    writeFileSync(
      args.json,
      `${JSON.stringify(
        {
          args,
          adapter: status.adapter,
          provider: status.provider,
          cpus: cpus().length,
          firstPerFaceS,
          baseline,
          samples,
          failures,
          consoleErrors: consoleErrorCounts,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`wrote ${args.json}`);
    for (const [text, n] of consoleErrors) console.log(`console error x${n}: ${text.slice(0, 200)}`);
    if (failures.length > 0) {
      console.log(`soak: ${failures.length} problem(s):\n  ${failures.join('\n  ')}`);
      if (args.check) process.exitCode = 1;
    } else {
      console.log('soak: no growth in GPU objects, heap objects within 10%, frames drawn throughout');
    }
  } finally {
    await browser.close();
    stopServer(server);
  }
}

main().catch((e: unknown) => {
  console.error(`soak: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
});
