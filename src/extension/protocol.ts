import { DEFAULT_SETTINGS, type Effect } from '../app/settings';

/**
 * What the extension's parts say to each other. The page script (MAIN world, page-hook.ts) and the bridge (the
 * extension's isolated world, bridge.ts) share only the page's window: they talk by window.postMessage, tagged.
 * The page sees these messages too; nothing in them is secret (the model and onnxruntime are public).
 */
export const TAG = 'veil-extension';

/** The settings the popup offers: how faces are covered, and how late a detection may be (as the app's). */
export interface ExtensionLook {
  effect: Effect;
  strength: number;
  /**
   * Detections older than this blur the whole frame: a slow machine needs more to show faces blurred alone. null:
   * auto, from the results' measured pace (as the app's `budget=auto`).
   */
  budgetMs: number | null;
}

export const DEFAULT_LOOK: ExtensionLook = {
  effect: DEFAULT_SETTINGS.effect,
  strength: DEFAULT_SETTINGS.strength,
  budgetMs: DEFAULT_SETTINGS.budgetMs,
};

/** The budgets the popup offers, ms, besides auto. */
export const BUDGETS = [250, 500, 1000, 2000] as const;

/** What the popup shows for a site: what the page script last reported. */
export interface SiteStatus {
  /** running: faces blurred; fail-closed / starting: whole frames blurred for now; blurred-whole: Veil could not start, every frame is blurred whole; error: the detector failed, every frame is blurred whole. */
  state: 'starting' | 'running' | 'fail-closed' | 'blurred-whole' | 'error';
  /** Why, in words, for the popup. */
  detail: string;
  faces: number;
  fps: number;
}

/** The detector's files, read by the bridge from the extension (a site's CSP may forbid the page fetching them). */
export interface EngineFiles {
  model: Uint8Array;
  wasm: Uint8Array;
}

export type HookMessage =
  /** The page asked for a camera: is Veil on for this site? */
  { tag: typeof TAG; type: 'ask' } | { tag: typeof TAG; type: 'status'; status: SiteStatus };

export type BridgeMessage =
  | { tag: typeof TAG; type: 'answer'; on: false }
  /** On: the engine is in the page (engine.ts) with its files, or `failed` says why it is not. */
  | { tag: typeof TAG; type: 'answer'; on: true; look: ExtensionLook; files: EngineFiles | null; failed: string }
  | { tag: typeof TAG; type: 'look'; look: ExtensionLook };

/** Where engine.ts leaves its entry point in the page's window, for page-hook.ts. */
export const ENGINE_KEY = Symbol.for('veil-extension.engine');

export interface Engine {
  /** The camera's video anonymized, or a throw (then the page script blurs it whole). */
  anonymize(
    camera: MediaStreamTrack,
    look: ExtensionLook,
    files: EngineFiles,
    report: (s: SiteStatus) => void,
  ): Promise<{ track: MediaStreamTrack; stop(): void; update(look: ExtensionLook): void }>;
}

/** chrome.storage.local: which sites Veil is on for (by origin), the look, and each site's newest status. */
export interface StoredSettings {
  sites?: Record<string, boolean>;
  look?: ExtensionLook;
}

export const statusKey = (origin: string) => `status:${origin}`;
