import { expect, test } from '@playwright/test';
import { FAKE_CAMERA } from './chromium';
import { CI_PACE, waitRunning } from './live-helpers';
import { readOutput } from './pixels';

test('the camera ending (unplugged) is reported, and nothing raw is shown', async ({ page }) => {
  await page.goto(`/?source=camera&${CI_PACE}`);
  await waitRunning(page);
  await page.locator('veil-app').evaluate((app) => {
    const video = app.shadowRoot!.querySelector('video')!;
    for (const track of (video.srcObject as MediaStream).getVideoTracks()) track.dispatchEvent(new Event('ended'));
  });
  await expect(page.locator('[data-error="camera-failed"]')).toContainText('camera');
  await expect(page.getByRole('button', { name: 'Play the demo clip' })).toBeVisible();
});

test('the frame size changing mid-stream (camera 320x240 -> demo clip 400x300) keeps anonymizing', async ({ page }) => {
  test.slow();
  await page.goto('/?source=camera&ep=wasm&budget=2000');
  await waitRunning(page);
  expect((await readOutput(page)).width).toBe(FAKE_CAMERA.width);
  await page.locator('veil-controls [data-control="source"]').selectOption('demo');
  await expect.poll(async () => (await readOutput(page)).width, { timeout: 30_000 }).toBe(400);
  await waitRunning(page);
  await expect.poll(async () => page.evaluate(() => window.veil!.status().faces), { timeout: 30_000 }).toBeGreaterThan(0);
});
