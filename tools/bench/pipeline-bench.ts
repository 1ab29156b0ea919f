import { FaceDetector, liveDetectorOptions } from '../../src/detect/detector';
import type { FaceModel, ModelSpec } from '../../src/detect/model';
import { NO_TILES, type TilePlan } from '../../src/detect/tiling';
import type { Detection } from '../../src/core/types';
import { Tracker } from '../../src/track/tracker';
import { lumaSize } from '../../src/track/patch-motion';
import { ThumbnailPass } from '../../src/track/thumbnail-pass';
import { AnonymizePass } from '../../src/render/anonymize-pass';
import { DEFAULT_FEATHER_PX, type AnonymizeParams } from '../../src/render/anonymize-plan';
import { planFrame } from '../../src/app/frame-plan';
import { DEFAULT_SETTINGS } from '../../src/app/settings';
import { trustBudget } from '../../src/app/trust-budget';
import { frameTextureUsage } from '../../src/gpu/frame-import';
import { StageClock, type StageKind } from './stage-clock';
import { summarize, type Summary } from './stats';

/** Every stage of a frame, in the order the frame goes through them. */
export const PIPELINE_STAGES = [
  'import',
  'preprocess',
  'readback',
  'inference',
  'decode',
  'nms',
  'picture',
  'track',
  'anonymize',
] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

/** Frames of real footage, already at the bench's size; the host knows how to bring one onto the GPU. */
export interface FrameSource {
  readonly width: number;
  readonly height: number;
  /** Distinct frames; the bench cycles through them. */
  readonly count: number;
  /** What the import stage does (live mode's FrameImporter in a browser, writeTexture in Node). */
  readonly importKind: string;
  /** Whether upload converts on the CPU first (and returns a promise): then the stage is timed by wall clock. */
  readonly convertsOnCpu: boolean;
  upload(index: number, texture: GPUTexture): Promise<void> | undefined;
}

export interface PipelineBenchOptions {
  frames: number;
  warmup: number;
  /**
   * Tiles run besides the whole frame in each detection, taken in turn as live mode spreads them over frames
   * (0: the whole frame only, Infinity: every tile every frame).
   */
  tilesPerFrame: number;
  /** A free-size model's input long side, never past the frame's as in live mode; undefined: the frame's own. */
  inputSide?: number;
  /** Use timestamp queries (the device has 'timestamp-query'); otherwise GPU stages are timed by wall clock or not at all. */
  timestamps: boolean;
  /** Clip time between frames, for the tracker (the demo clip's 25 fps). */
  frameIntervalMs?: number;
  log?: (line: string) => void;
}

export interface StageSummary extends Summary {
  kind: StageKind;
}

export interface PipelineBenchResult {
  width: number;
  height: number;
  /** What drew: WebGPU's compute passes, or WebGL2's fragment passes with the detector on the CPU. */
  backend: PipelineHost['backend'];
  provider: FaceModel['provider'];
  importKind: string;
  frames: number;
  warmup: number;
  tilesPerFrame: number;
  cropsPerFrame: number;
  model: FaceModel['spec']['name'];
  /** The whole frame's input to the model, width x height. */
  input: string;
  timestamps: boolean;
  stages: Partial<Record<PipelineStage, StageSummary>>;
  /** Wall time of import plus detect(): what a peer detector's send() is compared with. */
  detect: Summary;
  /** Wall time of the whole frame, import to the anonymized frame done on the GPU (timestamp readback excluded). */
  endToEnd: Summary;
  /** Faces blurred per frame (tracked), and found by the detector. */
  faces: Summary;
  detections: Summary;
}

/**
 * One backend's stages as the bench drives them: each method does its stage's work (timed through the clock it was
 * made with) and settles when the stage is done.
 */
export interface PipelineHost {
  readonly backend: 'webgpu' | 'webgl';
  readonly importKind: string;
  /** The whole frame's model input, and model runs a frame. */
  readonly input: { width: number; height: number };
  readonly cropsPerFrame: number;
  importFrame(index: number): Promise<void>;
  detect(tilesPerFrame: number): Promise<Detection[]>;
  /** The tracker's picture of the frame (awaited outside the timed stages where the backend reads it later). */
  picture(): Promise<Float32Array | null>;
  anonymize(params: AnonymizeParams): Promise<void>;
  destroy(): void;
}

