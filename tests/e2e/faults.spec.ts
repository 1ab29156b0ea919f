import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { FAKE_CAMERA } from './chromium';
import {
  CI_PACE,
  cameraFrame,
  playCanvasCamera,
  readWhileRunning,
  recordStatuses,
  type StatusSample,
  waitRunning,
} from './live-helpers';
import { highFrequencyEnergy, readOutput } from './pixels';

const appVideo = (page: Page) =>
  page.locator('veil-app').evaluateHandle((app) => app.shadowRoot!.querySelector('video')!);

test('the camera ending (unplugged) is reported, nothing raw is shown, and it is taken up again when it returns', async ({
  page,
}) => {
  await page.goto(`/?source=camera&${CI_PACE}`);
  await waitRunning(page);
  await (await appVideo(page)).evaluate((video) => {
    for (const track of (video.srcObject as MediaStream).getVideoTracks()) track.dispatchEvent(new Event('ended'));
  });
  await expect(page.locator('[data-error="camera-failed"]')).toContainText('camera');
  await expect(page.getByRole('button', { name: 'Play the demo clip' })).toBeVisible();
  expect(await (await appVideo(page)).evaluate((video) => video.srcObject)).toBeNull();
  // Plugging a camera in is announced by a devicechange event.
  await page.evaluate(() => navigator.mediaDevices.dispatchEvent(new Event('devicechange')));
  await expect(page.locator('[data-error]')).toHaveCount(0);
  await waitRunning(page);
});

test('camera permission revoked mid-stream: a message, the camera released, taken up again when allowed', async ({
  page,
  baseURL,
}) => {
  await page.goto(`/?source=camera&${CI_PACE}`);
  await waitRunning(page);
  const browser = await page.context().browser()!.newBrowserCDPSession();
  const { targetInfo } = await (await page.context().newCDPSession(page)).send('Target.getTargetInfo');
  const setCamera = (setting: 'denied' | 'granted') =>
    browser.send('Browser.setPermission', {
      permission: { name: 'camera' },
      setting,
      origin: new URL(baseURL!).origin,
      browserContextId: targetInfo.browserContextId,
    });
  await setCamera('denied');
  await expect(page.locator('[data-error="camera-denied"]')).toContainText('revoked');
  expect(await (await appVideo(page)).evaluate((video) => video.srcObject)).toBeNull();
  await setCamera('granted');
  await expect(page.locator('[data-error]')).toHaveCount(0);
  await waitRunning(page);
});

test('the detector throwing: the whole frame is blurred at once, with a message, until it succeeds again', async ({
  page,
}) => {
  await page.goto(`/?source=camera&${CI_PACE}`);
  await waitRunning(page);
  const statuses = await recordStatuses(page);
  await page.evaluate(() => window.veil!.injectDetectorFaults(1));
  // One throw: fail closed from the next frame on (well within the 2 s budget), masks again after the next success.
  await expect
    .poll(async () => {
      const seen = await statuses();
      const failed = seen.findIndex((s) => s.failClosed === 'detector-error' && s.error === 'detector-error');
      return failed >= 0 && seen.slice(failed).some((s) => s.state === 'running' && s.error === null);
    })
    .toBe(true);
  // A detector that keeps throwing: the message stays and every frame is blurred whole.
  await page.evaluate(() => window.veil!.injectDetectorFaults(Number.MAX_SAFE_INTEGER));
  await expect(page.locator('[data-error="detector-error"]')).toBeVisible();
  await expect(page.locator('[data-fail-closed="detector-error"]')).toBeVisible();
  const out = await readOutput(page);
  expect(highFrequencyEnergy(out) * 5, 'a frame kept detail while the detector was failing').toBeLessThan(
    highFrequencyEnergy(cameraFrame()),
  );
  await page.evaluate(() => window.veil!.injectDetectorFaults(0));
  await waitRunning(page);
  await expect(page.locator('[data-error]')).toHaveCount(0);
});

