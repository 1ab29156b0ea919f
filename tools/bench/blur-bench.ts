import { AnonymizePass, type AnonymizeEffect, type FaceMask } from '../../src/render/anonymize-pass';
import { SeparableBlur } from './separable-blur';
import { percentile } from '../../src/app/timing';

/** What one row of the benchmark times: an effect on `faces` faces, the fail-closed blur, or a baseline. */
export type BenchSubject = AnonymizeEffect | 'full-frame' | 'baseline-31tap-loop' | 'baseline-31tap-linear';

export interface BenchCase {
  width: number;
  height: number;
  /** Faces in the frame (0 for the full-frame rows). */
  faces: number;
  subject: BenchSubject;
}

export interface BenchResult extends BenchCase {
  medianMs: number;
  p95Ms: number;
  minMs: number;
  /** Median CPU time of encode() (uniforms, tile lists, commands), for information. */
  cpuEncodeMs: number;
  samplesMs: number[];
}

export type Timing = 'timestamp-query' | 'wall';

export interface BenchOptions {
  sizes: readonly (readonly [number, number])[];
  faces: readonly number[];
  effects: readonly AnonymizeEffect[];
  runs: number;
  warmup: number;
  timing: Timing;
  log?: (line: string) => void;
}

/** The whole grid (sizes x faces x effects), and a quick look for software adapters, where one 4K frame takes seconds. */
export const BLUR_PRESETS = {
  full: {
    sizes: [
      [1280, 720],
      [1920, 1080],
      [3840, 2160],
    ],
    faces: [1, 4, 16],
    runs: 50,
    warmup: 10,
  },
  quick: { sizes: [[1280, 720]], faces: [1, 4], runs: 3, warmup: 1 },
} as const;

/** Dawn quantizes timestamps to 65536 ns unless its timestamp_quantization toggle is off. */
const QUANTUM_NS = 65536n;

/**
 * Faces as a webcam shows them: one large, or several on a grid; box height 35% of the frame over sqrt(n)
 * (a 720p frame's 16 faces are 63 px tall), 0.8 as wide, masks at the app's default scale 1.3.
 */
export function benchFaces(n: number, width: number, height: number): FaceMask[] {
  const cols = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const h = (0.35 * height) / Math.sqrt(n);
  const w = 0.8 * h;
  return Array.from({ length: n }, (_, i) => {
    const [col, row] = [i % cols, Math.floor(i / cols)];
    // A little off the cell centres, so the faces do not line up in rows and columns.
    const jitter = ((i * 7919) % 13) / 13 - 0.5;
    return {
      cx: ((col + 0.5 + 0.2 * jitter) * width) / cols,
      cy: ((row + 0.5 - 0.2 * jitter) * height) / rows,
      rx: (w / 2) * 1.3,
      ry: (h / 2) * 1.3,
    };
  });
}

/** The cases of a run, in order: per size, per face count, each effect; then the full-frame and baseline rows. */
export function benchCases(o: Pick<BenchOptions, 'sizes' | 'faces' | 'effects'>): BenchCase[] {
  return o.sizes.flatMap(([width, height]) => [
    ...o.faces.flatMap((faces) => o.effects.map((subject): BenchCase => ({ width, height, faces, subject }))),
    ...(['full-frame', 'baseline-31tap-loop', 'baseline-31tap-linear'] as const).map((subject) => ({
      width,
      height,
      faces: 0,
      subject,
    })),
  ]);
}

/** Bytes of a test card: gradients and a fine checker, so blur and mosaic read varied data. */
function testCard(width: number, height: number): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const check = ((x >> 2) + (y >> 2)) & 1 ? 40 : 0;
      data[i] = (x * 255) / width;
      data[i + 1] = (y * 255) / height - check + 40;
      data[i + 2] = 128 + check;
      data[i + 3] = 255;
    }
  }
  return data;
}

export interface BenchReport {
  timing: Timing;
  /** Timestamps came back as multiples of Dawn's 65536 ns quantum: too coarse to trust. */
  quantized: boolean;
  results: BenchResult[];
}

/**
 * Times each case on `device`: GPU time between the end of an empty compute pass written just before the
 * work and the beginning of one just after it (timestamp-query), or, without that feature, the wall time
 * from submit to onSubmittedWorkDone. Median, p95 and min over `runs` after `warmup` untimed runs, one
 * frame per submit as in the app.
 */
