// The export page in Firefox (no WebGPU: the WebGL2 engine, the detector on wasm): a photo and a clip made here from
// the NASA astronaut photo (public domain) are anonymized and offered for download; the files are fetched from the
// page's download link (no browser download is needed) and checked with ffmpeg, as the Chromium tests check theirs.
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, ElementHandle, Page } from 'puppeteer-core';
import { ASTRONAUT, astronautChange, detailEnergy, greyFrames, makeClip, probe } from '../../src/cli/test-media';
import { CLIP, FACE, video } from '../e2e/export-checks';
import { displayAvailable, FIREFOX_PATH, firefoxInstalled, launchFirefox } from './firefox';

test.skip(!firefoxInstalled() || !displayAvailable(), `no Firefox at ${FIREFOX_PATH}, or no display for it`);

let firefox: Browser | undefined;
let dir: string;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'veil-firefox-export-'));
  makeClip(join(dir, 'clip.mp4'), CLIP);
  firefox = await launchFirefox();
});

test.afterAll(async () => {
  await firefox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const phase = (page: Page) => page.evaluate(() => document.querySelector('veil-export')?.dataset.phase ?? '');

/** Picks `input` on the export page, exports it, and saves what the download link holds as `name`. */
async function exportFile(baseURL: string, input: string, name: string): Promise<{ path: string; status: string }> {
  const page = await firefox!.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e instanceof Error ? e.message : String(e)));
  try {
    // Firefox refuses the test's reads of the download's blob: URL (the page's own clicks work): the blob is kept
    // as the page makes its URL.
    await page.evaluateOnNewDocument(() => {
      const blobs: Record<string, Blob> = {};
      (window as unknown as { veilBlobs: Record<string, Blob> }).veilBlobs = blobs;
      const make = URL.createObjectURL.bind(URL);
      URL.createObjectURL = (object: Blob | MediaSource) => {
        const url = make(object);
        if (object instanceof Blob) blobs[url] = object;
        return url;
      };
    });
    await page.goto(`${baseURL}/export.html`);
    const picker = (await page.waitForSelector('>>> [data-control="file"]')) as ElementHandle<HTMLInputElement>;
    await picker.uploadFile(input);
    await page.waitForFunction(() => document.querySelector('veil-export')?.dataset.phase === 'preview', {
      timeout: 90_000,
      polling: 200,
    });
    const status = await (await page.waitForSelector('>>> [data-role="status"]'))!.evaluate((e) => e.textContent);
    await (await page.waitForSelector('>>> [data-control="export"]'))!.click();
    const link = await page.waitForSelector('>>> [data-role="download"]', { timeout: 90_000 });
    const href = await link!.evaluate((a) => (a as HTMLAnchorElement).href);
    const base64 = await page.evaluate(async (url) => {
      const blob = (window as unknown as { veilBlobs: Record<string, Blob> }).veilBlobs[url];
      if (!blob) throw new Error(`no blob behind ${url}`);
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let text = '';
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(text);
    }, href);
    const path = join(dir, name);
    writeFileSync(path, Buffer.from(base64, 'base64'));
    expect(errors, `uncaught errors (phase ${await phase(page)})`).toEqual([]);
    return { path, status: status ?? '' };
  } finally {
    await page.close();
  }
}

test('Firefox export page: a photo comes out with its face blurred and the rest as it was', async ({ baseURL }) => {
  const { path, status } = await exportFile(baseURL!, ASTRONAUT, 'astronaut-veil.jpg');
  expect(status).toContain('WebGL2');
  expect(probe(path).streams[0]).toMatchObject({ width: 512, height: 512 });
  const { faceDetailDrop, diffAway } = astronautChange(path);
  expect(faceDetailDrop, `detail in the face down ${faceDetailDrop.toFixed(1)}x`).toBeGreaterThanOrEqual(5);
  expect(diffAway).toBeLessThan(4);
});

test('Firefox export page: a clip keeps every frame, its face blurred on each', async ({ baseURL }) => {
  test.setTimeout(180_000);
  const input = join(dir, 'clip.mp4');
  const { path } = await exportFile(baseURL!, input, 'clip-veil');
  const after = probe(path, true);
  const before = probe(input, true);
  expect(video(after).nb_read_frames).toBe(video(before).nb_read_frames);
  const inFrames = greyFrames(input, CLIP.width, CLIP.height);
  const outFrames = greyFrames(path, CLIP.width, CLIP.height);
  for (const i of [0, 5, 9]) {
    const ratio = detailEnergy(inFrames[i]!, CLIP.width, FACE) / detailEnergy(outFrames[i]!, CLIP.width, FACE);
    expect(ratio, `frame ${i}: detail in the face down ${ratio.toFixed(1)}x`).toBeGreaterThanOrEqual(5);
  }
});