// Both import paths: the GPU copy throws (what Chromium throws when a video element has no frame behind it yet,
// seen on CI right after a stream or its size changed: the first one used to end the render loop, leaving the page
// stuck where it was); the CPU path's copyTo rejects.
for (const path of ['gpu', 'cpu'] as const) {
  test(`frames the browser cannot import (import=${path}) are skipped; refused for longer than the budget, the page says so`, async ({
    page,
  }) => {
    await page.goto(`/?source=camera&${CI_PACE}&import=${path}`);
    await waitRunning(page);
    await page.evaluate((p) => {
      const refused = () =>
        new DOMException(
          "Failed to import texture from video element that doesn't have back resource.",
          'OperationError',
        );
      const take = () => {
        if (window.refuseFrames! <= 0) return false;
        window.refuseFrames!--;
        return true;
      };
      window.refuseFrames = 3;
      if (p === 'gpu') {
        const copy = GPUQueue.prototype.copyExternalImageToTexture;
        GPUQueue.prototype.copyExternalImageToTexture = function (
          this: GPUQueue,
          ...args: Parameters<GPUQueue['copyExternalImageToTexture']>
        ) {
          if (take()) throw refused();
          return copy.apply(this, args);
        };
      } else {
        const copyTo = VideoFrame.prototype.copyTo;
        VideoFrame.prototype.copyTo = function (this: VideoFrame, ...args: Parameters<VideoFrame['copyTo']>) {
          return take() ? Promise.reject(refused()) : copyTo.apply(this, args);
        };
      }
    }, path);
    const frames = () => page.evaluate(() => window.veil!.status().frames);
    const before = await frames();
    await expect.poll(frames, { timeout: 30_000 }).toBeGreaterThan(before + 5);
    await waitRunning(page);
    await expect(page.locator('[data-error]')).toHaveCount(0);
    await frozenThenBack(page, 'frames-refused', (n) =>
      page.evaluate((k) => {
        window.refuseFrames = k;
      }, n),
    );
  });
}

/**
 * Frames skipped on and on (past the 2 s budget, `skip` sets how many more): the frozen picture is explained, the
 * message goes with the freeze, and frames are drawn again.
 */
async function frozenThenBack(page: Page, kind: string, skip: (frames: number) => Promise<void>): Promise<void> {
  const frames = () => page.evaluate(() => window.veil!.status().frames);
  await skip(Number.MAX_SAFE_INTEGER);
  await expect(page.locator(`[data-error="${kind}"]`)).toContainText('frozen');
  await skip(0);
  await expect(page.locator('[data-error]')).toHaveCount(0);
  const after = await frames();
  await expect.poll(frames, { timeout: 30_000 }).toBeGreaterThan(after + 5);
}

// Both import paths again: after the CPU path's asynchronous import, a throw while drawing was an unhandled rejection.
for (const path of ['gpu', 'cpu'] as const) {
  test(`a frame that throws while drawn (import=${path}) is skipped; failing past the budget, the page says so`, async ({
    page,
  }) => {
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`/?source=camera&${CI_PACE}&import=${path}`);
    await waitRunning(page);
    await page.evaluate(() => {
      window.failDraws = 0;
      const create = GPUDevice.prototype.createCommandEncoder;
      GPUDevice.prototype.createCommandEncoder = function (this: GPUDevice, d?: GPUCommandEncoderDescriptor) {
        if (d?.label === 'render' && window.failDraws! > 0) {
          window.failDraws!--;
          throw new Error('injected draw fault (test)');
        }
        return create.call(this, d);
      };
    });
    const failDraws = (n: number) =>
      page.evaluate((k) => {
        window.failDraws = k;
      }, n);
    await failDraws(3);
    await expect.poll(() => page.evaluate(() => window.failDraws), { timeout: 30_000 }).toBe(0);
    await expect(page.locator('[data-error]')).toHaveCount(0);
    await frozenThenBack(page, 'draw-failed', failDraws);
    expect(pageErrors, 'a skipped frame escaped as an uncaught error').toEqual([]);
  });
}

declare global {
  interface Window {
    /** Draws the test still makes throw. */
    failDraws?: number;
    /** Imports the test still makes the browser refuse. */
    refuseFrames?: number;
  }
}

