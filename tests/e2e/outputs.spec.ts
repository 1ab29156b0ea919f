import { expect, test } from './fixtures';
import type { Rect, RgbaImage } from '../../src/core/types';
import { FAKE_CAMERA } from './chromium';
import { CI_PACE, cameraFrame, expectFaceBlurred, screenshot, waitRunning, whileRunning } from './live-helpers';
import { decodePng, readOutput } from './pixels';
import { streamFrames } from './stream-frames';

/** Mean R, G, B inside a region. */
function meanColour(img: RgbaImage, r: Rect): number[] {
  const sum = [0, 0, 0];
  for (let y = r.y; y < r.y + r.h; y++) {
    for (let x = r.x; x < r.x + r.w; x++) {
      for (let c = 0; c < 3; c++) sum[c]! += img.data[(y * img.width + x) * 4 + c]!;
    }
  }
  return sum.map((v) => v / (r.w * r.h));
}

test('captureStream carries only anonymized frames, from the first one', async ({ page }) => {
  await page.goto(`/?source=camera&${CI_PACE}`);
  // Taken at once, before any detection: its first frames are of the starting (fully blurred) canvas.
  const frames = await streamFrames(page, 'window.veil.captureStream(30)', 12);
  for (const [i, f] of frames.entries()) {
    if (f.width === FAKE_CAMERA.width) expectFaceBlurred(f, `stream frame ${i}`);
  }
  await waitRunning(page);
  for (const [i, f] of (await streamFrames(page, 'window.veil.captureStream(30)', 5)).entries()) {
    expectFaceBlurred(f, `running stream frame ${i}`);
  }
});

test('call preview: the remote side of a real RTCPeerConnection receives the anonymized video', async ({ page }) => {
  test.slow();
  await page.goto(`/call.html?source=camera&${CI_PACE}`);
  await waitRunning(page);
  await expect(page.locator('[data-role="call-stats"]')).toContainText(`${FAKE_CAMERA.width}x${FAKE_CAMERA.height}`, {
    timeout: 60_000,
  });
  const remote = await streamFrames(
    page,
    'document.querySelector("veil-call-preview").shadowRoot.querySelector("video[data-role=remote]").srcObject',
    3,
  );
  for (const f of remote) expectFaceBlurred(f, 'remote video');
  // The numbers are the receiver's and they move while frames arrive: a rate above 0, a decoded-frame count that
  // grows from one reading to a later one.
  const stats = page.locator('[data-role="call-stats"]');
  const reading = async () => {
    const m = / ([\d.]+) fps · (\d+) frames /.exec((await stats.textContent()) ?? '');
    return { fps: Number(m?.[1] ?? NaN), frames: Number(m?.[2] ?? NaN) };
  };
  await expect.poll(async () => (await reading()).fps, { timeout: 30_000 }).toBeGreaterThan(0);
  const { frames } = await reading();
  await expect.poll(async () => (await reading()).frames, { timeout: 30_000 }).toBeGreaterThan(frames);
  await screenshot(page, 'call-preview');
});

test('recording: a clip of the anonymized stream can be downloaded', async ({ page }) => {
  await page.goto(`/?source=camera&${CI_PACE}`);
  await waitRunning(page);
  await page.locator('[data-control="record"]').click();
  // A clip of some frames, however slowly this machine draws them.
  const frames = () => page.evaluate(() => window.veil!.status().frames);
  const from = await frames();
  await expect.poll(frames, { timeout: 30_000 }).toBeGreaterThan(from + 15);
  await page.locator('[data-control="record-stop"]').click();
  const link = page.locator('[data-role="download"]');
  await expect(link).toContainText('Download');
  const download = await Promise.all([page.waitForEvent('download'), link.click()]).then(([d]) => d);
  expect(download.suggestedFilename()).toMatch(/^veil-.*\.(webm|mp4)$/);
});

test('OBS mode shows the output alone, full window', async ({ page }) => {
  await page.goto(`/?obs=1&source=camera&${CI_PACE}`);
  await waitRunning(page);
  await expect(page.locator('veil-controls')).toHaveCount(0);
  await expect(page.locator('[data-role="status"]')).toHaveCount(0);
  const box = await page.locator('canvas[data-role="output"]').boundingBox();
  expect(box).toMatchObject({ x: 0, y: 0, width: 960, height: 640 });
  expectFaceBlurred(await readOutput(page), 'OBS output');
  await screenshot(page, 'obs');
});

