import type { LiveStats } from '../../src/app/live-pipeline';
import type { GpuObjectCounts } from '../../src/gpu/resource-census';

/** One look at a long run: what the live pipeline did since the previous look, and what is alive now. */
export interface SoakSample extends LiveStats {
  /** Seconds since the end of warm-up. */
  atS: number;
  /** JS heap in use after forced garbage collections (the least of a few readings). */
  heapBytes: number;
  /** Of the heap, its JS objects: compiled code and native memory left out (see heap-snapshot.ts). */
  objectBytes: number;
  /** Native memory in the heap snapshot: wasm memories, array buffer stores, the browser's objects. */
  nativeBytes: number;
  state: string;
  /**
   * Each tracked box's width over the width of the detection inside it, median over the interval's frames with
   * faces alone blurred (status read 4 times a second); NaN when there were none. A still camera keeps it near the
   * least margin; a picture search that stopped working shows here as the prediction's wider doubt.
   */
  boxWidthP50: number;
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * For each detection, the tracked box drawn for it (the narrowest whose area holds the detection's centre) and its
 * width over the detection's. A detection with no box around its centre gives none (the e2e tests fail on those).
 */
export function boxWidthRatios(boxes: readonly Box[], detected: readonly Box[]): number[] {
  const ratios: number[] = [];
  for (const d of detected) {
    const cx = d.x + d.w / 2;
    const cy = d.y + d.h / 2;
    const around = boxes.filter((b) => cx >= b.x && cx <= b.x + b.w && cy >= b.y && cy <= b.y + b.h);
    if (around.length > 0 && d.w > 0) ratios.push(Math.min(...around.map((b) => b.w)) / d.w);
  }
  return ratios;
}

/** Allowed growth of heap objects over a run, relative to the sample taken after warm-up. */
export const HEAP_TOLERANCE = 0.1;

/**
 * What must hold for a run to pass: GPU objects never more than after warm-up (anything more accumulates, and would
 * run the GPU out of memory given hours), heap objects within HEAP_TOLERANCE (compiled code grows for minutes as
 * V8 tiers up, leak or not), frames drawn in every interval, and the app never in its error state. Returns the
 * failures in words; empty when the run passed.
 */
export function soakFailures(baseline: SoakSample, samples: readonly SoakSample[]): string[] {
  const failures: string[] = [];
  const last = samples.at(-1);
  if (!last) return ['no sample was taken after warm-up'];
  for (const kind of Object.keys(baseline.gpuObjects) as (keyof GpuObjectCounts)[]) {
    const peak = Math.max(...samples.map((s) => s.gpuObjects[kind]));
    if (peak > baseline.gpuObjects[kind])
      failures.push(`GPU ${kind} grew from ${baseline.gpuObjects[kind]} to ${peak}`);
  }
  if (last.objectBytes > baseline.objectBytes * (1 + HEAP_TOLERANCE)) {
    failures.push(
      `heap objects grew ${(100 * (last.objectBytes / baseline.objectBytes - 1)).toFixed(1)}% (limit ${100 * HEAP_TOLERANCE}%)`,
    );
  }
  for (const s of samples) {
    if (s.frames === 0) failures.push(`no frame was drawn in the interval ending at ${s.atS} s`);
    if (s.state === 'error') failures.push(`the app was in its error state at ${s.atS} s`);
  }
  return failures;
}

const COLUMNS = [
  't (s)',
  'heap MB',
  'objects MB',
  'native MB',
  'buffers',
  'textures',
  'frames',
  'p50 ms',
  'p95 ms',
  'fail-closed',
  'box/face',
  'state',
];

export const SOAK_TABLE_HEADER = COLUMNS.map((c) => c.padStart(11)).join(' ');

export function soakRow(s: SoakSample): string {
  const cells = [
    String(s.atS),
    (s.heapBytes / 2 ** 20).toFixed(2),
    (s.objectBytes / 2 ** 20).toFixed(2),
    (s.nativeBytes / 2 ** 20).toFixed(1),
    String(s.gpuObjects.buffers),
    String(s.gpuObjects.textures),
    String(s.frames),
    s.frameMsP50.toFixed(1),
    s.frameMsP95.toFixed(1),
    `${s.failClosedFrames} (${s.frames ? ((100 * s.failClosedFrames) / s.frames).toFixed(0) : '–'}%)`,
    Number.isFinite(s.boxWidthP50) ? s.boxWidthP50.toFixed(2) : '–',
    s.state,
  ];
  return cells.map((c) => c.padStart(11)).join(' ');
}
