import { expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import type { RgbaImage } from '../../src/core/types';
import { FAKE_CAMERA, FAKE_CAMERA_Y4M } from './chromium';
import { highFrequencyEnergy, meanAbsDiff, readOutput } from './pixels';

/**
 * Query parameters for tests that need the `running` state on CI's slow machine (2 cores, software GPU, a model
 * run takes 100-300 ms): the wasm provider, a 2 s budget, and the whole frame only (tiles are exercised by the
 * demo-clip tests and by `npm run eval`). The default 250 ms budget's rule is unit-tested in src/app. WebGPU by
 * name: on a software adapter `auto` takes whichever backend measures faster at start, which may differ from run to
 * run; tests/e2e/webgl.spec.ts runs the WebGL2 backend and `auto`.
 */
export const CI_PACE = 'backend=webgpu&ep=wasm&budget=2000&tiles=off';

/** The fake camera's frame, as ffmpeg decodes the y4m Chromium plays. */
export function cameraFrame(): RgbaImage {
  return {
    width: FAKE_CAMERA.width,
    height: FAKE_CAMERA.height,
    data: new Uint8Array(readFileSync(`${FAKE_CAMERA_Y4M}.rgba`)),
  };
}

/** The fake camera's face has under a fifth of its detail left in `img`. */
export function expectFaceBlurred(img: RgbaImage, what: string): void {
  const before = highFrequencyEnergy(cameraFrame(), FAKE_CAMERA.face);
  const after = highFrequencyEnergy(img, FAKE_CAMERA.face);
  expect(after * 5, `${what}: face detail ${before.toFixed(1)} -> ${after.toFixed(1)}`).toBeLessThan(before);
}

export const veilState = (page: Page) => page.locator('html').getAttribute('data-veil-state');

export async function waitRunning(page: Page, timeout = 60_000): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('data-veil-state', 'running', { timeout });
}

/**
 * Frames the app must have drawn in a row while `running` before a read: a screenshot shows what the compositor has
 * put on screen, which can be a frame older than the state (once it was the last whole-frame blur before the first
 * per-face frame).
 */
const SETTLED_FRAMES = 2;

/** Waits in the page until the app has drawn SETTLED_FRAMES frames in a row while `running`; false after 10 s. */
function runningForFrames(page: Page): Promise<boolean> {
  return page.evaluate(
    (n) =>
      new Promise<boolean>((resolve) => {
        const t0 = performance.now();
        let since = -1;
        const check = () => {
          const frames = window.veil?.status().frames ?? 0;
          if (document.documentElement.dataset.veilState !== 'running') since = -1;
          else if (since < 0) since = frames;
          if (since >= 0 && frames - since >= n) resolve(true);
          else if (performance.now() - t0 > 10_000) resolve(false);
          else setTimeout(check, 5);
        };
        check();
      }),
    SETTLED_FRAMES,
  );
}

/** What `read` gives at a moment when the app says only face masks are blurred, before and after it. */
export async function whileRunning<T>(page: Page, read: () => Promise<T>): Promise<T> {
  for (let i = 0; i < 5; i++) {
    if (!(await runningForFrames(page))) continue;
    const value = await read();
    if ((await veilState(page)) === 'running') return value;
  }
  throw new Error(`the app never stayed 'running' across a read (state ${await veilState(page)})`);
}

/** Reads the output at a moment when the app says only face masks are blurred. */
export const readWhileRunning = (page: Page): Promise<RgbaImage> => whileRunning(page, () => readOutput(page));

/**
 * The output once the face-free corner reads as the camera gave it (a new face's first box is wide, its motion
 * still unknown, and narrows over the next frames): a frame read while running, within 4 levels there.
 */
