// The app in a real browser without WebGPU: Debian's Firefox ESR (none on Linux), on an X display so that it has
// WebGL2 (llvmpipe). The live page, OBS mode and the call preview must anonymize on the WebGL2 backend; with WebGL
// off too, each says why and draws nothing. The fake camera is a synthetic pattern without a face, so the live
// tests play the demo clip.
import { expect, test } from '@playwright/test';
import type { Browser, Page } from 'puppeteer-core';
import { displayAvailable, FIREFOX_PATH, firefoxInstalled, launchFirefox } from './firefox';

// global-setup.ts says why, once.
test.skip(!firefoxInstalled() || !displayAvailable(), `no Firefox at ${FIREFOX_PATH}, or no display for it`);

/** Seconds of one-a-second samples after the first per-face frame (VEIL_SAMPLE_SECONDS=60: the documented run). */
const SECONDS = Number(process.env.VEIL_SAMPLE_SECONDS ?? 10);

let firefox: Browser | undefined;

test.beforeAll(async () => {
  firefox = await launchFirefox();
});

test.afterAll(async () => {
  await firefox?.close();
});

interface Opened {
  page: Page;
  /** Uncaught errors so far. */
  errors: string[];
  /** Settles with the first uncaught error: a page that throws while loading fails at once, not at a timeout. */
  firstError: Promise<string>;
}

async function open(browser: Browser, url: string): Promise<Opened> {
  const page = await browser.newPage();
  await page.setViewport({ width: 960, height: 640 });
  const errors: string[] = [];
  const firstError = new Promise<string>((resolve) =>
    page.on('pageerror', (e) => {
      const message = e instanceof Error ? e.message : String(e);
      errors.push(message);
      resolve(message);
    }),
  );
  await page.goto(url);
  return { page, errors, firstError };
}

/** Waits until `settled` holds in the page; fails with the page's error if one is thrown first. */
async function settle(opened: Opened, settled: () => boolean, timeout = 60_000): Promise<void> {
  const thrown = await Promise.race([
    opened.page.waitForFunction(settled, { timeout, polling: 100 }).then(() => null),
    opened.firstError,
  ]);
  expect(thrown, 'uncaught error in the page').toBeNull();
}

/** The text of the first element matching `selector`, looked for inside the shadow roots too. */
async function deepText(page: Page, selector: string): Promise<string> {
  const element = await page.waitForSelector(`>>> ${selector}`);
  return (await element!.evaluate((e) => e.textContent)) ?? '';
}

interface Sample {
  state: string;
  backend: string;
  /** Detections not inside any tracked (covered) box. */
  uncovered: number;
  /** Widest tracked box over the widest detection of the newest result (1 when none). */
  widthRatio: number;
}

/** One sample of the app's status: what it draws with, and whether every face it found is covered. */
function sample(page: Page): Promise<Sample> {
  return page.evaluate(() => {
    const s = window.veil!.status();
    const inside = (d: (typeof s.boxes)[number], b: (typeof s.boxes)[number]) =>
      d.x >= b.x - 1 && d.y >= b.y - 1 && d.x + d.w <= b.x + b.w + 1 && d.y + d.h <= b.y + b.h + 1;
    const widest = (boxes: typeof s.boxes) => Math.max(0, ...boxes.map((b) => b.w));
    return {
      state: s.state,
      backend: s.backend,
      uncovered: s.detected.filter((d) => !s.boxes.some((b) => inside(d, b))).length,
      widthRatio: s.detected.length ? widest(s.boxes) / widest(s.detected) : 1,
    };
  });
}

// OBS mode draws the same way; a few samples show it does.
for (const [name, path, seconds] of [
  ['app', '/?source=demo', SECONDS],
  ['OBS mode', '/?obs=1&source=demo', 3],
] as const) {
  test(`Firefox, ${name}: the demo clip's faces are blurred on WebGL2, per face`, async ({ baseURL }) => {
    test.setTimeout(90_000 + seconds * 2_000);
    const opened = await open(firefox!, `${baseURL}${path}`);
    const { page } = opened;
    await settle(opened, () => document.documentElement.dataset.veilState === 'running');
    const samples: Sample[] = [];
    for (let i = 0; i < seconds; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      samples.push(await sample(page));
    }
    const running = samples.filter((s) => s.state === 'running').length / samples.length;
    const ratios = samples.map((s) => s.widthRatio).sort((a, b) => a - b);
    console.log(
      `Firefox ${name}: per-face blur in ${(running * 100).toFixed(0)} % of ${samples.length} one-second samples; ` +
        `tracked/detected width median ${ratios[ratios.length >> 1]!.toFixed(2)}, max ${ratios.at(-1)!.toFixed(2)}`,
    );
    expect(samples.every((s) => s.backend === 'webgl')).toBe(true);
    expect(running).toBeGreaterThanOrEqual(0.9);
    // Every face the detector found was under a mask in every sample.
    expect(samples.map((s) => s.uncovered)).toEqual(samples.map(() => 0));
    expect(opened.errors).toEqual([]);
    await page.close();
  });
}

test('Firefox, call preview: the local side runs on WebGL2', async ({ baseURL }) => {
  const opened = await open(firefox!, `${baseURL}/call.html?source=demo`);
  await settle(opened, () => document.documentElement.dataset.veilState === 'running');
  expect((await sample(opened.page)).backend).toBe('webgl');
  expect(opened.errors).toEqual([]);
  await opened.page.close();
});

test('Firefox without WebGL either: the app and the export page say so, and draw nothing', async ({ baseURL }) => {
  const noGl = await launchFirefox({ 'webgl.disabled': true });
  try {
    const app = await open(noGl, `${baseURL}/?source=demo`);
    await settle(app, () => document.documentElement.dataset.veilState !== 'starting');
    expect(await app.page.evaluate(() => document.documentElement.dataset.veilState)).toBe('error');
    expect(await deepText(app.page, '[data-error="no-webgl"]')).toContain('neither WebGPU nor WebGL2');
    expect(await app.page.evaluate(() => window.veil?.status().frames)).toBe(0);
    expect(app.errors).toEqual([]);
    const exporter = await open(noGl, `${baseURL}/export.html`);
    await settle(exporter, () => document.querySelector('veil-export')?.dataset.phase === 'error');
    expect(await deepText(exporter.page, '[data-error="setup"]')).toContain('WebGL2');
    expect(exporter.errors).toEqual([]);
  } finally {
    await noGl.close();
  }
});