test('the tab hidden and shown again: the first frames back are blurred whole until a fresh detection', async ({
  page,
}) => {
  await page.goto(`/?source=camera&${CI_PACE}`);
  await waitRunning(page);
  // Headless Chromium never hides a tab (visibilitychange does not fire there on tab switches), so this does to the
  // page what hiding does: visibilityState changes and frames stop (requestVideoFrameCallback pauses while hidden).
  const setHidden = (hidden: boolean) =>
    page.locator('veil-app').evaluate(async (app, h) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
      document.dispatchEvent(new Event('visibilitychange'));
      const video = app.shadowRoot!.querySelector('video')!;
      const parked = window as unknown as { hiddenStream?: MediaProvider | null };
      if (h) {
        parked.hiddenStream = video.srcObject;
        video.srcObject = null;
      } else {
        video.srcObject = parked.hiddenStream ?? null;
        await video.play();
      }
    }, hidden);
  await setHidden(true);
  const hiddenAt = await page.evaluate(() => window.veil!.status().frames);
  await page.waitForTimeout(3000); // longer than the 2 s budget: the boxes from before are stale
  const statuses = await recordStatuses(page);
  await setHidden(false);
  // Statuses from before the first frame back may say 'running' too: wait for a drawn frame that trusts its boxes.
  await expect
    .poll(async () => (await statuses()).some((s) => s.frames > hiddenAt && s.failClosed === null), { timeout: 30_000 })
    .toBe(true);
  const back = (await statuses()).filter((s) => s.frames > hiddenAt);
  expect(back.length).toBeGreaterThan(0);
  expect(back[0].failClosed, 'the first frame back used boxes from before the tab was hidden').toBe('detector-stalled');
  const firstTrusted = back.findIndex((s) => s.failClosed === null);
  expect(back.slice(0, firstTrusted).every((s) => s.failClosed !== null)).toBe(true);
  const out = await readOutput(page);
  expect(highFrequencyEnergy(out, FAKE_CAMERA.face) * 5).toBeLessThan(
    highFrequencyEnergy(cameraFrame(), FAKE_CAMERA.face),
  );
});

/** The canvas camera (which a test can pan), once its frames show masks; then every frame's status is recorded. */
async function panningCameraRunning(page: Page, query = ''): Promise<() => Promise<StatusSample[]>> {
  await page.goto(`/?source=camera&${CI_PACE}${query}`);
  await waitRunning(page);
  await playCanvasCamera(page, FAKE_CAMERA.width, FAKE_CAMERA.height);
  await expect.poll(async () => page.evaluate(() => window.veil!.status().failClosed), { timeout: 30_000 }).toBeNull();
  return recordStatuses(page);
}

test('a whip pan blurs the whole frame until a detection of the moved picture arrives (motion guard)', async ({
  page,
}) => {
  const statuses = await panningCameraRunning(page);
  // Results 800 ms late, as on a GPU whose detections lag further behind the picture (well within the 2 s budget):
  // the frames drawn between the jump's thumbnail coming back and a detection of the moved picture are then
  // several, even on a loaded machine, where without the delay they may be none.
  await page.evaluate(() => window.veil!.slowDetections(800));
  const shift = -100;
  // In one frame the picture jumps 100 px (the face stays in view): every box is 100 px from the face.
  await page.evaluate((x) => {
    window.fakeCamera!.shift = x;
    window.fakeCamera!.draw();
  }, shift);
  await expect
    .poll(async () => (await statuses()).some((s) => s.failClosed === 'fast-motion'), {
      timeout: 30_000,
      message: 'no frame was blurred whole for fast motion',
    })
    .toBe(true);
  const tripped = (await statuses()).findIndex((s) => s.failClosed === 'fast-motion');
  await expect
    .poll(async () => (await statuses()).slice(tripped).some((s) => s.failClosed === null), { timeout: 30_000 })
    .toBe(true);
  const f = FAKE_CAMERA.face;
  const out = await readWhileRunning(page);
  expect(highFrequencyEnergy(out, { ...f, x: f.x + shift }) * 5, 'the face at its new place is blurred').toBeLessThan(
    highFrequencyEnergy(cameraFrame(), f),
  );
});

