import { expect, test } from './fixtures';
import { expectLocalOnly, recordRequests } from './network';
import { CI_PACE, waitRunning } from './live-helpers';

test('nothing leaves the device: camera, settings, recording and the call preview stay on this origin', async ({
  page,
  baseURL,
}) => {
  test.slow();
  const requests = recordRequests(page);
  await page.goto(`/?source=camera&${CI_PACE}`);
  await waitRunning(page);
  await page.locator('veil-controls [data-control="strength"]').fill('0.9');
  await page.locator('veil-controls [data-control="boxes"]').check();
  await page.locator('[data-control="record"]').click();
  await page.waitForTimeout(1000);
  await page.locator('[data-control="record-stop"]').click();
  await expect(page.locator('[data-role="download"]')).toBeVisible();
  await page.locator('veil-controls [data-control="source"]').selectOption('demo');
  await page.waitForTimeout(2000);
  await page.goto(`/call.html?source=camera&${CI_PACE}`);
  await waitRunning(page);
  await expect(page.locator('[data-role="call-stats"]')).toContainText('fps', { timeout: 60_000 });
  expect(requests.length).toBeGreaterThan(0);
  expectLocalOnly(requests, new URL(baseURL!).origin);
});

test('the page forbids other origins by Content-Security-Policy', async ({ page }) => {
  await page.goto('/?source=demo&ep=wasm');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  const blocked = await page.evaluate(async () => {
    try {
      await fetch('http://127.0.0.2:9/beacon', { method: 'POST', body: 'x' });
      return false;
    } catch {
      return true;
    }
  });
  expect(blocked).toBe(true);
});

test('URL parameters are validated: clamped or rejected with a notice, never rendered as markup', async ({ page }) => {
  await page.goto('/?source=demo&ep=wasm&strength=9&mask=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E');
  await expect(page.getByText('strength=9 is outside 0..1; using 1.')).toBeVisible();
  await expect(page.getByText('Ignored mask=<img src=x onerror=alert(1)>')).toBeVisible();
  expect(await page.locator('veil-app').evaluate((el) => el.shadowRoot!.querySelectorAll('img').length)).toBe(0);
});
