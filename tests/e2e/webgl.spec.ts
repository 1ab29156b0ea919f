// Every page in a browser without WebGPU (Firefox on Linux, an OBS build without it, Chromium with WebGPU blocked):
// the live pages fall back to the WebGL2 backend and anonymize, faces alone; asked for WebGPU by name, a page says
// what is missing and draws nothing. The browser's WebGPU globals are removed before any page script runs, so a
// module that reads one while loading (a usage flag computed at top level) throws here as it would there.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import {
  CI_PACE,
  cameraFrame,
  expectFaceBlurred,
  loseGpu,
  readOnceSettled,
  readWhileRunning,
  recordStatuses,
  recoveryAfterLoss,
  screenshot,
  waitRunning,
} from './live-helpers';
import { hasPicture, highFrequencyEnergy, readOutput } from './pixels';
import { ASTRONAUT, astronautChange } from '../../src/cli/test-media';

/** Removes what a browser without WebGPU lacks: every GPU* interface and flag object, and navigator.gpu. */
async function withoutWebGpu(page: Page): Promise<string[]> {
  await page.addInitScript(() => {
    for (const name of Object.getOwnPropertyNames(globalThis)) {
      if (name.startsWith('GPU')) Reflect.deleteProperty(globalThis, name);
    }
    Reflect.deleteProperty(Navigator.prototype, 'gpu');
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** The removal took: otherwise these tests would pass in a browser that has WebGPU after all. */
async function expectNoWebGpu(page: Page): Promise<void> {
  const left = await page.evaluate(() => [
    ...Object.getOwnPropertyNames(globalThis).filter((n) => n.startsWith('GPU')),
    ...('gpu' in navigator ? ['navigator.gpu'] : []),
  ]);
  expect(left).toEqual([]);
}

const backend = (page: Page) => page.evaluate(() => window.veil!.status().backend);
/** CI_PACE with the backend left to the app (where WebGPU is removed, auto must fall back to WebGL2)... */
const AUTO_PACE = CI_PACE.replace('backend=webgpu', 'backend=auto');
/** ...or WebGL2 asked for by name. */
const GL_PACE = CI_PACE.replace('backend=webgpu', 'backend=webgl');

test('no WebGPU, app: WebGL2 blurs the face and leaves the rest of the frame as it was', async ({ page }) => {
  const errors = await withoutWebGpu(page);
  await page.goto(`/?source=camera&${AUTO_PACE}`);
  await expectNoWebGpu(page);
  await waitRunning(page);
  expect(await backend(page)).toBe('webgl');
  expectFaceBlurred(await readOnceSettled(page), 'WebGL2 output');
  await expect(page.locator('[data-role="face-count"]')).toHaveText('1 face');
  await expect(page.locator('[data-role="status"]')).toContainText('WebGL2');
  expect(errors).toEqual([]);
  await screenshot(page, 'no-webgpu-webgl-app');
});

test('no WebGPU: OBS mode and the call preview run on WebGL2', async ({ page }) => {
  const errors = await withoutWebGpu(page);
  for (const url of [`/?obs=1&source=camera&${AUTO_PACE}`, `/call.html?source=camera&${AUTO_PACE}`]) {
    await page.goto(url);
    await waitRunning(page);
    expect(await backend(page), url).toBe('webgl');
  }
  expect(errors).toEqual([]);
});

test('WebGL2: mosaic, solid and strong each cover the face and leave the rest of the frame as it was', async ({
  page,
}) => {
  for (const effect of ['mosaic', 'solid', 'strong']) {
    await page.goto(`/?source=camera&effect=${effect}&${GL_PACE}`);
    await waitRunning(page);
    expectFaceBlurred(await readOnceSettled(page), effect);
    await screenshot(page, `webgl-${effect}`);
  }
});

test('WebGL2: a model that fails to load leaves the frame blurred whole, with the reason', async ({ page }) => {
  await page.route('**/models/*.onnx', (route) => route.fulfill({ status: 200, body: 'not an onnx model' }));
  await page.goto(`/?source=camera&${GL_PACE}`);
  await expect(page.locator('[data-error="model-load"]')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('html')).toHaveAttribute('data-veil-state', 'error');
  await expect.poll(async () => hasPicture(await readOutput(page))).toBe(true);
  const out = await readOutput(page);
  expect(highFrequencyEnergy(out) * 5).toBeLessThan(highFrequencyEnergy(cameraFrame()));
});

test('WebGL2 context lost: nothing is drawn until it is back, then faces alone are blurred again', async ({ page }) => {
  await page.goto(`/?source=camera&${GL_PACE}`);
  await waitRunning(page);
  const statuses = await recordStatuses(page);
  const { lostAt, states } = await loseGpu(page);
  await expect.poll(states).toContain('starting');
  // The first frames after it are blurred whole until a detection; then faces alone again. Here: gaps of 130-200 ms,
  // faces alone again after 0.2-0.3 s (the kept wasm session answers at once). Bounds as for a lost WebGPU device.
  const { gap, backMs } = await recoveryAfterLoss(statuses, lostAt, 'WebGL2 context loss');
  expect(backMs, 'faces alone blurred again after the loss').toBeLessThan(3000);
  expect(gap, 'the longest time without a drawn frame').toBeLessThan(1000);
  expect(await page.evaluate(() => window.veil!.status().adapter)).toContain('SwiftShader');
  expectFaceBlurred(await readWhileRunning(page), 'after the context came back');
});

test('auto on a software adapter: the backend that drew a test frame faster, its times on the status line', async ({
  page,
}) => {
  // When the first frame with faces alone blurred was drawn (the page's state first `running`), on the page's clock
  // (0: the navigation). Observed as the app sets it, so it is known by the time waitRunning sees the state.
  // The document has no root element yet when this runs: the whole document is observed.
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.documentElement.dataset.veilState !== 'running') return;
      (window as { firstPerFaceMs?: number }).firstPerFaceMs = performance.now();
      observer.disconnect();
    }).observe(document, { attributes: true, attributeFilter: ['data-veil-state'], subtree: true });
  });
  await page.goto(`/?source=camera&${AUTO_PACE}`);
  await waitRunning(page);
  const firstPerFaceMs = await page.evaluate(() => (window as { firstPerFaceMs?: number }).firstPerFaceMs ?? Infinity);
  // Both backends draw test frames, then the chosen one's passes compile and the detector's session starts: 2.9-3.2 s
  // from the navigation here. The bound is the one wanted of a first visit on a machine like this one.
  console.log(`auto: first per-face frame ${firstPerFaceMs.toFixed(0)} ms after the navigation`);
  expect(firstPerFaceMs).toBeLessThan(10_000);
  const { kind, why } = await page.evaluate(() => {
    const s = window.veil!.status();
    return { kind: s.backend, why: s.backendWhy };
  });
  // "software GPU: faster here, A vs B ms a test frame": A is the chosen backend's time.
  const [, chosen, other] = /software GPU: faster here, (\d+) vs (\d+) ms a test frame/.exec(why) ?? [];
  expect(chosen, why).toBeDefined();
  expect(Number(chosen)).toBeLessThanOrEqual(Number(other));
  console.log(`auto chose ${kind}: ${why}`);
  if (kind === 'webgl') await expect(page.locator('[data-role="status"]')).toContainText(why);
});