export async function runBench(device: GPUDevice, o: BenchOptions): Promise<BenchReport> {
  const log = o.log ?? (() => {});
  const anonymize = await AnonymizePass.create(device);
  const baseline = new SeparableBlur(device);
  const results: BenchResult[] = [];
  let quantized = false;
  let textures: { width: number; height: number; src: GPUTexture; tmp: GPUTexture; dst: GPUTexture } | null = null;
  const stamps =
    o.timing === 'timestamp-query'
      ? device.createQuerySet({ label: 'bench', type: 'timestamp', count: 2 * o.runs })
      : null;
  const resolve = device.createBuffer({
    label: 'bench-resolve',
    size: 16 * o.runs,
    usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
  });
  const readback = device.createBuffer({
    label: 'bench-readback',
    size: 16 * o.runs,
    usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
  });
  try {
    for (const c of benchCases(o)) {
      if (!textures || textures.width !== c.width || textures.height !== c.height) {
        textures && [textures.src, textures.tmp, textures.dst].forEach((t) => t.destroy());
        const make = (label: string, usage: number) =>
          device.createTexture({ label: `bench-${label}`, size: [c.width, c.height], format: 'rgba8unorm', usage });
        textures = {
          width: c.width,
          height: c.height,
          src: make('src', GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST),
          tmp: make('tmp', GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.STORAGE_BINDING),
          dst: make('dst', GPUTextureUsage.STORAGE_BINDING),
        };
        device.queue.writeTexture(
          { texture: textures.src },
          testCard(c.width, c.height),
          { bytesPerRow: c.width * 4 },
          [c.width, c.height],
        );
      }
      const { src, tmp, dst } = textures;
      const masks = benchFaces(c.faces, c.width, c.height);
      const cpu: number[] = [];
      const frame = (encoder: GPUCommandEncoder) => {
        const t0 = performance.now();
        if (c.subject === 'baseline-31tap-loop') baseline.encode(encoder, src, tmp, dst, 'loop');
        else if (c.subject === 'baseline-31tap-linear') baseline.encode(encoder, src, tmp, dst, 'linear');
        else {
          anonymize.encode(encoder, src, dst, {
            masks,
            fullFrame: c.subject === 'full-frame',
            strength: 0.5,
            shape: 'ellipse',
            featherPx: 3,
            outlines: false,
            effect: c.subject === 'full-frame' ? undefined : c.subject,
          });
        }
        cpu.push(performance.now() - t0);
      };

      device.pushErrorScope('validation');
      for (let i = 0; i < o.warmup; i++) {
        const encoder = device.createCommandEncoder({ label: 'bench-warmup' });
        frame(encoder);
        device.queue.submit([encoder.finish()]);
      }
      await device.queue.onSubmittedWorkDone();
      cpu.length = 0;
      const samples: number[] = [];
      for (let i = 0; i < o.runs; i++) {
        const encoder = device.createCommandEncoder({ label: 'bench' });
        if (stamps)
          encoder
            .beginComputePass({
              label: 'bench-before',
              timestampWrites: { querySet: stamps, endOfPassWriteIndex: 2 * i },
            })
            .end();
        frame(encoder);
        if (stamps)
          encoder
            .beginComputePass({
              label: 'bench-after',
              timestampWrites: { querySet: stamps, beginningOfPassWriteIndex: 2 * i + 1 },
            })
            .end();
        const t0 = performance.now();
        device.queue.submit([encoder.finish()]);
        if (!stamps) {
          await device.queue.onSubmittedWorkDone();
          samples.push(performance.now() - t0);
        }
      }
      if (stamps) {
        const encoder = device.createCommandEncoder({ label: 'bench-resolve' });
        encoder.resolveQuerySet(stamps, 0, 2 * o.runs, resolve, 0);
        encoder.copyBufferToBuffer(resolve, 0, readback, 0, 16 * o.runs);
        device.queue.submit([encoder.finish()]);
        await readback.mapAsync(GPUMapMode.READ);
        const ns = new BigUint64Array(readback.getMappedRange().slice(0));
        readback.unmap();
        for (let i = 0; i < o.runs; i++) {
          const d = ns[2 * i + 1] > ns[2 * i] ? ns[2 * i + 1] - ns[2 * i] : 0n;
          if (d > 0n && d % QUANTUM_NS === 0n) quantized = true;
          samples.push(Number(d) / 1e6);
        }
      }
      const error = await device.popErrorScope();
      if (error) throw new Error(`bench: ${c.subject} at ${c.width}x${c.height}: ${error.message}`);
      const sorted = [...samples].sort((a, b) => a - b);
      const r: BenchResult = {
        ...c,
        medianMs: percentile(sorted, 0.5),
        p95Ms: percentile(sorted, 0.95),
        minMs: sorted[0],
        cpuEncodeMs: percentile(
          [...cpu].sort((a, b) => a - b),
          0.5,
        ),
        samplesMs: samples,
      };
      results.push(r);
      log(formatRow(r));
    }
  } finally {
    textures && [textures.src, textures.tmp, textures.dst].forEach((t) => t.destroy());
    anonymize.destroy();
    stamps?.destroy();
    resolve.destroy();
    readback.destroy();
  }
  return { timing: o.timing, quantized, results };
}

const cell = (s: string | number, n: number) => String(s).padStart(n);
const ms = (v: number) => v.toFixed(v < 1 ? 4 : 2);

export const TABLE_HEADER =
  `${cell('size', 9)} ${cell('faces', 5)} ${cell('effect', 21)} ${cell('median ms', 10)} ${cell('p95 ms', 10)} ` +
  `${cell('min ms', 10)} ${cell('cpu ms', 7)}`;

export function formatRow(r: BenchResult): string {
  return (
    `${cell(`${r.width}x${r.height}`, 9)} ${cell(r.faces || '-', 5)} ${cell(r.subject, 21)} ${cell(ms(r.medianMs), 10)} ` +
    `${cell(ms(r.p95Ms), 10)} ${cell(ms(r.minMs), 10)} ${cell(r.cpuEncodeMs.toFixed(2), 7)}`
  );
}

/** The blur targets on a discrete GPU, checked against a report. */
export function targets(results: readonly BenchResult[]): string[] {
  const find = (faces: number, subject: BenchSubject) =>
    results.find((r) => r.width === 1920 && r.height === 1080 && r.faces === faces && r.subject === subject);
  return (
    [
      [find(4, 'gaussian'), 0.05, 'default Gaussian, 4 faces, 1080p'],
      [find(0, 'full-frame'), 0.2, 'fail-closed full frame, 1080p'],
    ] as const
  ).map(([r, limit, what]) =>
    r
      ? `${what}: median ${ms(r.medianMs)} ms, target < ${limit} ms: ${r.medianMs < limit ? 'met' : 'NOT met'}`
      : `${what}: not measured in this run`,
  );
}
