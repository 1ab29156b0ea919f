import { acquireGpu, type Gpu } from '../gpu/device';
import { chooseImportPath, FrameImporter, frameTextureUsage, type FrameImportPath } from '../gpu/frame-import';
import { chosenDetectorOptions, FaceDetector, liveDetectorOptions } from '../detect/detector';
import { FaceModel, MODELS, configureOrt, fetchModel, type ModelSpec, type Provider } from '../detect/model';
import { Tracker, type TrackedFace } from '../track/tracker';
import type { Detection, Rect } from '../core/types';
import { AnonymizePass } from '../render/anonymize-pass';
import { MotionGuard } from './motion-guard';
import { thumbnailOfPicture } from '../track/thumbnail';
import { ThumbnailPass } from '../track/thumbnail-pass';
import { lumaSize } from '../track/patch-motion';
import { FaceExclusions } from './exclusions';
import { planFrame } from './frame-plan';
import type { FailClosedReason } from './fail-closed';
import { toAppError, type AppError } from './errors';
import { timeModel, tryFasterProvider, type ProviderTiming } from './provider-choice';
import { InputSideChooser } from './input-side';
import { RateMeter, RollingMedian } from './timing';
import { FrameStats, type FrameStatsWindow } from './frame-stats';
import { GpuCensus, type GpuObjectCounts } from '../gpu/resource-census';
import type { Settings } from './settings';

export type VeilState = 'starting' | 'fail-closed' | 'running' | 'error';

export interface LiveStatus {
  state: VeilState;
  adapter: string;
  /** How frames reach the GPU ('' before the device is up). */
  frameImport: FrameImportPath | '';
  provider: string;
  fps: number;
  /** Frames drawn since the page started: tells one frame's status from the next. */
  frames: number;
  detectorMs: number;
  faces: number;
  /** Boxes of the faces the user chose to leave unblurred, on the newest frame (frame pixels). */
  shown: Rect[];
  /** Faces in the detector's newest result (also while failing closed). */
  detections: number;
  /** Strips of the border blurred on the newest frame because a pan brought them into view after the detector's frame. */
  unseen: Rect[];
  failClosed: FailClosedReason | null;
  /** The newest problem worth telling the user; cleared when it no longer holds. */
  error: AppError | null;
}

/** A window of frame statistics with what is alive on the GPU at its end: what a long run watches for growth. */
export interface LiveStats extends FrameStatsWindow {
  gpuObjects: GpuObjectCounts;
}

/** What the pipeline reads each frame; the UI owns it and changes it in place. */
export type LiveSettings = Pick<Settings, 'effect' | 'transparent' | 'strength' | 'maskScale' | 'shape' | 'showBoxes' | 'budgetMs' | 'provider' | 'frameImport' | 'model' | 'tiles' | 'threshold' | 'nms' | 'motionGuard' | 'unseenEdges'> & {
  paused: boolean;
};

// A slow GPU (a software one, say) must drop frames rather than build a queue of them: the queue would delay the
// detector's work behind it and so push every frame into fail-closed mode.
const MAX_RENDERS_IN_FLIGHT = 2;

/**
 * A detection aims to take about this long: the whole frame always, plus as many tiles as fit (at least one);
 * the rest of the tiles follow in later detections, round robin.
 */
const DETECTION_TARGET_MS = 100;

const OUTPUT_USAGE = GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.COPY_SRC | GPUTextureUsage.TEXTURE_BINDING;

/** Everything that lives on one GPUDevice; rebuilt as a whole when the device is lost. */
interface DeviceResources {
  gpu: Gpu;
  context: GPUCanvasContext;
  importer: FrameImporter;
  anonymize: AnonymizePass;
  /**
   * The tracker's picture of each frame (lumaSize()), where it looks for faces between detections; the motion
   * guard's thumbnail is made from it.
   */
  picture: ThumbnailPass;
  frame: GPUTexture | null;
  output: GPUTexture | null;
}

