import { createReadStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page, test as base } from '@playwright/test';
import { CHROMIUM_PATH, chromiumArgs, FAKE_CAMERA } from '../e2e/chromium';
import { expect } from '../e2e/fixtures';
import { cameraFrame, expectFaceBlurred } from '../e2e/live-helpers';
import { highFrequencyEnergy } from '../e2e/pixels';
import { streamFrames } from '../e2e/stream-frames';

const EXTENSION = resolve('dist-extension/veil');
const PORT = 4357;
const SITE = `http://127.0.0.1:${PORT}`;
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };

/** The sites the tests call from (tests/extension/site), served as any web site would serve them. */
function serveSite(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = join('tests/extension/site', new URL(req.url ?? '/', SITE).pathname);
    res.setHeader('Content-Type', TYPES[extname(path)] ?? 'application/octet-stream');
    createReadStream(path)
      .on('error', () => res.writeHead(404).end())
      .pipe(res);
  });
  return new Promise((r) => server.listen(PORT, '127.0.0.1', () => r(server)));
}

/** A fresh profile with the unpacked extension, and the extension's id. */
const test = base.extend<{ context: BrowserContext; extensionId: string }>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright's fixture signature.
  context: async ({}, use) => {
    const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'veil-ext-')), {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...chromiumArgs(), `--disable-extensions-except=${EXTENSION}`, `--load-extension=${EXTENSION}`],
    });
    await use(context);
    await context.close();
  },
  extensionId: async ({ context }, use) => {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    await use(new URL(worker.url()).host);
  },
});

let server: Server;
test.beforeAll(async () => {
  server = await serveSite();
});
test.afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** The popup for the test's site, as a tab (a test cannot click the toolbar button). */
async function openPopup(context: BrowserContext, extensionId: string): Promise<Page> {
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html?site=${encodeURIComponent(SITE)}`);
  return popup;
}

/** Veil turned on for the site in the popup, then a call started on `path` (`prepare` runs first on its tab). */
async function callWithVeilOn(
  context: BrowserContext,
  extensionId: string,
  path: string,
  prepare?: (page: Page) => Promise<unknown>,
): Promise<{ popup: Page; call: Page }> {
  const popup = await openPopup(context, extensionId);
  await popup.locator('[data-control="on"]').check();
  const call = await context.newPage();
  await prepare?.(call);
  await call.goto(`${SITE}/${path}`);
  return { popup, call };
}

const status = (popup: Page) => popup.locator('veil-popup [data-role="status"]');

/** Frames the other side of the call receives, once they come at the camera's size. */
async function received(page: Page, count: number) {
  await page.waitForFunction(() => 'remote' in window, undefined, { timeout: 60_000 });
  let frames = await streamFrames(page, 'window.remote', count);
  for (let i = 0; i < 20 && frames.some((f) => f.width !== FAKE_CAMERA.width); i++)
    frames = await streamFrames(page, 'window.remote', count);
  return frames.filter((f) => f.width === FAKE_CAMERA.width && f.height === FAKE_CAMERA.height);
}

/** The share of the camera's detail a region keeps on the other side of the call. */
function detailKept(frame: Parameters<typeof highFrequencyEnergy>[0], region = FAKE_CAMERA.face): number {
  return highFrequencyEnergy(frame, region) / highFrequencyEnergy(cameraFrame(), region);
}

test('off for a site, its call gets the camera; turned on in the popup, the call receives every face blurred, the background kept', async ({
  context,
  extensionId,
}) => {
  test.slow();
  const call = await context.newPage();
  await call.goto(`${SITE}/call.html`);
  await expect.poll(async () => detailKept((await received(call, 1))[0]!), { timeout: 60_000 }).toBeGreaterThan(0.4);

  const popup = await openPopup(context, extensionId);
  await expect(status(popup)).toHaveAttribute('data-state', 'off');
  await popup.locator('[data-control="on"]').check();
  await expect(status(popup)).toHaveAttribute('data-state', 'waiting');
  // This machine's detections (a software GPU, 2 cores) take longer than the default budget.
  await popup.locator('[data-control="budget"]').selectOption('2000');

  await call.reload();
  // From the first frame the other side receives: never the raw face.
  for (const [i, f] of (await received(call, 10)).entries()) expectFaceBlurred(f, `received frame ${i}`);
  await expect(status(popup)).toHaveAttribute('data-state', 'running', { timeout: 90_000 });
  await expect(status(popup)).toContainText(/Running: \d+ faces? blurred/);
  await expect
    .poll(async () => detailKept((await received(call, 1))[0]!, FAKE_CAMERA.noFace), { timeout: 60_000 })
    .toBeGreaterThan(0.4);
  for (const [i, f] of (await received(call, 5)).entries()) expectFaceBlurred(f, `running frame ${i}`);

  // Off again: the next call gets the camera as it is.
  await popup.locator('[data-control="on"]').uncheck();
  await call.reload();
  await expect.poll(async () => detailKept((await received(call, 1))[0]!), { timeout: 60_000 }).toBeGreaterThan(0.4);
});

test("a site whose policy forbids compiling the detector's wasm: its call receives the whole picture blurred, and the popup says why", async ({
  context,
  extensionId,
}) => {
  const { popup, call } = await callWithVeilOn(context, extensionId, 'strict.html');
  await expect(status(popup)).toHaveAttribute('data-state', 'error', { timeout: 90_000 });
  await expect(status(popup)).toContainText('whole picture is blurred');
  for (const [i, f] of (await received(call, 5)).entries())
    expect(detailKept(f, { x: 0, y: 0, w: FAKE_CAMERA.width, h: FAKE_CAMERA.height }), `frame ${i}`).toBeLessThan(0.2);
});

test('no WebGPU: a site with Veil on receives its faces blurred on WebGL2 from the first frame, never the camera', async ({
  context,
  extensionId,
}) => {
  const { popup, call } = await callWithVeilOn(context, extensionId, 'call.html', (page) =>
    // As a browser without WebGPU: the engine finds no navigator.gpu when the site asks for the camera.
    page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined })),
  );
  // This machine's detections (a software GPU, 2 cores) take longer than the default budget.
  await popup.locator('[data-control="budget"]').selectOption('2000');
  await call.reload();
  for (const [i, f] of (await received(call, 5)).entries()) expectFaceBlurred(f, `received frame ${i}`);
  await expect(status(popup)).toHaveAttribute('data-state', 'running', { timeout: 90_000 });
  for (const [i, f] of (await received(call, 5)).entries()) expectFaceBlurred(f, `running frame ${i}`);
});
