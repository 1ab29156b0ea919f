import type { FrameFeed, LiveFrame } from '../source/frame-feed';
import { GpuCensus, type GpuObjectCounts } from '../gpu/resource-census';
import { chosenDetectorOptions, liveDetectorOptions } from '../detect/detector';
import { FaceModel, MODELS, configureOrt, fetchModel, type ModelSpec, type Provider } from '../detect/model';
import type { Rect } from '../core/types';
import { Tracker, type TrackedFace } from '../track/tracker';
import { thumbnailOfPicture } from '../track/thumbnail';
import { type Luma, lumaSize } from '../track/patch-motion';
import { MotionGuard } from './motion-guard';
import { trustBudget } from './trust-budget';
import { FaceExclusions } from './exclusions';
import { planFrame } from './frame-plan';
import type { FailClosedReason } from './fail-closed';
import { LostWhileSettingUpError, toAppError, type AppError } from './errors';
import { timeModel, tryFasterProvider, type ProviderTiming } from './provider-choice';
import { RateMeter } from './timing';
import { FrameStats, type FrameStatsWindow } from './frame-stats';
import { DetectSchedule } from './detect-schedule';
import { FramePacer } from './frame-pacer';
import { rebuild, RecoveryState, type VeilState } from './recovery';
import { LiveTestHooks } from './test-hooks';
import type { OutputCanvas } from './device-resources';
import type { FrameBackend, LiveDetector } from './frame-backend';
import { createBackend } from './backend-choice';
import type { Settings } from './settings';

export interface LiveStatus {
  state: VeilState;
  adapter: string;
  /** What draws: WebGPU's compute passes or WebGL2's fragment passes ('' before either is up). */
  backend: FrameBackend['kind'] | '';
  /** Why that backend: asked for, no WebGPU, a GPU, or measured faster on a software GPU. */
  backendWhy: string;
  /** How frames reach the GPU ('' before the device is up). */
  frameImport: string;
  provider: string;
  fps: number;
  /** Frames drawn since the page started: tells one frame's status from the next. */
  frames: number;
  detectorMs: number;
  /** The trust budget in force (ms): the user's, or the one the detector's measured pace gives (trustBudget). */
  budgetMs: number;
  /**
   * Faces the tracker has confirmed (TrackedFace.confirmed), held ones included: the people a user would count.
   * Every tracked face is covered, confirmed or not; this is only what the status line says.
   */
  faces: number;
  /** Boxes of the faces the user chose to leave unblurred, on the newest frame (frame pixels). */
  shown: Rect[];
  /** Every tracked face's box on the newest frame (frame pixels, before the mask scale): what is covered, and how wide. */
  boxes: Rect[];
  /** Faces in the detector's newest result (also while failing closed). */
  detections: number;
  /** Their boxes (frame pixels): what the tracked boxes are measured against. */
  detected: Rect[];
  /** Strips of the border blurred on the newest frame because a pan brought them into view after the detector's frame. */
  unseen: Rect[];
  failClosed: FailClosedReason | null;
  /** The newest problem worth telling the user; cleared when it no longer holds. */
  error: AppError | null;
}

/**
 * Where the detector's files come from: a folder (absolute URL) that serves models/ and ort/ (the page's own by
 * default), or the files themselves, for a page that may not fetch them (the browser extension's page script is
 * handed them: a site's Content-Security-Policy may forbid fetching from the extension). `model` is the bytes of
 * the settings' model; `wasm`, onnxruntime's plain wasm runtime (the wasm provider's). `ortWorker`: onnxruntime-web's
 * script in the folder is a chunk of its own that may start as a worker (Veil's own build), so the wasm provider runs
 * off the page's thread (OrtSetup.proxy); a bundle made by someone else's build may not be.
 */
export type DetectorAssets = { base: string; ortWorker?: boolean } | { model: Uint8Array; wasm: Uint8Array };