/** Pans the canvas camera 2 px right every camera frame (15 fps): what enters, at the left border, is new. */
const startPanning = (page: Page) =>
  page.evaluate(() => {
    const camera = window.fakeCamera!;
    (window as unknown as { pan: number }).pan = window.setInterval(() => (camera.shift += 2), 66);
  });
const leftStrip = (s: { unseen: StatusSample['unseen'] }) =>
  s.unseen.some((r) => r.x === 0 && r.y === 0 && r.h === FAKE_CAMERA.height && r.w > 0);

test("a pan blurs the strip of the border it brought into view since the detector's frame; a still camera, none", async ({
  page,
}) => {
  const statuses = await panningCameraRunning(page);
  const drawn = async () => (await statuses()).filter((s) => s.failClosed === null);
  await expect.poll(async () => (await drawn()).length, { timeout: 30_000 }).toBeGreaterThan(5);
  expect(
    (await drawn()).every((s) => s.unseen.length === 0),
    'a still camera blurs no border strip',
  ).toBe(true);
  await startPanning(page);
  await expect
    .poll(async () => (await drawn()).some(leftStrip), {
      timeout: 30_000,
      message: 'no strip at the left border while panning',
    })
    .toBe(true);
  await page.evaluate(() => window.clearInterval((window as unknown as { pan: number }).pan));
  const stopped = (await statuses()).length;
  await expect
    .poll(
      async () =>
        (await drawn()).slice(-5).every((s) => s.unseen.length === 0) && (await statuses()).length > stopped + 10,
      {
        timeout: 30_000,
        message: 'the strip outlived the pan',
      },
    )
    .toBe(true);
});

test('a still camera for 60 s: per-face blur, no border strip, masks that stay tight and do not grow', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const statuses = await panningCameraRunning(page);
  const start = (await statuses()).at(-1)!.ms;
  // The duration is the point: sub-pixel drift adds up over minutes into a "zoom" and strips along the borders.
  await expect
    .poll(async () => ((await statuses()).at(-1)?.ms ?? 0) - start, { timeout: 120_000, intervals: [2_000] })
    .toBeGreaterThan(60_000);
  const samples = await statuses();
  const drawn = samples.filter((s) => s.failClosed === null);
  expect(drawn.length / samples.length, 'share of frames with per-face blur').toBeGreaterThanOrEqual(0.9);
  expect(
    drawn.filter((s) => s.unseen.length > 0).map((s) => s.frames),
    'frames with a border strip',
  ).toEqual([]);
  // One face: its box, before the mask scale, within 1.6 times the width of the detector's box for it at rest, once
  // the second result has set its motion. Right after a result the box widens for a few frames until the new
  // detection is found in a picture (more often on a loaded machine), so the bound is on the typical frame, and a
  // looser one on nearly all.
  const ratios = (from: number, to: number) =>
    drawn
      .filter((s) => s.ms - start > from && s.ms - start < to && s.detected.length === 1)
      .map((s) => Math.max(0, ...s.boxes.map((b) => b.w)) / s.detected[0]!.w)
      .sort((a, b) => a - b);
  const at = (sorted: number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))]!;
  const settled = ratios(5_000, Infinity);
  expect(settled.length, 'frames with the face detected').toBeGreaterThan(100);
  expect(at(settled, 0.5), 'typical box width / detection width').toBeLessThanOrEqual(1.6);
  expect(at(settled, 0.9), 'box width / detection width on 90 % of frames').toBeLessThanOrEqual(2);
  // Still means still: the box at the end is no wider than in the first seconds.
  expect(at(ratios(50_000, Infinity), 0.5), 'the box grew').toBeLessThanOrEqual(at(ratios(5_000, 15_000), 0.5) + 0.05);
});

test('edges=0 turns the border strips off', async ({ page }) => {
  const statuses = await panningCameraRunning(page, '&edges=0');
  await startPanning(page);
  const drawn = async () => (await statuses()).filter((s) => s.failClosed === null);
  await expect.poll(async () => (await drawn()).length, { timeout: 30_000 }).toBeGreaterThan(20);
  expect((await drawn()).some(leftStrip)).toBe(false);
});