export async function readOnceSettled(page: Page): Promise<RgbaImage> {
  const input = cameraFrame();
  let out = await readWhileRunning(page);
  await expect
    .poll(
      async () => {
        out = await readWhileRunning(page);
        return meanAbsDiff(out, input, FAKE_CAMERA.noFace);
      },
      { timeout: 20_000 },
    )
    .toBeLessThan(4);
  return out;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/screens/${name}.png` });
}

export interface StatusSample {
  frames: number;
  state: string;
  failClosed: string | null;
  error: string | null;
  unseen: { x: number; y: number; w: number; h: number }[];
  boxes: { x: number; y: number; w: number; h: number }[];
  detected: { x: number; y: number; w: number; h: number }[];
  /** The page's clock (performance.now()) when the sample was taken. */
  ms: number;
}

/**
 * Records the app's status in the page, one sample per drawn frame: the status the frame was drawn with, taken as
 * the app sets it (a timer polling it missed frames while a detection held the page's thread, and with them a fault's
 * effect). Returns a reader for what has been recorded so far.
 */
export async function recordStatuses(page: Page): Promise<() => Promise<StatusSample[]>> {
  await page.evaluate(() => {
    const seen: StatusSample[] = [];
    (window as unknown as { veilStatuses: StatusSample[] }).veilStatuses = seen;
    const record = (s: ReturnType<NonNullable<typeof window.veil>['status']>) => {
      if (seen.at(-1)?.frames !== s.frames)
        seen.push({
          frames: s.frames,
          state: s.state,
          failClosed: s.failClosed,
          error: s.error?.kind ?? null,
          unseen: s.unseen,
          boxes: s.boxes,
          detected: s.detected,
          ms: performance.now(),
        });
    };
    // <veil-app>'s status is a lit property, an accessor on its prototype chain: wrapped on the element itself.
    const app = document.querySelector('veil-app')!;
    let proto: object | null = app;
    let accessor: PropertyDescriptor | undefined;
    while (!accessor && (proto = Object.getPrototypeOf(proto)))
      accessor = Object.getOwnPropertyDescriptor(proto, 'status');
    Object.defineProperty(app, 'status', {
      configurable: true,
      get() {
        return accessor!.get!.call(this);
      },
      set(s) {
        accessor!.set!.call(this, s);
        record(s);
      },
    });
    record(window.veil!.status());
  });
  return () => page.evaluate(() => (window as unknown as { veilStatuses: StatusSample[] }).veilStatuses);
}

declare global {
  interface Window {
    /** The camera of playCanvasCamera: redraw after resizing it; `shift` moves the picture right (a pan), in px. */
    fakeCamera?: { canvas: HTMLCanvasElement; shift: number; draw(): void };
  }
}

/**
 * Replaces the app's camera with a canvas stream (15 fps) showing the fake camera's picture, the top of the
 * astronaut photo, filling its width (so the face sits at FAKE_CAMERA.face scaled by width / 320): a camera that
 * can change mode at the test's command.
 */
export async function playCanvasCamera(page: Page, width: number, height: number): Promise<void> {
  await page.route('**/e2e-fixture/astronaut.jpg', (route) => route.fulfill({ path: 'tests/fixtures/astronaut.jpg' }));
  await page.locator('veil-app').evaluate(
    async (app, [w, h]) => {
      const img = new Image();
      img.src = '/e2e-fixture/astronaut.jpg';
      await img.decode();
      const canvas = Object.assign(document.createElement('canvas'), { width: w, height: h });
      const ctx = canvas.getContext('2d')!;
      const camera = {
        canvas,
        shift: 0,
        draw: () => {
          ctx.fillStyle = '#333';
          ctx.fillRect(0, 0, canvas.width, canvas.height);
          ctx.drawImage(img, 0, 0, 512, 384, camera.shift, 0, canvas.width, (canvas.width * 384) / 512);
        },
      };
      window.fakeCamera = camera;
      camera.draw();
      setInterval(() => camera.draw(), 66);
      const video = app.shadowRoot!.querySelector('video')!;
      video.srcObject = canvas.captureStream(15);
      await video.play();
    },
    [width, height],
  );
}

/**
 * After a loss at `lostAt` (loseGpu), waits for faces alone to be blurred again and logs, as `what`, how long after
 * the loss that was (`backMs`) and the longest time without a drawn frame from the last frame before the loss to
 * then (`gap`).
 */
export async function recoveryAfterLoss(
  statuses: () => Promise<StatusSample[]>,
  lostAt: number,
  what: string,
): Promise<{ gap: number; backMs: number }> {
  // Frames drawn just after the call may precede the loss itself: faces alone again means after the first frame
  // that was not (the rebuilt pipeline's first frames are blurred whole until its first detection).
  const perFaceAgain = async () => {
    const after = (await statuses()).filter((s) => s.ms > lostAt);
    const perFace = (s: StatusSample) => s.state === 'running' && s.failClosed === null;
    const hit = after.findIndex((s) => !perFace(s));
    return hit < 0 ? undefined : after.slice(hit).find(perFace);
  };
  await expect.poll(perFaceAgain, { timeout: 30_000 }).toBeDefined();
  const back = (await perFaceAgain())!;
  const around = (await statuses()).filter((s, i, all) => s.ms <= back.ms && (all[i + 1]?.ms ?? Infinity) > lostAt);
  const gap = Math.max(...around.slice(1).map((s, i) => s.ms - around[i]!.ms));
  const backMs = back.ms - lostAt;
  console.log(`${what}: longest gap ${gap.toFixed(0)} ms, faces alone again after ${backMs.toFixed(0)} ms`);
  return { gap, backMs };
}

/**
 * Loses the GPU (window.veil.loseDevice(): the WebGPU device, or the WebGL context) and records every state the
 * page's root passes through from then on: nothing is drawn while the device is rebuilt, so frames' statuses would
 * miss it, and recovery can be quicker than a poll. Returns the page's clock at the loss and a reader of the states.
 */
export async function loseGpu(page: Page): Promise<{ lostAt: number; states: () => Promise<string[]> }> {
  const lostAt = await page.evaluate(() => {
    const root = document.documentElement;
    const seen: string[] = [];
    (window as unknown as { veilStates: string[] }).veilStates = seen;
    new MutationObserver(() => seen.push(root.dataset.veilState ?? '')).observe(root, {
      attributes: true,
      attributeFilter: ['data-veil-state'],
    });
    window.veil!.loseDevice();
    return performance.now();
  });
  return { lostAt, states: () => page.evaluate(() => (window as unknown as { veilStates: string[] }).veilStates) };
}
