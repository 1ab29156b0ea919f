import type * as Ort from 'onnxruntime-web/webgpu';
import { BLAZEFACE_BACK_256_ANCHORS, BLAZEFACE_FRONT_128_ANCHORS, type AnchorSpec } from './anchors';

export type Provider = 'webgpu' | 'wasm';

/** The model could not be fetched or parsed: the UI says so and keeps the frame fully blurred. */
export class ModelLoadError extends Error {
  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`The face model ${url} could not be loaded: ${reason}`);
    this.name = 'ModelLoadError';
  }
}

/** How a crop of the frame becomes the model's input: tensor value = texel (0..1) * scale + offset. */
export interface TensorFormat {
  layout: 'nhwc' | 'nchw';
  order: 'rgb' | 'bgr';
  scale: number;
  offset: number;
}

/**
 * The input sizes a model takes. `fixed`: one square (the whole frame is letterboxed into it). `free`: any width
 * and height that are multiples of `multiple`; the whole frame keeps its aspect, scaled to a chosen long side and
 * padded bottom and right with zeros (as the model was trained), never larger than `maxSide`.
 */
export type InputRule = { kind: 'fixed'; side: number } | { kind: 'free'; multiple: number; maxSide: number };

/**
 * How the outputs are read. `anchors`: SSD anchors (BlazeFace): a score logit per anchor and box regressors
 * offset from it, one score then one box output per grid. `strides`: an anchor-free grid per stride (YuNet):
 * cls and obj already through a sigmoid, score = cls * obj; outputs cls, obj, bbox, kps, each per stride.
 */
export type ModelHead = { kind: 'anchors'; anchors: AnchorSpec } | { kind: 'strides'; strides: readonly number[] };

/**
 * Which candidates a model's detections keep, picked per model on the dev set: from `threshold` up, or, for a box
 * at least `tallPx` input pixels tall, from `tallThreshold` up (large faces a single threshold misses are mostly
 * cut by the border, in profile or occluded, and score low).
 */
export interface ScoreRule {
  threshold: number;
  tallPx: number;
  tallThreshold: number;
}

/**
 * Live mode's keep rule, where a tracker holds what a detection found and each face is looked for ten times a
 * second: a lower `threshold`, and from `edge.threshold` for a box within `edge.band` of its size from a border
 * (faces the border cuts while the camera pans score lowest). Picked with `npm run eval:video` on the motion clips.
 */
export interface LiveRule {
  threshold: number;
  edge: { threshold: number; band: number };
}

export type ModelName = 'yunet' | 'blazeface';

/** Everything the detector needs to know of a single-shot face model: preprocess, decode and NMS follow it. */
export interface ModelSpec {
  name: ModelName;
  /** The file the app loads, under public/. */
  url: string;
  /** The original it was derived from (tests check both compute the same), or `url` itself. */
  source: string;
  input: InputRule;
  format: TensorFormat;
  head: ModelHead;
  /** Output names in the order the decoders read them. */
  outputs: readonly string[];
  /** Keypoints per face (x, y pairs in a Record's 12 slots). */
  keypoints: number;
  score: ScoreRule;
  live: LiveRule;
  /**
   * On video, a model of free size also looks at the whole frame this many times larger, as a tile
   * (TilePlan.upscale): faces blurred by motion, in profile, in shadow or half hidden that it misses at the frame's
   * own size it finds larger. Live mode takes the look where the machine has time for it (DetectSchedule), recorded
   * video on every frame. Photos do not: there the look's false boxes cost more than the faces it adds
   * (docs/evaluation.md), where in video a tracker lets go of a one-off box.
   */
  videoUpscale: number;
  /** Its defaults run tiles besides the whole frame (BlazeFace's small input misses small faces without them). */
  tiled: boolean;
}

/** No lower threshold for tall boxes. */
const NO_TALL = { tallPx: Infinity, tallThreshold: 1 };

