import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import preprocessWgsl from '../../src/detect/preprocess.wgsl?raw';
import { PreprocessPass, tensorBytes } from '../../src/detect/preprocess-pass';
import { BufferPool } from '../../src/gpu/buffer-pool';
import { readBuffer, uploadRgba } from '../../src/gpu/readback';
import { decodeOutputs, type Candidate } from '../../src/detect/decode';
import { decodeFloor, mergeCrops, type DetectorOptions } from '../../src/detect/detector';
import type { FaceModel, ModelSpec } from '../../src/detect/model';
import { planCrops, type Crop } from '../../src/detect/tiling';
import type { Detection } from '../../src/core/types';
import { nodeModelPath, openNodeModel } from '../../src/testing/node-model';
import { videoFrames } from './eval-video-frames';

/**
 * One crop through the app's detector stages, as FaceDetector's wasm path runs it: PreprocessPass (WGSL) into a
 * tensor, read back, ORT wasm, decodeOutputs. FaceDetector.detect() does this for every crop and merges; the eval
 * needs the crops one by one to cache them. eval-video.gpu.test.ts checks that merging them equals detect().
 */
export class CropRunner {
  readonly #preprocess: PreprocessPass;
  readonly #inputs: BufferPool;

  readonly #device: GPUDevice;
  readonly #model: FaceModel;
  readonly #threshold: number;

  constructor(device: GPUDevice, model: FaceModel, threshold: number) {
    this.#device = device;
    this.#model = model;
    this.#threshold = threshold;
    this.#preprocess = new PreprocessPass(device, model.spec.format);
    this.#inputs = new BufferPool(device, 'eval-video-input', GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
  }

