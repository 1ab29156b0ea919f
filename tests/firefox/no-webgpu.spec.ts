// A real browser without WebGPU: Debian's Firefox ESR (none on Linux) opens each page of the built app. Each must
// load without an uncaught error, leave `starting`, and say that WebGPU is missing, drawing nothing. The Chromium
// e2e tests (tests/e2e/no-webgpu.spec.ts) check the same with WebGPU's globals removed; this one catches what only
// another engine shows.
import { expect, test } from '@playwright/test';
import type { Browser, Page } from 'puppeteer-core';
import { FIREFOX_PATH, firefoxInstalled, launchFirefox } from './firefox';

// global-setup.ts says why, once.
test.skip(!firefoxInstalled(), `no Firefox at ${FIREFOX_PATH}`);

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

async function open(url: string): Promise<Opened> {
  const page = await firefox!.newPage();
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
async function settle(opened: Opened, settled: () => boolean): Promise<void> {
  const thrown = await Promise.race([opened.page.waitForFunction(settled).then(() => null), opened.firstError]);
  expect(thrown, 'uncaught error in the page').toBeNull();
}

/** The text of the first element matching `selector`, looked for inside the shadow roots too. */
async function deepText(page: Page, selector: string): Promise<string> {
  const element = await page.waitForSelector(`>>> ${selector}`);
  return (await element!.evaluate((e) => e.textContent)) ?? '';
}

for (const [name, path] of [
  ['app', '/?source=camera'],
  ['OBS mode', '/?obs=1&source=camera'],
  ['call preview', '/call.html?source=camera'],
]) {
  test(`Firefox, ${name}: the page loads, says WebGPU is missing and draws nothing`, async ({ baseURL }) => {
    const opened = await open(`${baseURL}${path}`);
    const { page } = opened;
    await settle(opened, () => document.documentElement.dataset.veilState !== 'starting');
    expect(await page.evaluate(() => document.documentElement.dataset.veilState)).toBe('error');
    expect(await deepText(page, '[data-error="no-webgpu"]')).toContain('WebGPU');
    expect(await page.evaluate(() => window.veil?.status().frames)).toBe(0);
    expect(opened.errors).toEqual([]);
    await page.close();
  });
}

test('Firefox, export page: says WebGPU is missing on load', async ({ baseURL }) => {
  const opened = await open(`${baseURL}/export.html`);
  const { page } = opened;
  await settle(opened, () => document.querySelector('veil-export')?.dataset.phase === 'error');
  expect(await deepText(page, '[data-error="setup"]')).toContain('WebGPU');
  expect(opened.errors).toEqual([]);
  await page.close();
});