/**
 * The live path: video frame -> GPU texture -> (async) detect -> track -> anonymize -> canvas. Rendering never
 * waits for detection; when detections are missing or too old, the whole frame is anonymized (fail closed).
 */
export class LivePipeline {
  private res: DeviceResources | null = null;
  private detector: FaceDetector | null = null;
  private modelBytes: Uint8Array | null = null;
  private readonly tracker = new Tracker();
  private readonly motion: MotionGuard;
  private detecting = false;
  /** A frame is being converted on the CPU (FrameImporter's cpu path); one at a time. */
  private importing = false;
  /** Submitted renders the GPU has not finished; past MAX_RENDERS_IN_FLIGHT, frames are skipped, not queued. */
  private rendersInFlight = 0;
  private lastResultCaptureMs: number | null = null;
  /** Whether any detection has reached the tracker: after that, a missing result means a new picture, not start-up. */
  private answered = false;
  /** Bumped when the picture changes (new source, new frame size): detections of the old one are dropped. */
  private epoch = 0;
  private detectorFailing = false;
  private readonly detectMs = new RollingMedian();
  /** Milliseconds of one model run (one crop), from live detections. */
  private readonly cropMs = new RollingMedian();
  /** The whole frame's input size, for a model of free size, from the measured detection time. */
  private readonly inputSide = new InputSideChooser(DETECTION_TARGET_MS);
  private readonly fps = new RateMeter();
  private readonly frameStats = new FrameStats();
  private readonly census = new GpuCensus();
  /** Detections still to fail on purpose (a test hook for the detector-error path). */
  private faultsToInject = 0;
  /** Extra milliseconds before each detection's result is used (a test hook: a slower GPU's latency). */
  private detectionDelayMs = 0;
  private frameCallback = 0;
  private stopped = false;
  private recovering = false;
  private error: AppError | null = null;
  private lastFailClosed: FailClosedReason | null = 'detector-starting';
  /** Frame time since which every frame was skipped (its import refused, or drawing it threw); null while frames are drawn. */
  private skippedSinceMs: number | null = null;
  private faces: TrackedFace[] = [];
  private readonly exclusions = new FaceExclusions();
  private shown: Rect[] = [];
  private unseen: Rect[] = [];
  private framesDrawn = 0;
  private detections = 0;
  private providerNote = '';

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly video: HTMLVideoElement,
    private readonly settings: LiveSettings,
    private readonly onStatus: (s: LiveStatus) => void,
  ) {
    this.motion = new MotionGuard(settings.motionGuard);
  }

  /** Acquires the GPU and starts rendering (fully blurred) at once; the detector joins when its model is ready. */
  async start(): Promise<void> {
    configureOrt({ wasmPaths: new URL(`${import.meta.env.BASE_URL}ort/`, location.href).href });
    try {
      this.res = await this.createResources();
    } catch (e) {
      this.fail(toAppError(e));
      return;
    }
    this.emit(); // the adapter is known before any frame arrives
    this.scheduleFrame();
    await this.startDetector();
  }

  private async createResources(): Promise<DeviceResources> {
    const gpu = await acquireGpu();
    this.census.watch(gpu.device);
    const context = this.canvas.getContext('webgpu');
    if (!context) throw new Error('The output canvas refused a WebGPU context.');
    // Transparent output (OBS overlays) is premultiplied by the anonymize pass; otherwise the canvas is opaque.
    const alphaMode = this.settings.transparent ? 'premultiplied' : 'opaque';
    context.configure({ device: gpu.device, format: 'rgba8unorm', usage: GPUTextureUsage.COPY_DST, alphaMode });
    gpu.device.lost.then((info) => this.onDeviceLost(gpu, info));
    gpu.device.addEventListener('uncapturederror', (ev) => console.error('WebGPU error:', (ev as GPUUncapturedErrorEvent).error.message));
    return {
      gpu, context, importer: new FrameImporter(gpu.device, chooseImportPath(this.settings.frameImport, gpu.software)),
      anonymize: new AnonymizePass(gpu.device), picture: new ThumbnailPass(gpu.device), frame: null, output: null,
    };
  }

  private async startDetector(): Promise<void> {
    const res = this.res;
    if (!res) return;
    try {
      this.modelBytes ??= await fetchModel(this.spec);
      const first: Provider = this.settings.provider === 'webgpu' ? 'webgpu' : 'wasm';
      const model = await FaceModel.create(this.spec, this.modelBytes, first, res.gpu.device);
      if (this.res !== res) return void model.release();
      this.detector = this.makeDetector(res, model);
      this.clearError('model-load');
      this.emit();
      if (this.settings.provider !== 'auto') return;
      // On a software adapter WebGPU inference is itself CPU work, about 4x slower than wasm here (300 vs 86 ms),
      // and timing it means compiling its shaders for many seconds on the same rasteriser that draws the frames.
      if (res.gpu.software) this.providerNote = 'webgpu not tried: software GPU';
      else void this.chooseProvider(res, model);
    } catch (e) {
      this.fail(toAppError(e));
    }
  }

  private get spec(): ModelSpec {
    return MODELS[this.settings.model];
  }

  private makeDetector(res: DeviceResources, model: FaceModel): FaceDetector {
    const chosen = chosenDetectorOptions(model.spec, this.settings, liveDetectorOptions(model.spec));
    return new FaceDetector(res.gpu.device, model, { ...chosen, nms: { ...chosen.nms, weighted: this.settings.nms === 'weighted' } });
  }

  /** Tiles for the next detection: none until a run has been timed (the first answer comes fastest), then what fits. */
  private tilesPerDetection(tiles: number): number {
    const ms = this.cropMs.value;
    if (!Number.isFinite(ms)) return 0;
    return Math.min(tiles, Math.max(1, Math.floor(DETECTION_TARGET_MS / ms) - 1));
  }

  /** Measures the other provider in the background and switches when it is faster on this machine. */
  private async chooseProvider(res: DeviceResources, model: FaceModel): Promise<void> {
    try {
      const current: ProviderTiming = await timeModel(model, res.gpu.device);
      this.providerNote = `measuring ${current.provider === 'wasm' ? 'webgpu' : 'wasm'}…`;
      const { model: faster, timing } = await tryFasterProvider(this.spec, this.modelBytes!, res.gpu.device, current);
      const fmt = (t: ProviderTiming) => `${t.provider} ${t.ms.toFixed(1)} ms`;
      this.providerNote = `chosen by measurement: ${fmt(faster ? timing : current)} vs ${fmt(faster ? current : timing)}`;
      if (faster && this.res === res) {
        const old = this.detector;
        this.detector = this.makeDetector(res, faster);
        old?.destroy();
        await old?.model.release();
      }
    } catch (e) {
      this.providerNote = `other provider unavailable (${(e as Error).message})`;
    }
  }

  private scheduleFrame(): void {
    if (this.stopped) return;
    this.frameCallback = this.video.requestVideoFrameCallback((now) => {
      // Rescheduled whatever this frame did: a throw here once ended the loop, and the app with it.
      try {
        this.renderFrame(now);
      } finally {
        this.scheduleFrame();
      }
    });
  }

  private ensureTargets(res: DeviceResources, width: number, height: number): { frame: GPUTexture; output: GPUTexture } {
    if (!res.frame || res.frame.width !== width || res.frame.height !== height) {
      res.frame?.destroy();
      res.output?.destroy();
      const device = res.gpu.device;
      res.frame = device.createTexture({ label: 'camera-frame', size: [width, height], format: 'rgba8unorm', usage: frameTextureUsage() });
      res.output = device.createTexture({ label: 'anonymized-frame', size: [width, height], format: 'rgba8unorm', usage: OUTPUT_USAGE });
      this.canvas.width = width;
      this.canvas.height = height;
    }
    return { frame: res.frame, output: res.output! };
  }

  private renderFrame(now: number): void {
    const res = this.res;
    const { videoWidth: width, videoHeight: height } = this.video;
    if (!res || this.recovering || this.settings.paused || width === 0 || height === 0) return;
    // A CPU import still converting: this frame is dropped, as a busy GPU's are below.
    if (this.importing || this.rendersInFlight >= MAX_RENDERS_IN_FLIGHT) return;
    // Boxes found at one size mean nothing at another (a camera switching modes crops and scales differently).
    if (res.frame && (res.frame.width !== width || res.frame.height !== height)) this.resetTracking();
    const targets = this.ensureTargets(res, width, height);
    let pending: Promise<void> | undefined;
    try {
      pending = res.importer.import(this.video, targets.frame);
    } catch (e) {
      this.frameSkipped(now, e, 'frames-refused');
      return;
    }
    if (!pending) return this.drawOrSkip(res, targets, now);
    this.importing = true;
    pending.then(
      () => {
        if (this.res === res && res.frame === targets.frame && !this.stopped) this.drawOrSkip(res, targets, now);
      },
      (e: unknown) => this.frameSkipped(now, e, 'frames-refused'),
    ).finally(() => {
      this.importing = false;
    });
  }

  /** A throw while drawing (after an asynchronous import it used to be an unhandled rejection) skips the frame. */
  private drawOrSkip(res: DeviceResources, targets: { frame: GPUTexture; output: GPUTexture }, now: number): void {
    try {
      this.drawFrame(res, targets, now);
    } catch (e) {
      this.frameSkipped(now, e, 'draw-failed');
    }
  }

  /**
   * A frame not drawn: Chromium throws when the element has no frame behind it yet ("video element that doesn't
   * have back resource", seen right after a stream or its size changes), or drawing it threw. The canvas keeps its
   * last anonymized frame and the next frame tries again. Past the budget the freeze is no blip: say so.
   */
  private frameSkipped(now: number, e: unknown, kind: 'frames-refused' | 'draw-failed'): void {
    const detail = e instanceof Error ? e.message : String(e);
    console.warn('Frame skipped:', detail);
    this.skippedSinceMs ??= now;
    if (now - this.skippedSinceMs > this.settings.budgetMs && this.error?.kind !== kind) {
      this.error = { kind, detail };
      this.emit();
    }
  }

  /** Everything after the import: detection (async), tracking, the anonymize pass, the canvas. */
  private drawFrame(res: DeviceResources, { frame, output }: { frame: GPUTexture; output: GPUTexture }, now: number): void {
    const device = res.gpu.device;
    const width = frame.width;
    const height = frame.height;
    this.startDetection(frame, now, { width, height });

    const last = this.lastResultCaptureMs;
    const health = {
      ready: this.detector !== null, answered: this.answered, lastResultCaptureMs: last, failing: this.detectorFailing,
      moved: last !== null && this.motion.tripped(last),
    };
    const { maskScale, showBoxes, unseenEdges, budgetMs } = this.settings;
    const { reason, faces, masks, unseen } = planFrame(this.tracker, health, now, { budgetMs, maskScale, unseenEdges }, (tracked) => {
      this.exclusions.keepOnly(tracked);
      const applied = this.exclusions.apply(tracked, maskScale, showBoxes);
      this.shown = applied.shown;
      return applied.masks;
    });
    this.unseen = unseen;
    this.faces = faces;
    const encoder = device.createCommandEncoder({ label: 'render' });
    res.anonymize.encode(encoder, frame, output, {
      masks,
      fullFrame: reason !== null,
      effect: this.settings.effect,
      transparent: this.settings.transparent,
      strength: this.settings.strength,
      shape: this.settings.shape,
      featherPx: 3,
      outlines: this.settings.showBoxes,
    });
    encoder.copyTextureToTexture({ texture: output }, { texture: res.context.getCurrentTexture() }, [width, height]);
    // Judged on later frames: the readback lands a frame or two from now, and this frame may start a detection.
    const pictureSize = lumaSize({ width, height });
    const readPicture = res.picture.encode(encoder, frame, pictureSize);
    device.queue.submit([encoder.finish()]);
    const epoch = this.epoch;
    // A lost device reports itself through device.lost, so a failed read is dropped here.
    readPicture?.().then((data) => {
      if (this.res !== res) return;
      const picture = { ...pictureSize, data };
      if (this.motion.enabled) this.motion.see(now, thumbnailOfPicture(picture));
      if (this.epoch === epoch) this.tracker.see(now, picture);
    }, () => undefined);
    this.rendersInFlight++;
    void device.queue.onSubmittedWorkDone().finally(() => {
      if (this.res !== res) return;
      this.rendersInFlight--;
      this.frameStats.record(performance.now() - now, reason !== null);
    });
    this.skippedSinceMs = null;
    this.clearError('frames-refused');
    this.clearError('draw-failed');
    this.fps.tick(now);
    this.framesDrawn++;
    this.lastFailClosed = reason;
    this.emit();
  }

  /** One detection in flight at a time (newest frame wins), as MediaPipe's flow limiter does. */
  private startDetection(frame: GPUTexture, captureMs: number, size: { width: number; height: number }): void {
    const detector = this.detector;
    const res = this.res;
    if (!detector || this.detecting) return;
    this.detecting = true;
    const epoch = this.epoch;
    const t0 = performance.now();
    const tiles = detector.tileCount(size.width, size.height);
    const perCall = this.tilesPerDetection(tiles);
    const frameLong = Math.max(size.width, size.height);
    const side = this.inputSide.side(frameLong);
    const delay = this.detectionDelayMs;
    const detection = this.faultsToInject > 0
      ? (this.faultsToInject--, Promise.reject(new Error('injected detector fault (test hook)')))
      : detector.detect(frame, perCall, side);
    (delay > 0 ? detection.then((dets) => new Promise<Detection[]>((r) => setTimeout(() => r(dets), delay))) : detection)
      .then((dets) => {
        // The device was lost meanwhile (these boxes belong to the old session), or the picture changed.
        if (this.res !== res || this.epoch !== epoch) return;
        const ms = performance.now() - t0;
        this.tracker.update(dets, captureMs, size);
        this.detections = dets.length;
        this.lastResultCaptureMs = Math.max(this.lastResultCaptureMs ?? captureMs, captureMs);
        this.answered = true;
        this.detectMs.push(ms);
        this.cropMs.push(ms / (1 + Math.min(perCall, tiles)));
        this.inputSide.record(side, ms, frameLong);
        // A face only a tile sees is found once per tile cycle; hold it (with margin) for at least that long.
        if (perCall > 0) this.tracker.holdAtLeast(1.5 * Math.ceil(tiles / perCall) * ms);
        this.detectorFailing = false;
        this.clearError('detector-error');
      })
      .catch((e: unknown) => {
        this.detectorFailing = true;
        this.error = { kind: 'detector-error', detail: e instanceof Error ? e.message : String(e) };
      })
      .finally(() => {
        this.detecting = false;
      });
  }

  private onDeviceLost(gpu: Gpu, info: GPUDeviceLostInfo): void {
    if (this.stopped || this.res?.gpu !== gpu) return;
    this.error = { kind: 'device-lost', detail: `${info.reason}: ${info.message}` };
    this.lastFailClosed = 'gpu-lost';
    this.emit();
    void this.recover();
  }

  /** Rebuilds device, pipelines and session; until then nothing is drawn, so no raw frame can appear. */
  private async recover(): Promise<void> {
    this.recovering = true;
    this.detector = null;
    this.detecting = false;
    this.rendersInFlight = 0;
    this.lastResultCaptureMs = null;
    this.answered = false;
    this.tracker.reset();
    this.motion.reset();
    this.res = null;
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        this.res = await this.createResources();
        break;
      } catch (e) {
        this.error = toAppError(e);
        this.emit();
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
      }
    }
    this.recovering = false;
    this.clearError('device-lost');
    await this.startDetector();
  }

  private clearError(kind: AppError['kind']): void {
    if (this.error?.kind === kind) this.error = null;
  }

  private fail(error: AppError): void {
    this.error = error;
    this.emit();
  }

  private state(): VeilState {
    if (!this.res) return this.error && !this.recovering ? 'error' : 'starting';
    if (this.lastFailClosed === 'detector-starting' && this.lastResultCaptureMs === null) {
      return this.error?.kind === 'model-load' ? 'error' : 'starting';
    }
    return this.lastFailClosed ? 'fail-closed' : 'running';
  }

  /** The model, and for a model of free size the input side live mode picked for the newest frame. */
  private modelLabel(detector: FaceDetector): string {
    const spec = detector.model.spec;
    const frame = this.res?.frame;
    return spec.input.kind === 'free' && frame ? `${spec.name} ${this.inputSide.side(Math.max(frame.width, frame.height))} px` : spec.name;
  }

  private emit(): void {
    const provider = this.detector ? `${this.modelLabel(this.detector)} on ${this.detector.model.provider}` : 'loading';
    this.onStatus({
      state: this.state(),
      adapter: this.res?.gpu.description ?? '',
      frameImport: this.res?.importer.path ?? '',
      provider: this.providerNote ? `${provider} (${this.providerNote})` : provider,
      fps: this.fps.perSecond,
      frames: this.framesDrawn,
      detectorMs: this.detectMs.value,
      faces: this.faces.length,
      shown: this.shown,
      detections: this.detections,
      unseen: this.unseen,
      failClosed: this.recovering ? 'gpu-lost' : this.lastFailClosed,
      error: this.error,
    });
  }

  /** Test and debugging hook: simulates a lost GPU (issue: GPU loss recovery). */
  loseDevice(): void {
    this.res?.gpu.device.destroy();
  }

  /** Leaves the face under a point (frame pixels) unblurred, or blurs it again; false when no face is there. */
  toggleFaceAt(x: number, y: number): boolean {
    const face = this.exclusions.toggleAt(x, y, this.faces, this.settings.maskScale);
    this.emit();
    return face !== null;
  }

  /** Blurs every face again. */
  clearExclusions(): void {
    this.exclusions.clear();
    this.emit();
  }

  /** Test hook: the next `count` detections throw, as a broken model or driver would. */
  injectDetectorFaults(count: number): void {
    this.faultsToInject = count;
  }

  /** Test hook: each detection's result is used `ms` later, as on a GPU whose detections lag the picture more. */
  slowDetections(ms: number): void {
    this.detectionDelayMs = ms;
  }

  /** Frame statistics since the previous call, and the GPU objects alive now (for soak runs). */
  takeStats(): LiveStats {
    return { ...this.frameStats.take(), gpuObjects: this.census.alive() };
  }

  /** A new source starts with no tracks: boxes from the old one mean nothing there. */
  resetTracking(): void {
    this.tracker.reset();
    this.motion.reset();
    this.lastResultCaptureMs = null;
    this.epoch++;
  }

  stop(): void {
    this.stopped = true;
    this.video.cancelVideoFrameCallback(this.frameCallback);
    this.detector?.destroy();
    void this.detector?.model.release();
    this.res?.anonymize.destroy();
    this.res?.picture.destroy();
    this.res?.frame?.destroy();
    this.res?.output?.destroy();
    this.res?.gpu.device.destroy();
    this.res = null;
  }
}