test('the frame size changing mid-stream (640x480 -> 1280x720 -> portrait 360x640) keeps the face covered', async ({
  page,
}) => {
  test.slow();
  // A 1280x720 frame takes SwiftShader seconds to import, blur and search under load: the longest budget lets the
  // app reach `running` at that size too (the budget's rule itself is unit-tested).
  await page.goto('/?source=camera&backend=webgpu&ep=wasm&budget=5000&tiles=off');
  await waitRunning(page);
  await playCanvasCamera(page, 640, 480);
  for (const [width, height] of [
    [640, 480],
    [1280, 720],
    [360, 640],
  ] as const) {
    const s = width / FAKE_CAMERA.width;
    const f = FAKE_CAMERA.face;
    const face = { x: Math.round(f.x * s), y: Math.round(f.y * s), w: Math.round(f.w * s), h: Math.round(f.h * s) };
    const raw = await page.evaluate(
      ([w, h, r]) => {
        const { canvas, draw } = window.fakeCamera!;
        Object.assign(canvas, { width: w, height: h });
        draw();
        return Array.from(canvas.getContext('2d')!.getImageData(r.x, r.y, r.w, r.h).data);
      },
      [width, height, face] as const,
    );
    await expect
      .poll(
        async () => {
          const out = await readOutput(page);
          return [out.width, out.height];
        },
        { timeout: 30_000 },
      )
      .toEqual([width, height]);
    // Masks at the new size (not only the whole frame blurred while the detector catches up)...
    await waitRunning(page);
    // ...and the face covered, by its mask or by the whole frame when a slow detection lets the budget pass.
    const rawFace = { width: face.w, height: face.h, data: Uint8Array.from(raw) };
    const out = await readOutput(page);
    expect(highFrequencyEnergy(out, face) * 5, `face at ${width}x${height}`).toBeLessThan(highFrequencyEnergy(rawFace));
  }
});

test("a slow detector: faces alone blurred within the budget its measured pace gives; the user's short budget, whole frames and a banner that says what helps", async ({
  page,
}) => {
  // CI's pace without its 2 s budget: the budget is auto, as a user gets it.
  await page.goto('/?source=camera&backend=webgpu&ep=wasm&tiles=off');
  await waitRunning(page);
  // Every result 250 ms later than this machine gives it: a detector taking 300-500 ms, as a slow laptop's.
  await page.evaluate(() => window.veil!.slowDetections(250));
  await expect
    .poll(() => page.evaluate(() => window.veil!.status().budgetMs), {
      timeout: 60_000,
      message: "the budget follows the detector's measured pace",
    })
    .toBeGreaterThanOrEqual(2.5 * 250);
  // Once settled: the first frames after the budget's rise may still see the input side and the pace being measured
  // (on a loaded machine, 24 of the first 30 frames once), so the share is judged on the latest 30 drawn frames.
  const statuses = await recordStatuses(page);
  const perFace = async () => {
    const seen = (await statuses()).slice(-30);
    return seen.length < 30 ? 0 : seen.filter((s) => s.failClosed === null && s.boxes.length > 0).length / 30;
  };
  await expect
    .poll(perFace, { timeout: 90_000, message: 'faces alone blurred on over 80 % of 30 frames in a row' })
    .toBeGreaterThan(0.8);
  const out = await readWhileRunning(page);
  expect(highFrequencyEnergy(out, FAKE_CAMERA.face) * 5).toBeLessThan(
    highFrequencyEnergy(cameraFrame(), FAKE_CAMERA.face),
  );
  // A budget the user chose wins, even one too short for this detector: whole frames, and the banner says why.
  const controls = page.locator('veil-controls');
  await controls.locator('summary').click();
  await controls.locator('[data-control="budget"]').fill('250');
  await controls.locator('[data-control="budget"]').press('Tab');
  await expect(page.locator('[data-fail-closed="detector-stalled"]')).toContainText('too slow', { timeout: 30_000 });
  await expect(page.locator('[data-fail-closed="detector-stalled"]')).toContainText('budget=');
});