const BLAZEFACE = {
  name: 'blazeface',
  format: { layout: 'nhwc', order: 'rgb', scale: 2, offset: -1 },
  outputs: ['Identity:0', 'Identity_1:0', 'Identity_2:0', 'Identity_3:0'],
  keypoints: 6,
  score: { threshold: 0.3, ...NO_TALL },
  live: { threshold: 0.3, edge: { threshold: 0.1, band: 0.3 } },
  videoUpscale: 1,
  tiled: true,
} as const satisfies Partial<ModelSpec>;

/**
 * The BlazeFace the app loads: the original with a free batch dimension (tools/batch-model.py), so that the frame
 * and all its tiles take one run.
 */
export const BLAZEFACE_BACK_256: ModelSpec = {
  ...BLAZEFACE,
  url: 'models/face_detection_back_256x256_batch.onnx',
  source: 'models/face_detection_back_256x256_barracuda.onnx',
  input: { kind: 'fixed', side: 256 },
  head: { kind: 'anchors', anchors: BLAZEFACE_BACK_256_ANCHORS },
};
export const BLAZEFACE_FRONT_128: ModelSpec = {
  ...BLAZEFACE,
  url: 'models/face_detection_front_128x128_batch.onnx',
  source: 'models/face_detection_front_128x128_barracuda.onnx',
  input: { kind: 'fixed', side: 128 },
  head: { kind: 'anchors', anchors: BLAZEFACE_FRONT_128_ANCHORS },
};

const YUNET_STRIDES = [8, 16, 32] as const;

/**
 * YuNet-n (libfacedetection.train, Apache-2.0; public/models/NOTICE-yunet.txt): BGR 0..255 NCHW, any size in
 * multiples of 32. Its score rule was chosen with `npm run eval` on the whole WIDER dev set at the native size.
 */
export const YUNET_N: ModelSpec = {
  name: 'yunet',
  url: 'models/yunet_n_dynamic.onnx',
  source: 'models/yunet_n_dynamic.onnx',
  input: { kind: 'free', multiple: 32, maxSide: 1920 },
  format: { layout: 'nchw', order: 'bgr', scale: 255, offset: 0 },
  head: { kind: 'strides', strides: YUNET_STRIDES },
  outputs: ['cls', 'obj', 'bbox', 'kps'].flatMap((kind) => YUNET_STRIDES.map((s) => `${kind}_${s}`)),
  keypoints: 5,
  score: { threshold: 0.25, tallPx: 64, tallThreshold: 0.06 },
  live: { threshold: 0.1, edge: { threshold: 0.05, band: 0.3 } },
  videoUpscale: 2,
  tiled: false,
};

/** The models a user can pick (`?model=`, `--model`), the default first. */
export const MODELS: Readonly<Record<ModelName, ModelSpec>> = { yunet: YUNET_N, blazeface: BLAZEFACE_BACK_256 };
export const DEFAULT_MODEL: ModelName = 'yunet';

export function isModelName(name: string): name is ModelName {
  return Object.hasOwn(MODELS, name);
}

/** A model input's width and height in pixels. */
export interface InputSize {
  width: number;
  height: number;
}

/** Raw outputs of one crop, in ModelSpec.outputs order. */
export type CpuOutputs = Float32Array[];
/** Output buffers of a batch, in ModelSpec.outputs order, the crops' outputs back to back in each. */
export interface GpuOutputs {
  buffers: GPUBuffer[];
  release(): void;
}

type OrtRuntime = typeof Ort;

// Two builds of onnxruntime-web, loaded only when used: the plain wasm build runs BlazeFace about 3x faster on the
// CPU than the WebGPU build's (asyncify) wasm, measured in Chromium here (86 vs 250 ms on a 2-core machine).
const RUNTIMES: Record<Provider, () => Promise<OrtRuntime>> = {
  wasm: () => import('onnxruntime-web/wasm'),
  webgpu: () => import('onnxruntime-web/webgpu'),
};

