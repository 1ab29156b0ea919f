import { FIREFOX_PATH, firefoxInstalled } from './firefox';

/** Says once, above the list, why the tests are skipped: Playwright's list reporter shows no skip reason. */
export default function globalSetup(): void {
  if (!firefoxInstalled()) {
    console.log(
      `Firefox tests skipped: no Firefox at ${FIREFOX_PATH} (apt-get install firefox-esr, or set FIREFOX_PATH)`,
    );
  }
}
