import { createVeil } from '../library/veil';
import type { VeilStatus } from '../library/veil';
import { describeError, describeFailClosed } from '../ui/messages';
import { ENGINE_KEY, type Engine, type SiteStatus } from './protocol';

/**
 * The engine: the library, put into a page's own world by the background (background.ts) the first time a site
 * with Veil on asks for a camera, and left there for page-hook.ts under ENGINE_KEY.
 */

/** At most one status a second reaches the popup (the pipeline says one each frame); a change of state at once. */
const REPORT_EVERY_MS = 1000;

function siteStatus(s: VeilStatus): SiteStatus {
  const base = { faces: s.faces, fps: s.fps };
  if (s.state === 'error' && s.error) {
    const m = describeError(s.error);
    return { ...base, state: 'error', detail: `${m.title} The whole picture is blurred.` };
  }
  if (s.failClosed)
    return {
      ...base,
      state: s.state === 'starting' ? 'starting' : 'fail-closed',
      detail: describeFailClosed(s.failClosed, s.budgetMs, s.detectorMs),
    };
  return { ...base, state: s.state === 'running' ? 'running' : 'starting', detail: '' };
}

const engine: Engine = {
  async anonymize(camera, look, files, report) {
    let last = { state: '', at: 0 };
    const veil = await createVeil({
      ...look,
      files,
      onStatus: (s) => {
        const status = siteStatus(s);
        const now = performance.now();
        if (status.state === last.state && now - last.at < REPORT_EVERY_MS) return;
        last = { state: status.state, at: now };
        report(status);
      },
    });
    const track = await veil.anonymize(camera);
    return {
      track,
      stop: () => veil.stop(),
      update: (l) => veil.update(l),
    };
  },
};

(window as unknown as Record<symbol, Engine>)[ENGINE_KEY] ??= engine;
