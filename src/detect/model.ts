import type * as Ort from 'onnxruntime-web/webgpu';
import { BLAZEFACE_BACK_256_ANCHORS, BLAZEFACE_FRONT_128_ANCHORS, type AnchorSpec } from './anchors';

export type Provider = 'webgpu' | 'wasm';

/** The model could not be fetched or parsed: the UI says so and keeps the frame fully blurred. */
export class ModelLoadError extends Error {
  constructor(readonly url: string, reason: string) {
    super(`The face model ${url} could not be loaded: ${reason}`);
    this.name = 'ModelLoadError';
  }
}

export interface ModelSpec {
  /**
   * The model the app loads: the original with a free batch dimension (tools/batch-model.py), so that the frame and
   * all its tiles take one run. On the WebGPU provider each run pays a fixed cost in dispatches (a batch of 8 took
   * about half the time of 8 runs even on SwiftShader); the wasm provider takes the same time either way.
   */
  url: string;
  /** The original it was derived from, in the repository (not served): tests check both compute the same. */
  source: string;
  /** Side of the square NHWC input. */
  inputSize: number;
  anchors: AnchorSpec;
}

export const BLAZEFACE_BACK_256: ModelSpec = {
  url: 'models/face_detection_back_256x256_batch.onnx',
  source: 'models/face_detection_back_256x256_barracuda.onnx',
  inputSize: 256,
  anchors: BLAZEFACE_BACK_256_ANCHORS,
};
export const BLAZEFACE_FRONT_128: ModelSpec = {
  url: 'models/face_detection_front_128x128_batch.onnx',
  source: 'models/face_detection_front_128x128_barracuda.onnx',
  inputSize: 128,
  anchors: BLAZEFACE_FRONT_128_ANCHORS,
};

/** BlazeFace's outputs, one score and one box tensor per anchor grid (16x16x2, then 8x8x6). */
const SCORE_OUTPUTS = ['Identity:0', 'Identity_1:0'];
const BOX_OUTPUTS = ['Identity_2:0', 'Identity_3:0'];

export interface CpuOutputs { scores: Float32Array[]; boxes: Float32Array[] }
export interface GpuOutputs { scores: GPUBuffer[]; boxes: GPUBuffer[]; release(): void }

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
  wasmThreads?: number;
}

let setup: OrtSetup = {};

/** Settings every runtime gets when first loaded; call before creating a model. */
export function configureOrt(o: OrtSetup = {}): void {
  setup = o;
}

async function loadRuntime(provider: Provider): Promise<OrtRuntime> {
  const ort = await RUNTIMES[provider]();
  ort.env.logLevel = 'error';
  if (setup.wasmPaths) ort.env.wasm.wasmPaths = setup.wasmPaths;
  // Threads need cross-origin isolation, and on two cores they slow inference down (they share the cores with the
  // GPU's own work on a software adapter): use half the cores, at most four.
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  ort.env.wasm.numThreads = setup.wasmThreads
    ?? (globalThis.crossOriginIsolated ? Math.max(1, Math.min(4, Math.floor(cores / 2))) : 1);
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

/** One onnxruntime-web session of a BlazeFace model on one execution provider. */
export class FaceModel {
  private constructor(
    readonly spec: ModelSpec,
    readonly provider: Provider,
    private readonly ort: OrtRuntime,
    private readonly session: Ort.InferenceSession,
  ) {}

  /** `device` is required for 'webgpu': the provider then runs on the same GPUDevice as our passes. */
  static async create(spec: ModelSpec, bytes: Uint8Array, provider: Provider, device?: GPUDevice): Promise<FaceModel> {
    const options: Ort.InferenceSession.SessionOptions = provider === 'webgpu'
      ? { executionProviders: [{ name: 'webgpu', device }], preferredOutputLocation: 'gpu-buffer', logSeverityLevel: 3 }
      : { executionProviders: ['wasm'], logSeverityLevel: 3 };
    try {
      const ort = await loadRuntime(provider);
      return new FaceModel(spec, provider, ort, await ort.InferenceSession.create(bytes, options));
    } catch (e) {
      throw new ModelLoadError(spec.url, `onnxruntime-web (${provider}) rejected it: ${(e as Error).message}`);
    }
  }

  private get inputName(): string {
    return this.session.inputNames[0];
  }

  /** Floats in one NHWC input tensor. */
  get tensorLength(): number {
    return this.spec.inputSize * this.spec.inputSize * 3;
  }

  private dims(n: number): number[] {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`batch size ${n} is not a positive integer`);
    return [n, this.spec.inputSize, this.spec.inputSize, 3];
  }

  /** Runs on CPU data (the wasm provider, or tests). */
  async runCpu(input: Float32Array): Promise<CpuOutputs> {
    return (await this.runCpuBatch(input, 1))[0];
  }

  /**
   * Runs `n` NHWC tensors packed back to back in one go and splits the outputs per
   * tensor, as views on onnxruntime's output arrays.
   */
  async runCpuBatch(input: Float32Array, n: number): Promise<CpuOutputs[]> {
    if (input.length !== n * this.tensorLength) {
      throw new RangeError(`input holds ${input.length} floats, not ${n} tensors of ${this.tensorLength}`);
    }
    const out = await this.session.run({ [this.inputName]: new this.ort.Tensor('float32', input, this.dims(n)) });
    const split = (name: string) => {
      const data = out[name].data as Float32Array;
      const each = data.length / n;
      return Array.from({ length: n }, (_, i) => data.subarray(i * each, (i + 1) * each));
    };
    const scores = SCORE_OUTPUTS.map(split);
    const boxes = BOX_OUTPUTS.map(split);
    return Array.from({ length: n }, (_, i) => ({ scores: scores.map((s) => s[i]), boxes: boxes.map((b) => b[i]) }));
  }

  /**
   * Runs on a GPU buffer that our preprocess pass filled, and leaves the outputs on the GPU for our decode pass:
   * no CPU copy on either side. The caller must release() the outputs once its passes are submitted.
   */
  async runGpu(input: GPUBuffer): Promise<GpuOutputs> {
    return this.runGpuBatch(input, 1);
  }

  /**
   * As runGpu, on `n` tensors packed back to back at the start of `input`; each
   * output buffer then holds the n tensors' outputs back to back, in the same order.
   */
  async runGpuBatch(input: GPUBuffer, n: number): Promise<GpuOutputs> {
    const bytes = n * this.tensorLength * Float32Array.BYTES_PER_ELEMENT;
    if (input.size < bytes) throw new RangeError(`input buffer has ${input.size} bytes, ${n} tensors need ${bytes}`);
    const tensor = this.ort.Tensor.fromGpuBuffer(input, { dataType: 'float32', dims: this.dims(n) });
    const out = await this.session.run({ [this.inputName]: tensor });
    const buffers = (names: string[]) => names.map((name) => {
      const t = out[name];
      if (t.location !== 'gpu-buffer') throw new Error(`onnxruntime-web returned ${name} on ${t.location}, not on the GPU`);
      return t.gpuBuffer as GPUBuffer;
    });
    return { scores: buffers(SCORE_OUTPUTS), boxes: buffers(BOX_OUTPUTS), release: () => Object.values(out).forEach((t) => t.dispose()) };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
