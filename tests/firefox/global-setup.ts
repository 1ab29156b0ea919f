import { displayAvailable, FIREFOX_PATH, firefoxInstalled, XVFB_PATH } from './firefox';

/** Says once, above the list, why the tests are skipped: Playwright's list reporter shows no skip reason. */
export default function globalSetup(): void {
  if (!firefoxInstalled()) {
    console.log(
      `Firefox tests skipped: no Firefox at ${FIREFOX_PATH} (apt-get install firefox-esr, or set FIREFOX_PATH)`,
    );
  } else if (!displayAvailable()) {
    console.log(
      `Firefox tests skipped: no DISPLAY and no Xvfb at ${XVFB_PATH} (apt-get install xvfb): headless Firefox has no WebGL`,
    );
  }
}