test('OBS mode in a source taller than the picture: the picture covers it, no band above or below', async ({
  page,
}) => {
  await page.setViewportSize({ width: 640, height: 900 });
  await page.goto(`/?obs=1&source=camera&${CI_PACE}`);
  await waitRunning(page);
  // Without a background, what the page leaves unpainted reads alpha 0 (a browser window shows it white). Shot
  // while the app says only faces are blurred, before and after: a whole-frame blur would change the colours below.
  const shot = await whileRunning(page, async () => decodePng(await page.screenshot({ omitBackground: true })));
  // Letterboxed, the 320x240 picture would be 640x480 with 210 px bands above and below; covering, it is 1200x900
  // with 280 px cut off each side.
  const scale = shot.height / FAKE_CAMERA.height;
  const cutX = (FAKE_CAMERA.width * scale - shot.width) / 2;
  for (const y of [0, 100, 200, 700, 800, shot.height - 1]) {
    for (let x = 0; x < shot.width; x += 8) {
      expect(shot.data[(y * shot.width + x) * 4 + 3], `alpha at (${x}, ${y})`).toBe(255);
    }
  }
  // And it is the picture there, not a band of colour: the bottom rows, far from the face, match the camera's.
  const camera = cameraFrame();
  const inFrame = { x: 80, y: 226, w: 30, h: 12 };
  const inShot = {
    x: Math.round(inFrame.x * scale - cutX),
    y: Math.round(inFrame.y * scale),
    w: Math.round(inFrame.w * scale),
    h: Math.round(inFrame.h * scale),
  };
  const shotMean = meanColour(shot, inShot);
  const cameraMean = meanColour(camera, inFrame);
  for (let c = 0; c < 3; c++) {
    expect(Math.abs(shotMean[c]! - cameraMean[c]!), `channel ${c}: ${shotMean} vs ${cameraMean}`).toBeLessThan(20);
  }
  await screenshot(page, 'obs-tall');
});

for (const backend of ['webgpu', 'webgl']) {
  test(`OBS transparent mode (${backend}): only the blurred patches are drawn, alpha 0 elsewhere`, async ({ page }) => {
    await page.goto(`/?obs=1&transparent=1&source=camera&${CI_PACE.replace('backend=webgpu', `backend=${backend}`)}`);
    await waitRunning(page);
    // The canvas fills the 960x640 window with the 320x240 frame scaled 2.67x, centred: face near (378, 200). Read
    // until a frame with the face's patch is on screen (a frame blurred whole, failing closed, is opaque everywhere).
    const alphas = async () => {
      const img = decodePng(await page.screenshot({ omitBackground: true }));
      const at = (x: number, y: number) => img.data[(y * img.width + x) * 4 + 3];
      return {
        corner: at(5, 5),
        oppositeCorner: at(img.width - 5, img.height - 5),
        face: (at(Math.round(img.width / 2 - 100), Math.round(img.height / 2 - 120)) ?? 0) > 200,
      };
    };
    await expect.poll(alphas, { timeout: 30_000 }).toEqual({ corner: 0, oppositeCorner: 0, face: true });
    await screenshot(page, `obs-transparent-${backend}`);
  });
}

test('every URL parameter round-trips into the controls', async ({ page }) => {
  await page.goto('/?source=demo&effect=mosaic&strength=0.8&scale=1.6&mask=box&boxes=1&budget=900&ep=wasm');
  const controls = page.locator('veil-controls');
  await expect(controls.locator('[data-control="effect"]')).toHaveValue('mosaic');
  await expect(controls.locator('[data-control="source"]')).toHaveValue('demo');
  await expect(controls.locator('[data-control="strength"]')).toHaveValue('0.8');
  await expect(controls.locator('[data-control="boxes"]')).toBeChecked();
  await controls.locator('summary').click();
  await expect(controls.locator('[data-control="mask"]')).toHaveValue('box');
  await expect(controls.locator('[data-control="scale"]')).toHaveValue('1.6');
  await expect(controls.locator('[data-control="budget"]')).toHaveValue('900');
  await expect(controls.locator('[data-control="ep"]')).toHaveValue('wasm');
  const obsUrl = await controls.locator('[data-role="obs-url"]').getAttribute('href');
  expect(new URLSearchParams(obsUrl!).get('obs')).toBe('1');
  expect(new URLSearchParams(obsUrl!).get('strength')).toBe('0.8');
  await screenshot(page, 'settings');
});

test('settings changed in the UI persist; URL parameters win over them', async ({ page }) => {
  await page.goto('/?source=demo&ep=wasm');
  await page.locator('veil-controls [data-control="boxes"]').check();
  await page.goto('/?source=demo&ep=wasm');
  await expect(page.locator('veil-controls [data-control="boxes"]')).toBeChecked();
  await page.goto('/?source=demo&ep=wasm&boxes=0');
  await expect(page.locator('veil-controls [data-control="boxes"]')).not.toBeChecked();
});

test('the control bar links to the file export page', async ({ page }) => {
  await page.goto('/?source=demo&ep=wasm');
  await page.locator('[data-role="export-link"]').click();
  await expect(page).toHaveURL(/\/export\.html$/);
  await expect(page.locator('veil-export')).toBeAttached();
});
