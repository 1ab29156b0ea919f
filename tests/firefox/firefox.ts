import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Debian's Firefox ESR (`apt-get install firefox-esr`), or FIREFOX_PATH. */
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
/** Debian's X virtual framebuffer (`apt-get install xvfb`): Firefox has WebGL only with a display, not headless. */
export const XVFB_PATH = '/usr/bin/Xvfb';

export const firefoxInstalled = (): boolean => existsSync(FIREFOX_PATH);
/** A display Firefox can draw WebGL on: the session's own, or an Xvfb this process starts. */
export const displayAvailable = (): boolean => Boolean(process.env.DISPLAY) || existsSync(XVFB_PATH);

let xvfb: ChildProcess | null = null;

/**
 * The display for Firefox: the session's, or a private Xvfb (:96, screen 1280x1024), started once and stopped with
 * the test process. Headless Firefox gets no WebGL context on Linux (Mozilla bug 1375585); under Xvfb it draws
 * with Mesa's llvmpipe, as a desktop without a GPU driver would.
 */
async function display(): Promise<string> {
  if (process.env.DISPLAY) return process.env.DISPLAY;
  const name = ':96';
  if (!xvfb) {
    xvfb = spawn(XVFB_PATH, [name, '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    process.once('exit', () => xvfb?.kill());
    // Xvfb makes its socket once it listens.
    const socket = `/tmp/.X11-unix/X${name.slice(1)}`;
    for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
    if (!existsSync(socket)) throw new Error(`Xvfb did not open display ${name}`);
  }
  return name;
}

/**
 * Firefox driven over WebDriver BiDi, the protocol Firefox speaks natively (Playwright drives only its own patched
 * Firefox builds), on a display so that it has WebGL2. WebGPU is switched off by pref, so the tests hold when a
 * later ESR turns it on for Linux; the fake camera (a synthetic pattern) opens without a prompt. `prefs`: more.
 */
export async function launchFirefox(prefs: Record<string, unknown> = {}): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: FIREFOX_PATH,
    headless: false,
    env: { ...process.env, DISPLAY: await display() },
    extraPrefsFirefox: {
      'dom.webgpu.enabled': false,
      // The app's offline install (45 MB precached) is Chromium's e2e test's, not these tests'.
      'dom.serviceWorkers.enabled': false,
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      ...prefs,
    },
  });
}