/** Releases a session being made that nobody will use, once it is made (a failure to make it is nobody's now). */
function releaseWhenMade(model: Promise<FaceModel> | null): void {
  void model?.then(
    (m) => m.release(),
    () => undefined,
  );
}

/** A window of frame statistics with what is alive on the GPU at its end: what a long run watches for growth. */
export interface LiveStats extends FrameStatsWindow {
  gpuObjects: GpuObjectCounts;
}

/** What the pipeline reads each frame; the UI owns it and changes it in place. */
export type LiveSettings = Pick<
  Settings,
  | 'effect'
  | 'transparent'
  | 'strength'
  | 'maskScale'
  | 'shape'
  | 'showBoxes'
  | 'budgetMs'
  | 'provider'
  | 'backend'
  | 'frameImport'
  | 'model'
  | 'tiles'
  | 'threshold'
  | 'nms'
  | 'motionGuard'
  | 'unseenEdges'
> & {
  paused: boolean;
};

/**
 * The live path: video frame -> GPU texture -> (async) detect -> track -> anonymize -> canvas. Rendering never
 * waits for detection; when detections are missing or too old, the whole frame is anonymized (fail closed).
 * Which frames are drawn and detected is FramePacer's and DetectSchedule's call, what has failed and come back is
 * RecoveryState's, each frame's cover is planFrame's; this class runs the loop between them.
 */
