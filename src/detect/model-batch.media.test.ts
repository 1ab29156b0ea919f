import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImageRgba } from '../testing/image-io';
import {
  BLAZEFACE_BACK_256,
  BLAZEFACE_FRONT_128,
  configureOrt,
  FaceModel,
  fixedInput,
  tensorLength,
  type CpuOutputs,
  type ModelSpec,
} from './model';
import { letterboxCrop, preprocessRef } from './preprocess';
import type { Rect } from '../core/types';
import { random } from '../testing/random';
import { percentile } from '../app/timing';

// The batched models (tools/batch-model.py) only free the batch dimension: per crop they must compute what the
// originals compute. Measured here: max |difference| 0 (bit-identical) on back-256 and front-128, n = 1, 3 and 8.
const TOLERANCE = 1e-4;

const photo = readImageRgba('tests/fixtures/astronaut.jpg');
// The whole photo as the detector's first crop, and two tiles as the tiling adds them: one on the face, one beside.
const PHOTO_CROPS: Rect[] = [
  letterboxCrop(photo.width, photo.height),
  { x: 128, y: 32, w: 256, h: 256 },
  { x: 256, y: 256, w: 256, h: 256 },
];

/** Seeded, so that a failure repeats. */
function noise(length: number, seed: number): Float32Array {
  const next = random(seed);
  return Float32Array.from({ length }, () => next() * 2 - 1);
}

/** n input tensors of a fixed-size model: the photo's crops first, then noise in [-1, 1]. */
function crops(n: number, spec: ModelSpec): Float32Array[] {
  const size = fixedInput(spec)!;
  return Array.from({ length: n }, (_, i) =>
    i < PHOTO_CROPS.length
      ? preprocessRef(photo, PHOTO_CROPS[i], size, spec.format)
      : noise(tensorLength(size), 1000 + i),
  );
}

function pack(tensors: Float32Array[]): Float32Array {
  const out = new Float32Array(tensors.reduce((sum, t) => sum + t.length, 0));
  tensors.reduce((offset, t) => (out.set(t, offset), offset + t.length), 0);
  return out;
}

function maxDifference(a: CpuOutputs, b: CpuOutputs): number {
  const [xs, ys] = [a, b];
  expect(xs.length).toBe(ys.length);
  let max = 0;
  xs.forEach((x, k) => {
    expect(x.length).toBe(ys[k].length);
    for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - ys[k][i]));
  });
  return max;
}

/** `path`: relative to the repository root (the app's models are under public/). */
async function open(spec: ModelSpec, path: string): Promise<FaceModel> {
  return FaceModel.create(spec, new Uint8Array(readFileSync(resolve(path))), 'wasm');
}

const median = (xs: readonly number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );

describe.each([
  { spec: BLAZEFACE_BACK_256, batches: [1, 3, 8] },
  { spec: BLAZEFACE_FRONT_128, batches: [3] },
])('the batched $spec.url', ({ spec, batches }) => {
  let single: FaceModel;
  let batched: FaceModel;
  beforeAll(async () => {
    configureOrt({ wasmThreads: 1 });
    [single, batched] = await Promise.all([open(spec, spec.source), open(spec, `public/${spec.url}`)]);
  });
  afterAll(async () => {
    await single?.release();
    await batched?.release();
  });

  it.each(batches)('matches the original run crop by crop, n = %i', async (n) => {
    const inputs = crops(n, spec);
    const out = await batched.runCpuBatch(pack(inputs), n);
    expect(out).toHaveLength(n);
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, maxDifference(out[i], await single.runCpu(inputs[i])));
    console.log(`${spec.url} n=${n}: max |batched - original| = ${max}`);
    expect(max).toBeLessThanOrEqual(TOLERANCE);
    // Each crop must get its own answer, not a neighbour's.
    for (let i = 1; i < n; i++) expect(maxDifference(out[i], out[i - 1])).toBeGreaterThan(0.1);
  });

  it('runs batch 1 through runCpu as well', async () => {
    const [input] = crops(1, spec);
    expect(maxDifference(await batched.runCpu(input), await single.runCpu(input))).toBeLessThanOrEqual(TOLERANCE);
  });

  it('refuses an input that is not n whole tensors', async () => {
    const [input] = crops(1, spec);
    await expect(batched.runCpuBatch(input, 2)).rejects.toThrow(RangeError);
    await expect(batched.runCpuBatch(input.subarray(1), 1)).rejects.toThrow(RangeError);
  });
});

// Timing only on request (VEIL_BATCH_TIMING=1): ~20 s of a 2-core machine, and it asserts nothing.
describe.runIf(process.env.VEIL_BATCH_TIMING)('batch-8 timing, back-256, wasm, one thread', () => {
  it('logs 8 separate runs against one batch-8 run', async () => {
    configureOrt({ wasmThreads: 1 });
    const spec = BLAZEFACE_BACK_256;
    const [single, batched] = await Promise.all([open(spec, spec.source), open(spec, `public/${spec.url}`)]);
    const inputs = crops(8, spec);
    const packed = pack(inputs);
    const time = async (f: () => Promise<unknown>) => {
      const t0 = performance.now();
      await f();
      return performance.now() - t0;
    };
    const separate = (model: FaceModel) => async () => {
      for (const input of inputs) await model.runCpu(input);
    };
    const rounds = { warmup: 3, measured: 11 };
    const ms: Record<string, number[]> = { original: [], batchModelSingly: [], batch8: [] };
    for (let r = 0; r < rounds.warmup + rounds.measured; r++) {
      const t = [
        await time(separate(single)),
        await time(separate(batched)),
        await time(() => batched.runCpuBatch(packed, 8)),
      ];
      if (r >= rounds.warmup) Object.values(ms).forEach((list, k) => list.push(t[k]));
    }
    console.log(
      `median of ${rounds.measured} after ${rounds.warmup} warm-up rounds: ` +
        `8 runs of the original ${median(ms.original).toFixed(1)} ms, ` +
        `8 batch-1 runs of the batched model ${median(ms.batchModelSingly).toFixed(1)} ms, ` +
        `one batch-8 run ${median(ms.batch8).toFixed(1)} ms`,
    );
    await single.release();
    await batched.release();
  }, 300_000);
});
