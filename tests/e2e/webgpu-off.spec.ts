// Chromium as a user has it where WebGPU is off (`--disable-features=WebGPU`; no --enable-unsafe-webgpu): no WebGPU
// adapter, so the app draws with WebGL2. The demo clip plays, as in the Firefox tests.
import { CHROMIUM_PATH, chromiumArgs } from './chromium';
import { expect, test } from './fixtures';
import { waitRunning } from './live-helpers';

test.use({
  launchOptions: {
    executablePath: CHROMIUM_PATH,
    args: [...chromiumArgs().filter((a) => a !== '--enable-unsafe-webgpu'), '--disable-features=WebGPU'],
  },
});

/** One-a-second samples after the first per-face frame (VEIL_SAMPLE_SECONDS=60: the documented run). */
const SECONDS = Number(process.env.VEIL_SAMPLE_SECONDS ?? 10);

test('the demo clip is blurred per face on WebGL2, every face the detector finds covered', async ({ page }) => {
  await page.goto('/?source=demo&ep=wasm&budget=2000');
  await waitRunning(page);
  // Chromium keeps navigator.gpu and gives no adapter.
  expect(await page.evaluate(() => window.veil!.status().backendWhy)).toMatch(/^no WebGPU/);
  const samples: { state: string; backend: string; uncovered: number }[] = [];
  test.setTimeout(60_000 + SECONDS * 2_000);
  for (let i = 0; i < SECONDS; i++) {
    await page.waitForTimeout(1000);
    samples.push(
      await page.evaluate(() => {
        const s = window.veil!.status();
        const inside = (d: (typeof s.boxes)[number], b: (typeof s.boxes)[number]) =>
          d.x >= b.x - 1 && d.y >= b.y - 1 && d.x + d.w <= b.x + b.w + 1 && d.y + d.h <= b.y + b.h + 1;
        return {
          state: s.state,
          backend: s.backend,
          uncovered: s.detected.filter((d) => !s.boxes.some((b) => inside(d, b))).length,
        };
      }),
    );
  }
  const running = samples.filter((s) => s.state === 'running').length / samples.length;
  console.log(`WebGPU off: per-face blur in ${(running * 100).toFixed(0)} % of ${samples.length} one-second samples`);
  expect(samples.every((s) => s.backend === 'webgl')).toBe(true);
  expect(running).toBeGreaterThanOrEqual(0.9);
  expect(samples.map((s) => s.uncovered)).toEqual(samples.map(() => 0));
  // The wasm detector runs in onnxruntime-web's own worker (its script a chunk of the app's build), so a detection
  // does not hold the page's thread while frames are due.
  expect(
    page.workers().map((w) => w.url()),
    "onnxruntime-web's worker",
  ).toContainEqual(expect.stringMatching(/\/assets\/ort\.wasm\.[^/]*\.js$/));
});