export interface OrtSetup {
  /** URL prefix of onnxruntime-web's wasm runtimes (the browser loads them from our own origin). */
  wasmPaths?: string;
  /** The wasm runtime itself, where the page may not fetch it (the browser extension hands it over). */
  wasmBinary?: Uint8Array;
  /**
   * Run the wasm provider in onnxruntime-web's own worker (its proxy), so that a detection does not hold the page's
   * thread and frames keep being drawn meanwhile. Only where onnxruntime-web's script is a chunk of its own that can
   * start as a module worker (Veil's builds); a page's main thread only (a worker needs no proxy).
   */
  proxy?: boolean;
  wasmThreads?: number;
  /**
   * Where the wasm provider comes from instead of onnxruntime-web's browser build: Node's tools pass the package's
   * Node build (its main entry under Node), whose threads are Node's worker threads; the browser build's threads
   * would fetch their worker script, which Node cannot.
   */
  wasmRuntime?: () => Promise<OrtRuntime>;
}

let setup: OrtSetup = {};

/** Settings every runtime gets when first loaded; call before creating a model. */
export function configureOrt(o: OrtSetup = {}): void {
  setup = o;
}

async function loadRuntime(provider: Provider): Promise<OrtRuntime> {
  const ort = await (provider === 'wasm' && setup.wasmRuntime ? setup.wasmRuntime() : RUNTIMES[provider]());
  ort.env.logLevel = 'error';
  if (setup.wasmPaths) ort.env.wasm.wasmPaths = setup.wasmPaths;
  if (setup.wasmBinary) ort.env.wasm.wasmBinary = setup.wasmBinary;
  if (provider === 'wasm') ort.env.wasm.proxy = setup.proxy === true && typeof document !== 'undefined';
  // Threads need cross-origin isolation, and on two cores they slow inference down (they share the cores with the
  // GPU's own work on a software adapter): use half the cores, at most four.
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  ort.env.wasm.numThreads =
    setup.wasmThreads ?? (globalThis.crossOriginIsolated ? Math.max(1, Math.min(4, Math.floor(cores / 2))) : 1);
  return ort;
}

