import { iou } from './nms';
import type { Rect } from '../core/types';

/** Face-height buckets of the eval, [lo, hi) in pixels of the stored image. */
export const HEIGHT_BUCKETS = [
  { name: '0-10', lo: 0, hi: 10 },
  { name: '10-20', lo: 10, hi: 20 },
  { name: '20-40', lo: 20, hi: 40 },
  { name: '40-80', lo: 40, hi: 80 },
  { name: '80-160', lo: 80, hi: 160 },
  { name: '160+', lo: 160, hi: Infinity },
] as const;
export type HeightBucket = (typeof HEIGHT_BUCKETS)[number]['name'];

/** A face is covered when one detection box covers at least this share of the face box's area. */
export const COVER_FRACTION = 0.5;
/** A detection is unmatched when it overlaps no face box at more than this IoU. */
export const UNMATCHED_IOU = 0.1;
/** recall_h20 counts faces at least this tall. */
export const RECALL_MIN_HEIGHT = 20;

/** Share of `face`'s area inside `box`. */
export function coverage(face: Rect, box: Rect): number {
  const w = Math.min(face.x + face.w, box.x + box.w) - Math.max(face.x, box.x);
  const h = Math.min(face.y + face.h, box.y + box.h) - Math.max(face.y, box.y);
  const area = face.w * face.h;
  return w > 0 && h > 0 && area > 0 ? (w * h) / area : 0;
}

/**
 * The boxes a verifier that never errs would keep: those sharing at least `share` of a ground-truth face's area, or
 * of their own, with one. A bound for evals (what rejecting false boxes could win), not something the app can do.
 */
export function onTruth<T extends { box: Rect }>(dets: readonly T[], faces: readonly Rect[], share: number): T[] {
  return dets.filter((d) => faces.some((f) => Math.max(coverage(f, d.box), coverage(d.box, f)) >= share));
}

export interface ImageScore {
  /** Per face, in annotation order: whether a detection covers it. */
  covered: boolean[];
  /** Detections overlapping no face at IoU > UNMATCHED_IOU. */
  unmatched: number;
}

export function scoreImage(faces: readonly Rect[], boxes: readonly Rect[]): ImageScore {
  return {
    covered: faces.map((f) => boxes.some((b) => coverage(f, b) >= COVER_FRACTION)),
    unmatched: boxes.filter((b) => !faces.some((f) => iou(f, b) > UNMATCHED_IOU)).length,
  };
}

export interface ImageResult {
  faces: readonly Rect[];
  boxes: readonly Rect[];
  /** Wall time of the detector on this image. */
  ms: number;
}

/** The eval's result file; recalls are null where no face falls in their range. */
export interface EvalSummary {
  images: number;
  faces: number;
  recall_by_height: Record<HeightBucket, number | null>;
  recall_h20: number | null;
  unmatched_per_image: number;
  ms_per_image: number;
  config: Record<string, unknown>;
}

/** Faces and covered faces per height bucket, for the printed table. */
export type BucketCounts = Record<HeightBucket, { faces: number; covered: number }>;

export function bucketOf(height: number): HeightBucket {
  return HEIGHT_BUCKETS.find((b) => height >= b.lo && height < b.hi)!.name;
}

export function summarize(
  results: readonly ImageResult[],
  config: Record<string, unknown>,
): { summary: EvalSummary; counts: BucketCounts } {
  const counts = Object.fromEntries(HEIGHT_BUCKETS.map((b) => [b.name, { faces: 0, covered: 0 }])) as BucketCounts;
  let tall = 0;
  let tallCovered = 0;
  let unmatched = 0;
  let ms = 0;
  for (const r of results) {
    const s = scoreImage(r.faces, r.boxes);
    r.faces.forEach((f, i) => {
      const c = counts[bucketOf(f.h)];
      c.faces++;
      if (s.covered[i]) c.covered++;
      if (f.h >= RECALL_MIN_HEIGHT) {
        tall++;
        if (s.covered[i]) tallCovered++;
      }
    });
    unmatched += s.unmatched;
    ms += r.ms;
  }
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
  const n = results.length;
  const summary: EvalSummary = {
    images: n,
    faces: HEIGHT_BUCKETS.reduce((s, b) => s + counts[b.name].faces, 0),
    recall_by_height: Object.fromEntries(
      HEIGHT_BUCKETS.map((b) => [b.name, ratio(counts[b.name].covered, counts[b.name].faces)]),
    ) as Record<HeightBucket, number | null>,
    recall_h20: ratio(tallCovered, tall),
    unmatched_per_image: n > 0 ? unmatched / n : 0,
    ms_per_image: n > 0 ? ms / n : 0,
    config,
  };
  return { summary, counts };
}