/**
 * Runs the live path on every frame, without the live loop's skipping: import -> FaceDetector (detection every
 * frame) -> the tracker's picture (ThumbnailPass) -> Tracker -> AnonymizePass with the app's default effect, each stage timed through a StageClock. One
 * frame at a time, the next one starting when the previous has finished on the GPU, so stage times do not
 * overlap. Stages a provider does not have (readback with WebGPU inference) are left out of the result.
 */
export async function runPipelineBench(
  device: GPUDevice,
  model: FaceModel,
  source: FrameSource,
  o: PipelineBenchOptions,
): Promise<PipelineBenchResult> {
  const clock = new StageClock<PipelineStage>(device, {
    timestamps: o.timestamps,
    gpuSpans: model.provider === 'webgpu' ? ['inference'] : [],
  });
  const detector = await FaceDetector.create(device, model, benchDetectorOptions(model.spec, source, o), clock);
  const host = new WebGpuHost(device, detector, await AnonymizePass.create(device), source, clock, o);
  return benchLoop(clock, host, model, source, o);
}

/** The live path on WebGPU: FrameImporter or writeTexture, FaceDetector, ThumbnailPass, AnonymizePass. */
class WebGpuHost implements PipelineHost {
  readonly backend = 'webgpu';
  readonly importKind: string;
  readonly input: { width: number; height: number };
  readonly cropsPerFrame: number;
  readonly #device: GPUDevice;
  readonly #source: FrameSource;
  readonly #clock: StageClock<PipelineStage>;
  readonly #detector: FaceDetector;
  readonly #picture: ThumbnailPass;
  readonly #anonymize: AnonymizePass;
  readonly #frame: GPUTexture;
  readonly #output: GPUTexture;

  constructor(
    device: GPUDevice,
    detector: FaceDetector,
    anonymize: AnonymizePass,
    source: FrameSource,
    clock: StageClock<PipelineStage>,
    o: PipelineBenchOptions,
  ) {
    const { width, height } = source;
    this.#device = device;
    this.#source = source;
    this.#clock = clock;
    this.importKind = source.importKind;
    this.#detector = detector;
    this.input = this.#detector.crops(width, height)[0]!.input;
    this.cropsPerFrame = 1 + Math.min(o.tilesPerFrame, this.#detector.tileCosts(width, height).length);
    this.#picture = new ThumbnailPass(device);
    this.#anonymize = anonymize;
    this.#frame = device.createTexture({
      label: 'bench-frame',
      size: [width, height],
      format: 'rgba8unorm',
      usage: frameTextureUsage(),
    });
    this.#output = device.createTexture({
      label: 'bench-output',
      size: [width, height],
      format: 'rgba8unorm',
      usage: GPUTextureUsage.STORAGE_BINDING,
    });
  }

  importFrame(index: number): Promise<void> {
    const upload = () => this.#source.upload(index % this.#source.count, this.#frame);
    return this.#source.convertsOnCpu ? this.#clock.waited('import', upload) : this.#clock.queued('import', upload);
  }

  detect(tilesPerFrame: number): Promise<Detection[]> {
    return this.#detector.detect(this.#frame, tilesPerFrame);
  }

  async picture(): Promise<Float32Array | null> {
    // Live mode makes each frame's picture beside its render and reads it back without waiting; here the read is
    // awaited outside the timed stages.
    const pending: { read: (() => Promise<Float32Array>) | null } = { read: null };
    await this.#picture.ready(lumaSize(this.#source));
    await this.#clock.queued('picture', (encoder) => {
      pending.read = this.#picture.encode(encoder, this.#frame, lumaSize(this.#source))?.read ?? null;
    });
    return (await pending.read?.()) ?? null;
  }

  async anonymize(params: AnonymizeParams): Promise<void> {
    await this.#clock.queued('anonymize', (encoder) =>
      this.#anonymize.encode(encoder, this.#frame, this.#output, params),
    );
    await this.#device.queue.onSubmittedWorkDone();
  }

  destroy(): void {
    this.#frame.destroy();
    this.#output.destroy();
    this.#anonymize.destroy();
    this.#picture.destroy();
    this.#detector.destroy();
  }
}

