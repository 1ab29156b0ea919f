import { test as base } from '@playwright/test';

export { expect } from '@playwright/test';

/**
 * Every e2e test, with what the page said and the app's state printed when it fails: a CI run on a loaded machine
 * is not repeated at will, so its log must say where a stall was (no GPU device yet, no camera frame, no detection).
 */
export const test = base.extend<{ pageDiagnostics: undefined }>({
  pageDiagnostics: [
    async ({ page }, use, testInfo) => {
      const t0 = Date.now();
      const lines: string[] = [];
      page.on('console', (m) => lines.push(`${Date.now() - t0} ms ${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => lines.push(`${Date.now() - t0} ms pageerror: ${e.message}`));
      await use(undefined);
      if (testInfo.status === testInfo.expectedStatus) return;
      const state = await page
        .evaluate(() => {
          const video = document.querySelector('veil-app')?.shadowRoot?.querySelector('video');
          return {
            status: window.veil?.status() ?? null,
            video: video && {
              readyState: video.readyState,
              paused: video.paused,
              currentTime: video.currentTime,
              size: `${video.videoWidth}x${video.videoHeight}`,
              hasStream: video.srcObject !== null,
            },
          };
        })
        .catch((e: unknown) => ({ unavailable: String(e) }));
      const report = `app state at the failure (${Date.now() - t0} ms): ${JSON.stringify(state)}\npage console (last 30):\n${lines.slice(-30).join('\n')}`;
      console.error(`--- ${testInfo.title}\n${report}`);
      await testInfo.attach('page diagnostics', { body: report, contentType: 'text/plain' });
    },
    { auto: true },
  ],
});
