import type { DetectorAssets, LiveSettings, LiveStats, LiveStatus } from '../app/live-pipeline';
import { AUTO_NUMBERS, CHOICES, DEFAULT_SETTINGS, NUMBERS, type Settings } from '../app/settings';
import { requireBackend } from '../app/backend-choice';
import { startSession, type Session } from './sessions';

/** What can change while a track is being anonymized (`veil.update`). */
export type VeilLook = Pick<Settings, 'effect' | 'strength' | 'maskScale' | 'shape' | 'budgetMs'>;

export interface VeilOptions extends Partial<VeilLook>, Partial<Pick<Settings, 'model' | 'provider' | 'backend'>> {
  /**
   * The folder that serves Veil's `models/` and `ort/` (copy them from the package's `dist-lib/assets/`). Default:
   * `assets/` beside this module, which holds where the module is served unbundled.
   */
  assetsBase?: string | URL;
  /**
   * The model's bytes (of `model`) and onnxruntime's plain wasm runtime (`assets/ort/ort-wasm-simd-threaded.wasm`),
   * for a page that may not fetch them: with these Veil fetches nothing, and the detector runs on wasm.
   */
  files?: { model: Uint8Array; wasm: Uint8Array };
  /**
   * Where the pipeline runs where the browser has insertable streams: `worker` (default; off the page's main thread,
   * so a busy page does not delay frames) or `main`. With `files`, always `main`.
   */
  thread?: 'worker' | 'main';
  /** Hears every change of state: running, failing closed and why, faces, frame rate. */
  onStatus?: (status: VeilStatus) => void;
}

export type VeilStatus = LiveStatus;

export interface Veil {
  /**
   * A track whose every frame is `camera`'s frame anonymized. It carries no raw frame, ever: until the detector
   * is ready, while it is late or failing, and after the GPU is lost, frames are blurred whole or not sent. The
   * camera track is cloned: stopping Veil leaves the caller's track running.
   */
  anonymize(camera: MediaStreamTrack): Promise<MediaStreamTrack>;
  /** Changes the look (effect, strength, mask scale and shape, budget) from the next frame on. */
  update(options: Partial<VeilLook>): void;
  /** The newest status of the newest track (null before the first). */
  status(): VeilStatus | null;
  /** Ends every output track and releases the GPU and the cloned cameras; `anonymize` may be called again later. */
  stop(): void;
  /** Faults on demand and frame statistics, for tests, benches and the console. */
  readonly debug: {
    loseDevice(): void;
    /** The newest track's frame statistics since the previous call (null before the first track). */
    takeStats(): Promise<LiveStats | null>;
  };
}

/** Refuses an option a URL would clamp: a program that passes it has a bug worth hearing about at once. */
function checked<T extends Partial<Settings>>(options: T): T {
  for (const [key, value] of Object.entries(options) as [keyof Settings, unknown][]) {
    const range = NUMBERS[key];
    const choices = CHOICES[key];
    const auto = AUTO_NUMBERS.includes(key);
    if (range && !(typeof value === 'number' && value >= range.min && value <= range.max) && !(auto && value === null))
      throw new RangeError(
        `veil: ${key} must be a number in ${range.min}..${range.max}${auto ? ' or null (auto)' : ''}, not ${String(value)}`,
      );
    if (choices && !choices.includes(value as string))
      throw new TypeError(`veil: ${key} must be one of ${choices.join(', ')}, not ${String(value)}`);
  }
  return options;
}

/**
 * Veil for a page of one's own: camera track in, anonymized track out. The pipeline is the app's own (the same
 * detector, tracker and fail-closed rules); how frames reach it and leave it is startSession's choice.
 */
export async function createVeil(options: VeilOptions = {}): Promise<Veil> {
  // Not `new URL('./assets/', import.meta.url)`: a bundler would take that for an asset of its own to copy.
  const {
    assetsBase = `${import.meta.url.slice(0, import.meta.url.lastIndexOf('/') + 1)}assets/`,
    onStatus,
    files,
    thread = 'worker',
    ...chosen
  } = options;
  const settings: LiveSettings = { ...DEFAULT_SETTINGS, ...checked(chosen), paused: false };
  if (files) settings.provider = 'wasm';
  const assets: DetectorAssets = files ?? { base: new URL(String(assetsBase), location.href).href };
  try {
    requireBackend(settings.backend);
  } catch (e) {
    throw new Error(`veil: ${(e as Error).message}`);
  }
  let sessions: Session[] = [];
  let latest: VeilStatus | null = null;
  return {
    async anonymize(camera) {
      if (camera.kind !== 'video') throw new TypeError(`veil: anonymize takes a video track, not ${camera.kind}`);
      const session = startSession(camera, files ? 'main' : thread, settings, assets, (s) => {
        latest = s;
        onStatus?.(s);
      });
      sessions.push(session);
      return session.output;
    },
    update(look) {
      Object.assign(settings, checked(look));
      for (const s of sessions) s.update(look);
    },
    status: () => latest,
    stop() {
      for (const s of sessions) s.stop();
      sessions = [];
    },
    debug: {
      loseDevice: () => {
        for (const s of sessions) s.loseDevice();
      },
      takeStats: async () => (await sessions.at(-1)?.takeStats()) ?? null,
    },
  };
}
