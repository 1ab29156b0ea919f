import { FaceModel, tensorLength, type ModelSpec } from '../detect/model';
import { wholeFrameCrop } from '../detect/tiling';
import { LIVE_START_SIDE } from './input-side';

export interface ProviderTiming {
  provider: FaceModel['provider'];
  /** Median ms of a run after one warm-up run (which compiles shaders / allocates). */
  ms: number;
}

async function medianMs(run: () => Promise<void>, runs: number): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** A 16:9 camera frame: the model is timed on its whole-frame input at live mode's starting side. */
const TIMING_FRAME = { width: 1280, height: 720 };

/** Times a model's inference alone, on zeros, the way the live detector calls it. */
export async function timeModel(model: FaceModel, device: GPUDevice, runs = 3): Promise<ProviderTiming> {
  const size = wholeFrameCrop(model.spec, TIMING_FRAME.width, TIMING_FRAME.height, LIVE_START_SIDE).input;
  if (model.provider === 'wasm') {
    const input = new Float32Array(tensorLength(size));
    return { provider: 'wasm', ms: await medianMs(async () => void (await model.runCpu(input, size)), runs) };
  }
  const input = device.createBuffer({
    label: 'provider-timing-input',
    size: tensorLength(size) * 4,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  try {
    // Waiting for the queue makes the GPU's work part of the time, as it is for the live decode readback.
    const ms = await medianMs(async () => {
      (await model.runGpu(input, size)).release();
      await device.queue.onSubmittedWorkDone();
    }, runs);
    return { provider: 'webgpu', ms };
  } finally {
    input.destroy();
  }
}

/** Creates and times the other provider; resolves with it when it is faster, else releases it. */
export async function tryFasterProvider(
  spec: ModelSpec,
  bytes: Uint8Array,
  device: GPUDevice,
  current: ProviderTiming,
): Promise<{ model: FaceModel | null; timing: ProviderTiming }> {
  const other = current.provider === 'wasm' ? 'webgpu' : 'wasm';
  const model = await FaceModel.create(spec, bytes, other, device);
  const timing = await timeModel(model, device);
  if (timing.ms < current.ms) return { model, timing };
  await model.release();
  return { model: null, timing };
}
