import { FaceDetector } from '../../src/detect/detector';
import type { FaceModel } from '../../src/detect/model';
import { NO_TILES, DEFAULT_TILE_PLAN } from '../../src/detect/tiling';
import { Tracker } from '../../src/track/tracker';
import { lumaSize } from '../../src/track/patch-motion';
import { ThumbnailPass } from '../../src/track/thumbnail-pass';
import { AnonymizePass } from '../../src/render/anonymize-pass';
import { DEFAULT_FEATHER_PX } from '../../src/render/anonymize-plan';
import { planFrame } from '../../src/app/frame-plan';
import { DEFAULT_SETTINGS } from '../../src/app/settings';
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
  const { width, height } = source;
  const clock = new StageClock<PipelineStage>(device, {
    timestamps: o.timestamps,
    gpuSpans: model.provider === 'webgpu' ? ['inference'] : [],
  });
  const tiles = o.tilesPerFrame > 0 ? DEFAULT_TILE_PLAN : NO_TILES;
  const inputSide = o.inputSide === undefined ? undefined : Math.min(o.inputSide, Math.max(width, height));
  const detector = new FaceDetector(device, model, { tiles, inputSide }, clock);
  const { width: inW, height: inH } = detector.crops(width, height)[0]!.input;
  const cropsPerFrame = 1 + Math.min(o.tilesPerFrame, detector.tileCount(width, height));
  const tracker = new Tracker();
  const picture = new ThumbnailPass(device);
  const pictureSize = lumaSize(source);
  const anonymize = new AnonymizePass(device);
  const frame = device.createTexture({
    label: 'bench-frame',
    size: [width, height],
    format: 'rgba8unorm',
    usage: frameTextureUsage(),
  });
  const output = device.createTexture({
    label: 'bench-output',
    size: [width, height],
    format: 'rgba8unorm',
    usage: GPUTextureUsage.STORAGE_BINDING,
  });
  const interval = o.frameIntervalMs ?? 40;
  const perStage = new Map<PipelineStage, { ms: number[]; kind: StageKind }>();
  const [endToEnd, detect, faces, detections] = [[], [], [], []] as number[][];
  const s = DEFAULT_SETTINGS;
  try {
    for (let i = 0; i < o.warmup + o.frames; i++) {
      const clipMs = i * interval;
      clock.frameStart();
      const t0 = performance.now();
      const upload = () => source.upload(i % source.count, frame);
      await (source.convertsOnCpu ? clock.waited('import', upload) : clock.queued('import', upload));
      const dets = await detector.detect(frame, o.tilesPerFrame);
      const tDetected = performance.now();
      // Live mode makes each frame's picture beside its render and reads it back without waiting; here the read is
      // awaited outside the timed stages, and the tracker's search of it is part of 'track'.
      const pending: { read: (() => Promise<Float32Array>) | null } = { read: null };
      await clock.queued('picture', (encoder) => {
        pending.read = picture.encode(encoder, frame, pictureSize);
      });
      const cells = await pending.read?.();
      clock.mark('track', 'begin');
      tracker.update(dets, clipMs, source);
      if (cells) tracker.see(clipMs, { ...pictureSize, data: cells });
      // Live mode's cover for this frame; its detection is this frame's own, so never too old.
      const plan = planFrame(
        tracker,
        { ready: true, answered: true, lastResultCaptureMs: clipMs, failing: false },
        clipMs,
        s,
      );
      clock.mark('track', 'end');
      await clock.queued('anonymize', (encoder) =>
        anonymize.encode(encoder, frame, output, {
          masks: plan.masks,
          fullFrame: plan.reason !== null,
          effect: s.effect,
          strength: s.strength,
          shape: s.shape,
          featherPx: DEFAULT_FEATHER_PX,
          outlines: false,
        }),
      );
      await device.queue.onSubmittedWorkDone();
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
        o.log(`  ${width}x${height} ${model.provider}: frame ${i - o.warmup + 1}/${o.frames}`);
    }
  } finally {
    frame.destroy();
    output.destroy();
    anonymize.destroy();
    picture.destroy();
    detector.destroy();
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
    provider: model.provider,
    importKind: source.importKind,
    frames: o.frames,
    warmup: o.warmup,
    tilesPerFrame: o.tilesPerFrame,
    cropsPerFrame,
    model: model.spec.name,
    input: `${inW}x${inH}`,
    timestamps: clock.timestamps,
    stages,
    detect: summarize(detect),
    endToEnd: summarize(endToEnd),
    faces: summarize(faces),
    detections: summarize(detections),
  };
}