test('backend=webgpu without WebGPU: the page says what to do and draws no picture', async ({ page }) => {
  const errors = await withoutWebGpu(page);
  await page.goto('/?source=camera&backend=webgpu');
  await expectNoWebGpu(page);
  await expect(page.locator('[data-error="no-webgpu"]')).toContainText('WebGPU');
  await expect(page.locator('html')).toHaveAttribute('data-veil-state', 'error');
  await expect(page.locator('[data-fail-closed]')).toHaveCount(0);
  expect(await page.evaluate(() => window.veil?.status().frames)).toBe(0);
  expect(hasPicture(await readOutput(page))).toBe(false);
  expect(errors).toEqual([]);
  await screenshot(page, 'no-webgpu-forced');
});

test('no WebGPU, export page: a photo is anonymized on WebGL2', async ({ page }) => {
  const errors = await withoutWebGpu(page);
  await page.goto('/export.html');
  await expectNoWebGpu(page);
  await page.locator('veil-export [data-control="file"]').setInputFiles(ASTRONAUT);
  await expect(page.locator('veil-export')).toHaveAttribute('data-phase', 'preview', { timeout: 90_000 });
  await expect(page.locator('veil-export [data-role="status"]')).toContainText('WebGL2');
  await page.locator('veil-export [data-control="export"]').click();
  const link = page.locator('veil-export [data-role="download"]');
  await expect(link).toBeVisible({ timeout: 90_000 });
  const path = test.info().outputPath('astronaut-veil.jpg');
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  await download.saveAs(path);
  const { faceDetailDrop, diffAway } = astronautChange(path);
  expect(faceDetailDrop, `detail in the face down ${faceDetailDrop.toFixed(1)}x`).toBeGreaterThanOrEqual(5);
  expect(diffAway).toBeLessThan(4);
  expect(errors).toEqual([]);
});