export class LivePipeline {
  /** Faults on demand for tests and the console (window.veil). */
  readonly testHooks = new LiveTestHooks(() => this.#res?.loseForTest());
  #res: FrameBackend | null = null;
  #detector: LiveDetector | null = null;
  #modelBytes: Promise<Uint8Array> | null = null;
  /** The first detector's wasm session, made while the GPU is set up (start). */
  #warm: Promise<FaceModel> | null = null;
  readonly #tracker = new Tracker();
  readonly #motion: MotionGuard;
  readonly #pacer = new FramePacer();
  readonly #schedule = new DetectSchedule();
  readonly #recovery = new RecoveryState();
  readonly #fps = new RateMeter();
  readonly #frameStats = new FrameStats();
  readonly #census = new GpuCensus();
  readonly #exclusions = new FaceExclusions();
  #stopFeed: (() => void) | null = null;
  #stopped = false;
  #faces: TrackedFace[] = [];
  #shown: Rect[] = [];
  #unseen: Rect[] = [];
  #framesDrawn = 0;
  #detections: Rect[] = [];
  #providerNote = '';
  #backendWhy = '';
  readonly #canvas: OutputCanvas;
  readonly #feed: FrameFeed;
  readonly #settings: LiveSettings;
  readonly #onStatus: (s: LiveStatus) => void;
  readonly #assets: DetectorAssets;
  readonly #onDrawn: ((frame: LiveFrame) => void) | undefined;

  /**
   * `canvas` shows each anonymized frame; `onDrawn` hears of each once it is on the canvas (the library sends it
   * on from there, with the frame's timestamp).
   */
  constructor(
    canvas: OutputCanvas,
    feed: FrameFeed,
    settings: LiveSettings,
    onStatus: (s: LiveStatus) => void,
    assets: DetectorAssets = { base: new URL(import.meta.env.BASE_URL, location.href).href, ortWorker: true },
    onDrawn?: (frame: LiveFrame) => void,
  ) {
    this.#assets = assets;
    this.#canvas = canvas;
    this.#feed = feed;
    this.#onDrawn = onDrawn;
    this.#settings = settings;
    this.#onStatus = onStatus;
    this.#motion = new MotionGuard(settings.motionGuard);
  }

  /** Acquires the GPU and starts rendering (fully blurred) at once; the detector joins when its model is ready. */
  async start(): Promise<void> {
    const assets = this.#assets;
    configureOrt(
      'base' in assets
        ? { wasmPaths: new URL('ort/', assets.base).href, proxy: assets.ortWorker }
        : { wasmBinary: assets.wasm },
    );
    // The first detector is on wasm whatever draws, unless WebGPU's provider was asked for: its session is made while
    // the GPU is set up and the backends are timed, not after (each takes seconds on a 2-core machine, on its own
    // core here when the session is made in onnxruntime-web's worker). #startDetector reports a failure.
    if (this.#settings.provider !== 'webgpu') {
      this.#warm = this.#bytes().then((bytes) => FaceModel.create(this.#spec, bytes, 'wasm'));
      this.#warm.catch(() => undefined);
    }
    // A GPU lost while it is set up is set up again, as after any loss; any other failure is the page's answer.
    let fatal = false;
    this.#res = await rebuild(() => this.#createResources(), {
      stopped: () => this.#stopped || fatal,
      failed: (e) => {
        if (e instanceof LostWhileSettingUpError) {
          this.#recovery.deviceLost(e.message);
          this.#recovery.rebuildStarted();
          this.#emit();
        } else {
          fatal = true;
          this.#fail(toAppError(e));
        }
      },
    });
    if (!this.#res) return;
    this.#recovery.rebuilt();
    this.#emit(); // the adapter is known before any frame arrives
    if (!this.#stopped) this.#stopFeed = this.#feed.start((frame) => this.#renderFrame(frame));
    await this.#startDetector();
  }

  async #createResources(): Promise<FrameBackend> {
    let made: FrameBackend | null = null;
    const chosen = await createBackend(this.#canvas, this.#settings, this.#census, (reason) => {
      if (made) this.#onDeviceLost(made, reason);
    });
    this.#backendWhy = chosen.why;
    made = chosen.backend;
    return made;
  }

  /** `kept`: a wasm session that outlived a lost device (it never used it), taken up instead of a new one. */
  async #startDetector(kept: FaceModel | null = null): Promise<void> {
    const res = this.#res;
    if (!res) {
      void kept?.release();
      return;
    }
    let model = kept;
    try {
      if (!model) {
        // The WebGL2 backend has no device to share: its detector is on wasm whatever was asked.
        const first: Provider = this.#settings.provider === 'webgpu' && res.device ? 'webgpu' : 'wasm';
        const warm = this.#warm;
        this.#warm = null;
        if (first === 'wasm' && warm) model = await warm;
        else {
          releaseWhenMade(warm);
          model = await res.createModel(this.#spec, await this.#bytes(), first);
        }
      }
      const detector = await this.#makeDetector(res, model);
      if (this.#res !== res) {
        detector.destroy();
        return void model.release();
      }
      this.#detector = detector;
      this.#recovery.detectorLoaded();
      this.#emit();
      // A kept session is the provider measured before; a new one on auto is measured again.
      if (kept || this.#settings.provider !== 'auto' || !res.device) return;
      // On a software adapter WebGPU inference is itself CPU work, about 4x slower than wasm here (300 vs 86 ms),
      // and timing it means compiling its shaders for many seconds on the same rasteriser that draws the frames.
      if (res.software) this.#providerNote = 'webgpu not tried: software GPU';
      else void this.#chooseProvider(res, res.device, model);
    } catch (e) {
      // The device was lost meanwhile (its passes never compiled): the rebuild starts a detector of its own.
      if (this.#res === res) this.#fail(toAppError(e));
      else void model?.release().catch(() => undefined);
    }
  }

  get #spec(): ModelSpec {
    return MODELS[this.#settings.model];
  }

  /** The model's bytes, fetched once; a failed fetch is tried again by the next detector that asks. */
  #bytes(): Promise<Uint8Array> {
    const assets = this.#assets;
    this.#modelBytes ??= ('base' in assets ? fetchModel(this.#spec, assets.base) : Promise.resolve(assets.model)).catch(
      (e: unknown) => {
        this.#modelBytes = null;
        throw e;
      },
    );
    return this.#modelBytes;
  }

  #makeDetector(res: FrameBackend, model: FaceModel): Promise<LiveDetector> {
    const chosen = chosenDetectorOptions(model.spec, this.#settings, liveDetectorOptions(model.spec));
    return res.makeDetector(model, { ...chosen, nms: { ...chosen.nms, weighted: this.#settings.nms === 'weighted' } });
  }

  /** Measures the other provider in the background and switches when it is faster on this machine. */
  async #chooseProvider(res: FrameBackend, device: GPUDevice, model: FaceModel): Promise<void> {
    try {
      const current: ProviderTiming = await timeModel(model, device);
      this.#providerNote = `measuring ${current.provider === 'wasm' ? 'webgpu' : 'wasm'}…`;
      const { model: faster, timing } = await tryFasterProvider(this.#spec, await this.#bytes(), device, current);
      const fmt = (t: ProviderTiming) => `${t.provider} ${t.ms.toFixed(1)} ms`;
      this.#providerNote = `chosen by measurement: ${fmt(faster ? timing : current)} vs ${fmt(faster ? current : timing)}`;
      const detector = faster && this.#res === res ? await this.#makeDetector(res, faster) : null;
      if (detector && this.#res === res) {
        const old = this.#detector;
        this.#detector = detector;
        old?.destroy();
        await old?.model.release();
      } else {
        detector?.destroy();
      }
    } catch (e) {
      this.#providerNote = `other provider unavailable (${(e as Error).message})`;
    }
  }

  #renderFrame(frame: LiveFrame): void {
    const res = this.#res;
    const { width, height, now } = frame;
    if (
      !res ||
      this.#recovery.rebuilding ||
      this.#settings.paused ||
      width === 0 ||
      height === 0 ||
      !this.#pacer.ready
    ) {
      frame.release();
      return;
    }
    // Boxes found at one size mean nothing at another (a camera switching modes crops and scales differently).
    const size = res.frameSize;
    if (size && (size.width !== width || size.height !== height)) this.resetTracking();
    let pending: Promise<void> | undefined;
    try {
      pending = res.importFrame(frame.source, width, height);
    } catch (e) {
      frame.release();
      this.#frameSkipped(now, e, 'frames-refused');
      return;
    }
    // The textures this frame went into: a resize before its import settles makes them stale.
    const generation = res.generation;
    if (!pending) {
      // The copy is queued: the frame is no longer needed.
      frame.release();
      this.#drawOrSkip(res, frame);
      return;
    }
    this.#pacer.importStarted();
    pending
      .then(
        () => {
          if (this.#res === res && res.generation === generation && !this.#stopped) this.#drawOrSkip(res, frame);
        },
        (e: unknown) => this.#frameSkipped(now, e, 'frames-refused'),
      )
      .finally(() => {
        frame.release();
        this.#pacer.importEnded();
      });
  }

  /** A throw while drawing (after an asynchronous import it used to be an unhandled rejection) skips the frame. */
  #drawOrSkip(res: FrameBackend, frame: LiveFrame): void {
    try {
      this.#drawFrame(res, frame.now);
      this.#onDrawn?.(frame);
    } catch (e) {
      this.#frameSkipped(frame.now, e, 'draw-failed');
    }
  }

  /**
   * A frame not drawn: Chromium throws when the element has no frame behind it yet ("video element that doesn't
   * have back resource", seen right after a stream or its size changes), or drawing it threw. The canvas keeps its
   * last anonymized frame and the next frame tries again.
   */
  #frameSkipped(now: number, e: unknown, kind: 'frames-refused' | 'draw-failed'): void {
    const detail = e instanceof Error ? e.message : String(e);
    console.warn('Frame skipped:', detail);
    if (this.#recovery.frameSkipped(now, kind, detail, this.#budgetMs)) this.#emit();
  }

  /** How old a detection may be and still be trusted: the user's budget, or by the detector's measured pace. */
  get #budgetMs(): number {
    return trustBudget(this.#settings.budgetMs, this.#schedule.paceMs);
  }

  /** Everything after the import: detection (async), tracking, the anonymize pass, the canvas. */
  #drawFrame(res: FrameBackend, now: number): void {
    const { width, height } = res.frameSize!;
    this.#startDetection(now, { width, height });
    const pictureSize = lumaSize({ width, height });
    const epoch = this.#recovery.epoch;
    if (res.pictureNow) this.#see(res, epoch, now, { ...pictureSize, data: res.pictureNow(pictureSize) });

    const health = this.#recovery.detectorHealth(this.#detector !== null, (ms) => this.#motion.tripped(ms));
    const { maskScale, showBoxes, unseenEdges } = this.#settings;
    const { reason, faces, masks, unseen } = planFrame(
      this.#tracker,
      health,
      now,
      { budgetMs: this.#budgetMs, maskScale, unseenEdges },
      (tracked) => {
        this.#exclusions.keepOnly(tracked);
        const applied = this.#exclusions.apply(tracked, maskScale, showBoxes);
        this.#shown = applied.shown;
        return applied.masks;
      },
    );
    this.#unseen = unseen;
    this.#faces = faces;
    const drawn = res.draw(
      {
        masks,
        fullFrame: reason !== null,
        effect: this.#settings.effect,
        transparent: this.#settings.transparent,
        strength: this.#settings.strength,
        shape: this.#settings.shape,
        featherPx: 3,
        outlines: this.#settings.showBoxes,
      },
      pictureSize,
      this.#motion.enabled
        ? {
            nowMs: now,
            resultCaptureMs: reason === null ? health.lastResultCaptureMs : null,
            threshold: this.#motion.threshold,
          }
        : null,
    );
    // Judged on later frames (on WebGPU the readback lands a frame or two from now). A lost device reports itself,
    // so a failed read is dropped here.
    drawn.picture?.then(
      (data) => this.#see(res, epoch, now, { ...pictureSize, data }),
      () => undefined,
    );
    this.#pacer.renderSubmitted();
    void drawn.done.finally(() => {
      if (this.#res !== res) return;
      this.#pacer.renderDone();
      this.#frameStats.record(performance.now() - now, reason !== null);
    });
    this.#recovery.frameDrawn(reason);
    this.#fps.tick(now);
    this.#framesDrawn++;
    this.#emit();
  }

  /** The motion guard and the tracker look at the picture of the frame captured at `now`, unless the context is gone. */
  #see(res: FrameBackend, epoch: number, now: number, picture: Luma): void {
    if (this.#res !== res) return;
    if (this.#motion.enabled) this.#motion.see(now, thumbnailOfPicture(picture));
    if (this.#recovery.epoch === epoch) this.#tracker.see(now, picture);
  }

  /** Starts a detection of this frame when the schedule has room for one; its result reaches the tracker later. */
  #startDetection(captureMs: number, size: { width: number; height: number }): void {
    const detector = this.#detector;
    const res = this.#res;
    if (!detector) return;
    const plan = this.#schedule.begin(size, (side) => detector.tileCosts(size.width, size.height, side));
    if (!plan) return;
    const epoch = this.#recovery.epoch;
    const t0 = performance.now();
    this.testHooks
      .detect(() => detector.detect(plan.perCall, plan.side))
      .then((dets) => {
        // The device was lost meanwhile (these boxes belong to the old session), or the picture changed.
        if (this.#res !== res || this.#recovery.epoch !== epoch) return;
        const holdMs = this.#schedule.answered(plan, performance.now() - t0, captureMs);
        this.#tracker.update(dets, captureMs, size);
        this.#detections = dets.map((d) => d.box);
        this.#recovery.detectionAnswered(captureMs);
        if (holdMs !== null) this.#tracker.holdAtLeast(holdMs);
      })
      .catch((e: unknown) => this.#recovery.detectionFailed(e instanceof Error ? e.message : String(e)))
      .finally(() => this.#schedule.end());
  }

  #onDeviceLost(backend: FrameBackend, reason: string): void {
    if (this.#stopped || this.#res !== backend) return;
    this.#recovery.deviceLost(reason);
    this.#emit();
    void this.#rebuild();
  }

  /** Rebuilds device, pipelines and session; until then nothing is drawn, so no raw frame can appear. */
  async #rebuild(): Promise<void> {
    this.#recovery.rebuildStarted();
    // A wasm session runs on the CPU and survives the device: starting a new one would take seconds here. A WebGPU
    // session was on the lost device and goes with it.
    const lost = this.#detector;
    const kept = lost?.model.provider === 'wasm' ? lost.model : null;
    if (lost && !kept) void lost.model.release().catch(() => undefined);
    this.#detector = null;
    this.#schedule.end();
    this.#pacer.forgetRenders();
    this.#tracker.reset();
    this.#motion.reset();
    this.#res?.destroy();
    this.#res = null;
    this.#res = await rebuild(() => this.#createResources(), {
      stopped: () => this.#stopped,
      failed: (e) => this.#fail(toAppError(e)),
    });
    this.#recovery.rebuilt();
    await this.#startDetector(kept);
  }

  #fail(error: AppError): void {
    this.#recovery.fail(error);
    this.#emit();
  }

  /** The model, and for a model of free size the input side live mode picked for the newest frame. */
  #modelLabel(detector: LiveDetector): string {
    const spec = detector.model.spec;
    const frame = this.#res?.frameSize;
    return spec.input.kind === 'free' && frame
      ? `${spec.name} ${this.#schedule.side(Math.max(frame.width, frame.height))} px`
      : spec.name;
  }

  #emit(): void {
    const provider = this.#detector
      ? `${this.#modelLabel(this.#detector)} on ${this.#detector.model.provider}`
      : 'loading';
    this.#onStatus({
      state: this.#recovery.state(this.#res !== null),
      adapter: this.#res?.description ?? '',
      backend: this.#res?.kind ?? '',
      backendWhy: this.#res ? this.#backendWhy : '',
      frameImport: this.#res?.importPath ?? '',
      provider: this.#providerNote ? `${provider} (${this.#providerNote})` : provider,
      fps: this.#fps.perSecond,
      frames: this.#framesDrawn,
      detectorMs: this.#schedule.detectionMs,
      budgetMs: this.#budgetMs,
      faces: this.#faces.filter((f) => f.confirmed).length,
      shown: this.#shown,
      boxes: this.#faces.map((f) => f.box),
      detections: this.#detections.length,
      detected: this.#detections,
      unseen: this.#unseen,
      failClosed: this.#recovery.failClosed,
      error: this.#recovery.error,
    });
  }

  /** Leaves the face under a point (frame pixels) unblurred, or blurs it again; false when no face is there. */
  toggleFaceAt(x: number, y: number): boolean {
    const face = this.#exclusions.toggleAt(x, y, this.#faces, this.#settings.maskScale);
    this.#emit();
    return face !== null;
  }

  /** Blurs every face again. */
  clearExclusions(): void {
    this.#exclusions.clear();
    this.#emit();
  }

  /** Frame statistics since the previous call, and the GPU objects alive now (for soak runs). */
  takeStats(): LiveStats {
    return { ...this.#frameStats.take(), gpuObjects: this.#census.alive() };
  }

  /** A new source starts with no tracks: boxes from the old one mean nothing there. */
  resetTracking(): void {
    this.#tracker.reset();
    this.#motion.reset();
    this.#recovery.newPicture();
  }

  stop(): void {
    this.#stopped = true;
    this.#stopFeed?.();
    releaseWhenMade(this.#warm);
    this.#warm = null;
    this.#detector?.destroy();
    void this.#detector?.model.release();
    this.#res?.destroy();
    this.#res = null;
  }
}
