// Every page in a browser without WebGPU (Firefox on Linux, an OBS build without it, an old browser): it must load,
// say what is missing, and draw no picture. The browser's WebGPU globals are removed before any page script runs,
// so a module that reads one while loading (a usage flag computed at top level) throws here as it would there.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { screenshot } from './live-helpers';
import { hasPicture, readOutput } from './pixels';

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

const APP_PAGES = [
  { name: 'app', url: '/?source=camera', toplevel: true },
  { name: 'OBS mode', url: '/?obs=1&source=camera', toplevel: true },
  // The call preview's <veil-app> lies in its shadow root, where the pixel reader does not look.
  { name: 'call preview', url: '/call.html?source=camera', toplevel: false },
];

for (const { name, url, toplevel } of APP_PAGES) {
  test(`no WebGPU, ${name}: the page loads, says what to do and draws no picture`, async ({ page }) => {
    const errors = await withoutWebGpu(page);
    await page.goto(url);
    await expectNoWebGpu(page);
    await expect(page.locator('[data-error="no-webgpu"]')).toContainText('WebGPU');
    await expect(page.locator('html')).toHaveAttribute('data-veil-state', 'error');
    // The error says why; no banner claims the detector is still starting.
    await expect(page.locator('[data-fail-closed]')).toHaveCount(0);
    // Nothing is ever drawn: the output keeps no frame, and the pipeline counts none.
    expect(await page.evaluate(() => window.veil?.status().frames)).toBe(0);
    if (toplevel) expect(hasPicture(await readOutput(page))).toBe(false);
    expect(errors).toEqual([]);
    await screenshot(page, `no-webgpu-${name.replaceAll(' ', '-').toLowerCase()}`);
  });
}

test('no WebGPU, export page: says so on load, before any file is picked', async ({ page }) => {
  const errors = await withoutWebGpu(page);
  await page.goto('/export.html');
  await expectNoWebGpu(page);
  await expect(page.locator('veil-export [data-error="setup"]')).toContainText('WebGPU');
  await expect(page.locator('veil-export')).toHaveAttribute('data-phase', 'error');
  await expect(page.locator('veil-export [data-role="preview"]')).toHaveCount(0);
  expect(errors).toEqual([]);
  await screenshot(page, 'no-webgpu-export');
});
