import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Debian's Firefox ESR (`apt-get install firefox-esr`), or FIREFOX_PATH. */
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

export const firefoxInstalled = (): boolean => existsSync(FIREFOX_PATH);

/**
 * Headless Firefox driven over WebDriver BiDi, the protocol Firefox speaks natively (Playwright drives only its own
 * patched Firefox builds). WebGPU is switched off by pref, so the test holds when a later ESR turns it on for Linux;
 * the fake camera (a synthetic pattern) opens without a prompt, so the page gets as far as it would with a camera.
 */
export function launchFirefox(): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: FIREFOX_PATH,
    headless: true,
    extraPrefsFirefox: {
      'dom.webgpu.enabled': false,
      // The app's offline install (45 MB precached) is Chromium's e2e test's, not this smoke test's.
      'dom.serviceWorkers.enabled': false,
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
    },
  });
}