  async run(frame: GPUTexture, crop: Crop): Promise<Candidate[]> {
    const bytes = tensorBytes(crop.input);
    this.#inputs.reset();
    const input = this.#inputs.take(bytes);
    // Compiled off the thread that submits (CompiledPipeline): a crop waits for it, which costs nothing once it is.
    await this.#preprocess.ready;
    const encoder = this.#device.createCommandEncoder({ label: 'eval-video-preprocess' });
    this.#preprocess.encode(encoder, frame, crop.rect, crop.input, input);
    this.#device.queue.submit([encoder.finish()]);
    const tensor = await readBuffer(this.#device, input, bytes);
    const raw = await this.#model.runCpu(new Float32Array(tensor), crop.input);
    return decodeOutputs(this.#model.spec, raw, crop.input, this.#threshold);
  }

  destroy(): void {
    this.#inputs.destroy();
    this.#preprocess.destroy();
  }
}

/**
 * Which tiles each detection runs when a call takes at most `perCall` of them, as FaceDetector.detect(frame,
 * maxTiles) picks them: all when they fit, else the next `perCall` in turn, round robin across calls.
 */
export function rotateTiles(tiles: number, perCall: number, calls: number): number[][] {
  if (tiles <= perCall) return Array.from({ length: calls }, () => Array.from({ length: tiles }, (_, i) => i));
  let next = 0;
  return Array.from({ length: calls }, () => {
    const picked = Array.from({ length: Math.max(0, perCall) }, (_, i) => (next + i) % tiles);
    next = (next + picked.length) % tiles;
    return picked;
  });
}

/**
 * Candidates are cached down to this score, so the detector's thresholds can change without rerunning the model
 * (YuNet keeps tall boxes from 0.06).
 */
export const CACHE_FLOOR = 0.05;
/** Bump when anything between the frame and a crop's candidates changes in a way the fingerprint does not see. */
const CACHE_VERSION = 2;

interface CachedCrop {
  /** Milliseconds this crop took when it was run (preprocess, readback, model, decode). */
  ms: number;
  c: Candidate[];
}

interface CacheFile {
  version: number;
  clip: string;
  /** crop key "x,y,w,h" -> frame index -> result. */
  crops: Record<string, Record<string, CachedCrop>>;
}

const sha256 = (...parts: (string | Uint8Array)[]) => {
  const h = createHash('sha256');
  parts.forEach((p) => h.update(p));
  return h.digest('hex');
};

const cropKey = ({ rect: r, input }: Crop) => `${r.x},${r.y},${r.w},${r.h}@${input.width}x${input.height}`;

/**
 * Per-crop candidates of one clip, on disk: one file per (clip bytes, model bytes, preprocess shader, floor).
 * Tracker experiments then replay a clip in well under a second.
 */
export class CropCache {
  #data: CacheFile;
  #dirty = 0;

  // ECMAScript has no private constructors: TypeScript's keeps every caller on open(), which reads the cache.
  private constructor(
    readonly path: string,
    clip: string,
  ) {
    this.#data = { version: CACHE_VERSION, clip, crops: {} };
    if (existsSync(path)) {
      try {
        const d = JSON.parse(readFileSync(path, 'utf8')) as CacheFile;
        if (d.version === CACHE_VERSION) this.#data = d;
      } catch {
        // A torn or foreign file is rebuilt.
      }
    }
  }

  /** `dir` undefined: a cache that forgets everything (nothing read or written). */
  static open(dir: string | undefined, clipPath: string, spec: ModelSpec): CropCache {
    if (dir === undefined) return new CropCache('', basename(clipPath));
    const key = sha256(
      String(CACHE_VERSION),
      readFileSync(clipPath),
      readFileSync(nodeModelPath(spec)),
      preprocessWgsl,
      JSON.stringify(spec.format),
      String(CACHE_FLOOR),
    );
    mkdirSync(dir, { recursive: true });
    return new CropCache(
      join(dir, `${basename(clipPath).replace(/\.[^.]*$/, '')}-${key.slice(0, 16)}.json`),
      basename(clipPath),
    );
  }

  get(crop: Crop, frame: number): CachedCrop | undefined {
    return this.#data.crops[cropKey(crop)]?.[frame];
  }

  set(crop: Crop, frame: number, value: CachedCrop): void {
    (this.#data.crops[cropKey(crop)] ??= {})[frame] = value;
    this.#dirty++;
  }

  /** Writes the file if anything changed (atomically: a killed run leaves the old file or the new one). */
  save(): void {
    if (!this.path || this.#dirty === 0) return;
    writeFileSync(`${this.path}.tmp`, JSON.stringify(this.#data));
    renameSync(`${this.path}.tmp`, this.path);
    this.#dirty = 0;
  }

  get unsaved(): number {
    return this.#dirty;
  }
}

export interface ClipDetectOptions {
  spec: ModelSpec;
  detector: DetectorOptions;
  /** Frames the detector looks at, in increasing order. */
  frames: readonly number[];
  /** Tiles per detection (Infinity: all), rotated across detections as live mode does. */
  tilesPerDetection: number;
  /** Cache directory; undefined runs every crop afresh and keeps nothing. */
  cacheDir?: string;
  onProgress?: (done: number, total: number) => void;
}

export interface ClipDetections {
  /** Frame index -> the detector's merged answer for that frame. */
  byFrame: Map<number, Detection[]>;
  /** Crops per detection: the whole frame plus the tiles it ran. */
  cropsPerDetection: number;
  tiles: number;
  /** Mean ms of one detection (its crops' measured times), and model runs done now (cache misses). */
  msPerDetection: number;
  ran: number;
}

/**
 * The detector's answers for a clip's detected frames, as live mode would get them: every detection runs the
 * whole frame and its share of the tiles, and the crops' candidates are merged by the app's mergeCrops (one NMS).
 * Only crops missing from the cache are run; the video is decoded (ffmpeg) and the model loaded only then.
 */
export async function detectClip(
  clipPath: string,
  size: { width: number; height: number },
  o: ClipDetectOptions,
): Promise<ClipDetections> {
  // The cache holds nothing below its floor: a detector that keeps lower scores would silently miss them.
  if (decodeFloor(o.detector) < CACHE_FLOOR)
    throw new RangeError(`eval:video: scores below ${CACHE_FLOOR} are not cached`);
  const crops = planCrops(o.spec, size.width, size.height, o.detector.tiles, o.detector.inputSide);
  const tiles = crops.length - 1;
  const picks = rotateTiles(tiles, o.tilesPerDetection, o.frames.length);
  const plan = new Map<number, Crop[]>(
    o.frames.map((f, j) => [f, [crops[0]!, ...picks[j]!.map((t) => crops[1 + t]!)]]),
  );
  const cache = CropCache.open(o.cacheDir, clipPath, o.spec);
  const missing = new Map<number, Crop[]>();
  for (const [f, cs] of plan) {
    const m = cs.filter((c) => !cache.get(c, f));
    if (m.length > 0) missing.set(f, m);
  }
  const total = [...missing.values()].reduce((n, m) => n + m.length, 0);
  let ran = 0;
  if (total > 0) {
    const { device, model } = await openNodeModel(o.spec);
    const runner = new CropRunner(device, model, CACHE_FLOOR);
    try {
      let i = 0;
      for await (const img of videoFrames(clipPath, size)) {
        const todo = missing.get(i++);
        if (!todo) continue;
        const frame = uploadRgba(device, img, GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST);
        try {
          for (const c of todo) {
            const t0 = performance.now();
            const candidates = await runner.run(frame, c);
            cache.set(c, i - 1, { ms: performance.now() - t0, c: candidates });
            ran++;
            o.onProgress?.(ran, total);
          }
        } finally {
          frame.destroy();
        }
        if (cache.unsaved >= 50) cache.save();
        if (ran === total) break; // the rest of the clip is cached (or not needed)
      }
    } finally {
      cache.save();
      runner.destroy();
      await model.release();
      device.destroy();
    }
    if (ran < total) throw new Error(`eval:video: ${clipPath} decoded to fewer frames than the ground truth lists`);
  }
  const byFrame = new Map<number, Detection[]>();
  let ms = 0;
  for (const [f, cs] of plan) {
    const perCrop = cs.map((c) => {
      const hit = cache.get(c, f)!;
      ms += hit.ms;
      return hit.c.filter((k) => k.score >= decodeFloor(o.detector));
    });
    byFrame.set(f, mergeCrops(perCrop, cs, size, o.detector));
  }
  return {
    byFrame,
    tiles,
    ran,
    cropsPerDetection: plan.size > 0 ? [...plan.values()].reduce((n, cs) => n + cs.length, 0) / plan.size : 0,
    msPerDetection: plan.size > 0 ? ms / plan.size : 0,
  };
}