export async function fetchModel(spec: ModelSpec, base = import.meta.env?.BASE_URL ?? '/'): Promise<Uint8Array> {
  const url = new URL(spec.url, new URL(base, globalThis.location?.href ?? 'http://localhost/')).href;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new ModelLoadError(spec.url, `network error (${(e as Error).message})`);
  }
  if (!response.ok) throw new ModelLoadError(spec.url, `the server answered ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Floats in one input tensor of this size. */
export function tensorLength(size: InputSize): number {
  return size.width * size.height * 3;
}

/** The input a fixed-size model always takes; undefined for a model of free size. */
export function fixedInput(spec: ModelSpec): InputSize | undefined {
  return spec.input.kind === 'fixed' ? { width: spec.input.side, height: spec.input.side } : undefined;
}

/** True when `provider`'s runs go through onnxruntime-web's proxy worker (OrtSetup.proxy). */
function proxied(ort: OrtRuntime, provider: Provider): boolean {
  return provider === 'wasm' && ort.env.wasm.proxy === true;
}

/** One onnxruntime-web session of a face model on one execution provider. */
export class FaceModel {
  readonly #ort: OrtRuntime;
  readonly #session: Ort.InferenceSession;

  // ECMAScript has no private constructors: TypeScript's keeps every caller on create(), which turns a session
  // onnxruntime-web refuses into a ModelLoadError.
  private constructor(
    readonly spec: ModelSpec,
    readonly provider: Provider,
    ort: OrtRuntime,
    session: Ort.InferenceSession,
  ) {
    this.#ort = ort;
    this.#session = session;
  }

  /** `device` is required for 'webgpu': the provider then runs on the same GPUDevice as our passes. */
  static async create(spec: ModelSpec, bytes: Uint8Array, provider: Provider, device?: GPUDevice): Promise<FaceModel> {
    const options: Ort.InferenceSession.SessionOptions =
      provider === 'webgpu'
        ? {
            executionProviders: [{ name: 'webgpu', device }],
            preferredOutputLocation: 'gpu-buffer',
            logSeverityLevel: 3,
          }
        : { executionProviders: ['wasm'], logSeverityLevel: 3 };
    try {
      const ort = await loadRuntime(provider);
      // The proxy transfers what it is given to its worker, which would leave the caller's bytes empty for the
      // next session (a second provider, a rebuilt device): it gets a copy.
      const model = proxied(ort, provider) ? bytes.slice() : bytes;
      return new FaceModel(spec, provider, ort, await ort.InferenceSession.create(model, options));
    } catch (e) {
      throw new ModelLoadError(spec.url, `onnxruntime-web (${provider}) rejected it: ${(e as Error).message}`);
    }
  }

  get #inputName(): string {
    return this.#session.inputNames[0];
  }

  #dims(n: number, size: InputSize): number[] {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`batch size ${n} is not a positive integer`);
    const fixed = fixedInput(this.spec);
    if (fixed && (size.width !== fixed.width || size.height !== fixed.height)) {
      throw new RangeError(
        `${this.spec.name} takes ${fixed.width}x${fixed.height} inputs, not ${size.width}x${size.height}`,
      );
    }
    return this.spec.format.layout === 'nhwc' ? [n, size.height, size.width, 3] : [n, 3, size.height, size.width];
  }

  /** Runs on CPU data (the wasm provider, or tests). `size` may be left out for a fixed-size model. */
  async runCpu(input: Float32Array, size?: InputSize): Promise<CpuOutputs> {
    return (await this.runCpuBatch(input, 1, size))[0];
  }

  /** Runs `n` tensors packed back to back in one go and splits the outputs per tensor, as views on ORT's arrays. */
  async runCpuBatch(input: Float32Array, n: number, size = fixedInput(this.spec)): Promise<CpuOutputs[]> {
    if (!size) throw new RangeError(`${this.spec.name} takes inputs of any size: say which`);
    if (input.length !== n * tensorLength(size)) {
      throw new RangeError(`input holds ${input.length} floats, not ${n} tensors of ${tensorLength(size)}`);
    }
    // Through the proxy the tensor's buffer moves to the worker: callers may reuse theirs, so it gets a copy.
    const data = proxied(this.#ort, this.provider) ? input.slice() : input;
    const out = await this.#session.run({
      [this.#inputName]: new this.#ort.Tensor('float32', data, this.#dims(n, size)),
    });
    const split = (name: string) => {
      const data = out[name].data as Float32Array;
      const each = data.length / n;
      return Array.from({ length: n }, (_, i) => data.subarray(i * each, (i + 1) * each));
    };
    const outputs = this.spec.outputs.map(split);
    return Array.from({ length: n }, (_, i) => outputs.map((o) => o[i]));
  }

  /**
   * Runs on a GPU buffer that our preprocess pass filled, and leaves the outputs on the GPU for our decode pass:
   * no CPU copy on either side. The caller must release() the outputs once its passes are submitted.
   */
  async runGpu(input: GPUBuffer, size?: InputSize): Promise<GpuOutputs> {
    return this.runGpuBatch(input, 1, size);
  }

  /**
   * As runGpu, on `n` tensors packed back to back at the start of `input`; each
   * output buffer then holds the n tensors' outputs back to back, in the same order.
   */
  async runGpuBatch(input: GPUBuffer, n: number, size = fixedInput(this.spec)): Promise<GpuOutputs> {
    if (!size) throw new RangeError(`${this.spec.name} takes inputs of any size: say which`);
    const bytes = n * tensorLength(size) * Float32Array.BYTES_PER_ELEMENT;
    if (input.size < bytes) throw new RangeError(`input buffer has ${input.size} bytes, ${n} tensors need ${bytes}`);
    const tensor = this.#ort.Tensor.fromGpuBuffer(input, { dataType: 'float32', dims: this.#dims(n, size) });
    const out = await this.#session.run({ [this.#inputName]: tensor });
    const buffers = this.spec.outputs.map((name) => {
      const t = out[name];
      if (t.location !== 'gpu-buffer')
        throw new Error(`onnxruntime-web returned ${name} on ${t.location}, not on the GPU`);
      return t.gpuBuffer as GPUBuffer;
    });
    return { buffers, release: () => Object.values(out).forEach((t) => t.dispose()) };
  }

  async release(): Promise<void> {
    await this.#session.release();
  }
}
