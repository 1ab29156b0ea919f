import type { Page } from '@playwright/test';
import type { Veil } from '../../src/library/veil';
import { FAKE_CAMERA } from '../e2e/chromium';
import { expect, test } from '../e2e/fixtures';
import { cameraFrame, expectFaceBlurred } from '../e2e/live-helpers';
import { expectLocalOnly, recordRequests } from '../e2e/network';
import { highFrequencyEnergy, meanAbsDiff } from '../e2e/pixels';
import { streamFrames } from '../e2e/stream-frames';

/** What both pages leave on window: the library's handle (or the processor's) and the track a call would send. */
type ConsumerWindow = Window & { veil: Pick<Veil, 'update' | 'status' | 'debug'>; anonymized: MediaStreamTrack };

const OUTPUT = 'new MediaStream([window.anonymized])';

/** Opens a page and waits for its output track; the CI machine's pace: a detection may take up to 2 s. */
async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.waitForFunction(() => 'anonymized' in window, undefined, { timeout: 60_000 });
  await page.evaluate(() => (window as unknown as ConsumerWindow).veil.update({ budgetMs: 2000 }));
}

const state = (page: Page) => page.evaluate(() => (window as unknown as ConsumerWindow).veil.status()?.state ?? null);

/** Waits until the output, read while the detector is trusted, shows the background as the camera does. */
async function expectBackgroundKept(page: Page): Promise<void> {
  await expect.poll(() => state(page), { timeout: 60_000 }).toBe('running');
  await expect
    .poll(
      async () => {
        const [frame] = await streamFrames(page, OUTPUT, 1);
        return (await state(page)) === 'running' ? meanAbsDiff(frame!, cameraFrame(), FAKE_CAMERA.noFace) : Infinity;
      },
      { timeout: 30_000 },
    )
    .toBeLessThan(4);
}

for (const [name, path] of [
  ['the library (createVeil)', '/'],
  ["LiveKit's createLocalVideoTrack with VeilProcessor", '/livekit.html'],
] as const) {
  test(`packed package, ${name}: every frame sent has the face blurred, the background is kept, nothing leaves the origin`, async ({
    page,
    baseURL,
  }) => {
    const requests = recordRequests(page);
    await open(page, path);
    // From the very first frames, while the detector is still loading: never the raw face.
    for (const [i, f] of (await streamFrames(page, OUTPUT, 10)).entries()) {
      expect([f.width, f.height]).toEqual([FAKE_CAMERA.width, FAKE_CAMERA.height]);
      expectFaceBlurred(f, `frame ${i}`);
    }
    await expectBackgroundKept(page);
    for (const [i, f] of (await streamFrames(page, OUTPUT, 5)).entries()) expectFaceBlurred(f, `running frame ${i}`);
    expectLocalOnly(requests, baseURL!);
    // Off the page's thread: the pipeline's worker was started.
    expect(requests.map((r) => new URL(r.url()).pathname)).toContain('/veil/pipeline-worker.js');
  });
}

test("packed package: with the worker's script missing, the library runs on the page's thread, faces blurred", async ({
  page,
}) => {
  await page.route('**/veil/pipeline-worker.js', (route) => route.fulfill({ status: 404, body: '' }));
  const warnings: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
  });
  await open(page, '/');
  for (const [i, f] of (await streamFrames(page, OUTPUT, 5)).entries()) expectFaceBlurred(f, `frame ${i}`);
  await expectBackgroundKept(page);
  expect(warnings.join('\n')).toContain('the pipeline worker could not start');
});

test("packed package: the GPU lost under the library's track sends no raw frame, and it recovers", async ({ page }) => {
  await open(page, '/');
  await expectBackgroundKept(page);
  await page.evaluate(() => (window as unknown as ConsumerWindow).veil.debug.loseDevice());
  // The frames around the loss and the rebuild, until well after it.
  for (const [i, f] of (await streamFrames(page, OUTPUT, 15)).entries())
    expectFaceBlurred(f, `frame ${i} after the loss`);
  await expectBackgroundKept(page);
});

test("packed package: a model that fails to load leaves the library's track blurred whole, with the reason", async ({
  page,
}) => {
  await page.route('**/veil/models/*.onnx', (route) => route.fulfill({ status: 200, body: 'not an onnx model' }));
  await open(page, '/');
  await expect.poll(() => state(page), { timeout: 60_000 }).toBe('error');
  const error = await page.evaluate(() => (window as unknown as ConsumerWindow).veil.status()?.error?.kind);
  expect(error).toBe('model-load');
  const whole = highFrequencyEnergy(cameraFrame());
  for (const [i, f] of (await streamFrames(page, OUTPUT, 5)).entries())
    expect(highFrequencyEnergy(f) * 5, `frame ${i}: detail kept`).toBeLessThan(whole);
});

test("packed package: each frame the library sends carries its camera frame's timestamp", async ({ page }) => {
  await open(page, '/');
  await expect.poll(() => state(page), { timeout: 60_000 }).toBe('running');
  const { camera, sent } = await page.evaluate(async () => {
    const timestamps = async (track: MediaStreamTrack, count: number) => {
      const reader = new MediaStreamTrackProcessor({ track: track as MediaStreamVideoTrack }).readable.getReader();
      const seen: number[] = [];
      while (seen.length < count) {
        const { value, done } = await reader.read();
        if (done) break;
        seen.push(value.timestamp);
        value.close();
      }
      reader.releaseLock();
      return seen;
    };
    // The same camera opened again: its frames are the ones Veil's clone receives, with the same timestamps.
    const [again] = (await navigator.mediaDevices.getUserMedia({ video: true })).getVideoTracks();
    const [camera, sent] = await Promise.all([
      timestamps(again!, 45),
      timestamps((window as unknown as ConsumerWindow).anonymized, 20),
    ]);
    again!.stop();
    return { camera, sent };
  });
  // The first frames sent may come from camera frames read before this camera reader started: those after its first
  // must be its frames (all but two: a busy reader may miss one). Two tracks of one camera stamp the same frame up
  // to 0.1 ms apart (seen here); frames are 67 ms apart, and a capture's own clock would land within 1 ms of a
  // camera frame one time in thirty.
  const since = sent.filter((t) => t >= camera[0]! - 1000);
  const unmatched = since.filter((t) => !camera.some((c) => Math.abs(c - t) <= 1000));
  const report = `sent ${sent.join(', ')}; camera ${camera.join(', ')}`;
  expect(since.length, report).toBeGreaterThanOrEqual(10);
  expect(unmatched.length, report).toBeLessThanOrEqual(2);
});
