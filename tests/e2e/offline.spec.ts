import { FAKE_CAMERA } from './chromium';
import { expect, test } from './fixtures';
import { CI_PACE, cameraFrame, expectFaceBlurred, readWhileRunning, waitRunning } from './live-helpers';
import { meanAbsDiff } from './pixels';

test.use({ serviceWorkers: 'allow' });

test('installed by a first visit, the app works with no network: reloaded offline, the camera is anonymized', async ({
  page,
  context,
}) => {
  test.slow();
  await page.goto(`/?source=camera&${CI_PACE}`);
  await waitRunning(page);
  // Active once installed, and installing is precaching every file: after this the app needs no network.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  const manifest = await page.evaluate(async () => (await fetch('manifest.webmanifest')).json());
  expect(manifest).toMatchObject({ short_name: 'Veil', display: 'standalone' });

  await context.setOffline(true);
  await page.reload();
  // Really offline: what the service worker does not hold fails.
  const missing = await page.evaluate(() =>
    fetch(`/not-cached-${Date.now()}`).then(
      (r) => `answered ${r.status}`,
      () => 'failed',
    ),
  );
  expect(missing).toBe('failed');
  await waitRunning(page);
  await expect
    .poll(async () => meanAbsDiff(await readWhileRunning(page), cameraFrame(), FAKE_CAMERA.noFace), { timeout: 20_000 })
    .toBeLessThan(4);
  expectFaceBlurred(await readWhileRunning(page), 'offline');
});