/**
 * The detector's tiles and input side as the bench options give them, the side never past the frame's. Tiles are
 * live mode's for the model: BlazeFace's grid, YuNet's upscaled look.
 */
export function benchDetectorOptions(
  spec: ModelSpec,
  size: { width: number; height: number },
  o: Pick<PipelineBenchOptions, 'tilesPerFrame' | 'inputSide'>,
): { tiles: TilePlan; inputSide: number | undefined } {
  return {
    tiles: o.tilesPerFrame > 0 ? liveDetectorOptions(spec).tiles : NO_TILES,
    inputSide: o.inputSide === undefined ? undefined : Math.min(o.inputSide, Math.max(size.width, size.height)),
  };
}

/** The frames through `host`, timed by `clock`: what every backend's row of the table is made of. */
export async function benchLoop(
  clock: StageClock<PipelineStage>,
  host: PipelineHost,
  model: FaceModel,
  size: { width: number; height: number },
  o: PipelineBenchOptions,
): Promise<PipelineBenchResult> {
  const { width, height } = size;
  const tracker = new Tracker();
  const pictureSize = lumaSize(size);
  const interval = o.frameIntervalMs ?? 40;
  const perStage = new Map<PipelineStage, { ms: number[]; kind: StageKind }>();
  const [endToEnd, detect, faces, detections] = [[], [], [], []] as number[][];
  const s = DEFAULT_SETTINGS;
  try {
    for (let i = 0; i < o.warmup + o.frames; i++) {
      const clipMs = i * interval;
      clock.frameStart();
      const t0 = performance.now();
      await host.importFrame(i);
      const dets = await host.detect(o.tilesPerFrame);
      const tDetected = performance.now();
      const cells = await host.picture();
      clock.mark('track', 'begin');
      tracker.update(dets, clipMs, size);
      if (cells) tracker.see(clipMs, { ...pictureSize, data: cells });
      // Live mode's cover for this frame; its detection is this frame's own, so never too old.
      const plan = planFrame(
        tracker,
        { ready: true, answered: true, lastResultCaptureMs: clipMs, failing: false },
        clipMs,
        { ...s, budgetMs: trustBudget(s.budgetMs, Number.NaN) },
      );
      clock.mark('track', 'end');
      await host.anonymize({
        masks: plan.masks,
        fullFrame: plan.reason !== null,
        effect: s.effect,
        strength: s.strength,
        shape: s.shape,
        featherPx: DEFAULT_FEATHER_PX,
        outlines: false,
      });
      const t1 = performance.now();
      const stages = await clock.frameEnd();
      if (i < o.warmup) continue;
      endToEnd.push(t1 - t0);
      detect.push(tDetected - t0);
      faces.push(plan.faces.length);
      detections.push(dets.length);
      for (const [stage, t] of stages) {
        const entry = perStage.get(stage) ?? { ms: [], kind: t.kind };
        entry.ms.push(t.ms);
        perStage.set(stage, entry);
      }
      if (o.log && (i - o.warmup) % 25 === 24)
        o.log(`  ${width}x${height} ${host.backend} ${model.provider}: frame ${i - o.warmup + 1}/${o.frames}`);
    }
  } finally {
    host.destroy();
    clock.destroy();
  }
  const stages: PipelineBenchResult['stages'] = {};
  for (const stage of PIPELINE_STAGES) {
    const entry = perStage.get(stage);
    if (entry) stages[stage] = { ...summarize(entry.ms), kind: entry.kind };
  }
  return {
    width,
    height,
    backend: host.backend,
    provider: model.provider,
    importKind: host.importKind,
    frames: o.frames,
    warmup: o.warmup,
    tilesPerFrame: o.tilesPerFrame,
    cropsPerFrame: host.cropsPerFrame,
    model: model.spec.name,
    input: `${host.input.width}x${host.input.height}`,
    timestamps: clock.timestamps,
    stages,
    detect: summarize(detect),
    endToEnd: summarize(endToEnd),
    faces: summarize(faces),
    detections: summarize(detections),
  };
}
