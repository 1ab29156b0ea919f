import {
  type DetectorAssets,
  LivePipeline,
  type LiveSettings,
  type LiveStats,
  type LiveStatus,
} from '../app/live-pipeline';
import { CHOICES, DEFAULT_SETTINGS, NUMBERS, type Settings } from '../app/settings';
import { hiddenHolder } from './hidden-holder';
import { type LiveFrame, TrackFeed, VideoElementFeed } from '../source/frame-feed';

/** What can change while a track is being anonymized (`veil.update`). */
export type VeilLook = Pick<Settings, 'effect' | 'strength' | 'maskScale' | 'shape' | 'budgetMs'>;

export interface VeilOptions extends Partial<VeilLook>, Partial<Pick<Settings, 'model' | 'provider'>> {
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
    takeStats(): LiveStats | null;
  };
}

/** Refuses an option a URL would clamp: a program that passes it has a bug worth hearing about at once. */
function checked<T extends Partial<Settings>>(options: T): T {
  for (const [key, value] of Object.entries(options) as [keyof Settings, unknown][]) {
    const range = NUMBERS[key];
    const choices = CHOICES[key];
    if (range && !(typeof value === 'number' && value >= range.min && value <= range.max))
      throw new RangeError(`veil: ${key} must be a number in ${range.min}..${range.max}, not ${String(value)}`);
    if (choices && !choices.includes(value as string))
      throw new TypeError(`veil: ${key} must be one of ${choices.join(', ')}, not ${String(value)}`);
  }
  return options;
}

/** A track the library hands out, and what ends the work behind it. */
interface Session {
  readonly pipeline: LivePipeline;
  readonly output: MediaStreamTrack;
  stop(): void;
}

/** Whether this browser has insertable streams on the main thread (Chromium): a frame in, a frame out. */
const insertableStreams = () =>
  typeof MediaStreamTrackProcessor === 'function' && typeof MediaStreamTrackGenerator === 'function';

/**
 * One camera track anonymized, on its clone. With insertable streams the camera's VideoFrames go in and each
 * anonymized frame goes out with the camera's timestamp, in hidden tabs too; elsewhere a hidden video element plays
 * the camera and the output is a capture of the canvas. Either way the output carries only frames the anonymize
 * pass drew.
 */
function startSession(
  camera: MediaStreamTrack,
  settings: LiveSettings,
  assets: DetectorAssets,
  onStatus: (s: LiveStatus) => void,
): Session {
  const clone = camera.clone();
  const canvas = document.createElement('canvas');
  let session: Session;
  if (insertableStreams()) {
    const generator = new MediaStreamTrackGenerator({ kind: 'video' });
    const writer = generator.writable.getWriter();
    const send = (frame: LiveFrame) => {
      // A consumer that does not keep up loses frames rather than queueing them.
      if ((writer.desiredSize ?? 1) <= 0) return;
      writer.write(new VideoFrame(canvas, { timestamp: frame.timestamp ?? frame.now * 1000 })).catch(() => undefined);
    };
    const pipeline = new LivePipeline(canvas, new TrackFeed(clone), settings, onStatus, assets, send);
    session = {
      pipeline,
      output: generator,
      stop() {
        pipeline.stop();
        void writer.close().catch(() => undefined);
        generator.stop();
        clone.stop();
      },
    };
  } else {
    const holder = hiddenHolder();
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = new MediaStream([clone]);
    holder.append(video, canvas);
    const pipeline = new LivePipeline(canvas, new VideoElementFeed(video), settings, onStatus, assets);
    // No frame rate: a frame is sent each time one is drawn, so a slow machine sends fewer, never queued ones.
    const [output] = canvas.captureStream().getVideoTracks();
    if (!output) throw new Error('veil: the canvas gave no video track');
    void video.play().catch(() => undefined);
    session = {
      pipeline,
      output,
      stop() {
        pipeline.stop();
        output.stop();
        clone.stop();
        holder.remove();
      },
    };
  }
  // The camera ending ends the output: the consumer sees a stopped camera, not a frozen last frame.
  clone.addEventListener('ended', () => session.stop(), { once: true });
  return session;
}

/**
 * Veil for a page of one's own: camera track in, anonymized track out. The pipeline is the app's own (the same
 * detector, tracker and fail-closed rules), on the main thread, with a hidden video element and canvas capture.
 */
export async function createVeil(options: VeilOptions = {}): Promise<Veil> {
  // Not `new URL('./assets/', import.meta.url)`: a bundler would take that for an asset of its own to copy.
  const {
    assetsBase = `${import.meta.url.slice(0, import.meta.url.lastIndexOf('/') + 1)}assets/`,
    onStatus,
    files,
    ...chosen
  } = options;
  const settings: LiveSettings = { ...DEFAULT_SETTINGS, ...checked(chosen), paused: false };
  if (files) settings.provider = 'wasm';
  const assets: DetectorAssets = files ?? { base: new URL(String(assetsBase), location.href).href };
  if (!navigator.gpu) throw new Error('veil: this browser has no WebGPU (navigator.gpu is missing)');
  let sessions: Session[] = [];
  let latest: VeilStatus | null = null;
  return {
    async anonymize(camera) {
      if (camera.kind !== 'video') throw new TypeError(`veil: anonymize takes a video track, not ${camera.kind}`);
      const session = startSession(camera, settings, assets, (s) => {
        latest = s;
        onStatus?.(s);
      });
      sessions.push(session);
      void session.pipeline.start();
      return session.output;
    },
    update(look) {
      Object.assign(settings, checked(look));
    },
    status: () => latest,
    stop() {
      for (const s of sessions) s.stop();
      sessions = [];
    },
    debug: {
      loseDevice: () => {
        for (const s of sessions) s.pipeline.testHooks.loseDevice();
      },
      takeStats: () => sessions.at(-1)?.pipeline.takeStats() ?? null,
    },
  };
}
