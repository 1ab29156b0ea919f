import type { Detection, Point, Rect } from '../core/types';

export interface NmsOptions {
  /** Faces overlapping a kept one by more than this IoU are suppressed (or, weighted, blended into it). */
  iouThreshold: number;
  maxFaces: number;
  /** MediaPipe's weighted NMS: each kept box is the score-weighted mean of its overlapping cluster. */
  weighted: boolean;
}

export function iou(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  const inter = w > 0 && h > 0 ? w * h : 0;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

// Averaging stabilises the box between frames: BlazeFace fires several neighbouring anchors per face,
// and their mean jitters less than whichever happens to score highest.
function blend(seed: Detection, cluster: readonly Detection[]): Detection {
  const total = cluster.reduce((s, d) => s + d.score, 0);
  const mean = (f: (d: Detection) => number) => cluster.reduce((s, d) => s + f(d) * d.score, 0) / total;
  const keypoints: Point[] = seed.keypoints.map((_, k) => ({
    x: mean((d) => d.keypoints[k].x),
    y: mean((d) => d.keypoints[k].y),
  }));
  const box = { x: mean((d) => d.box.x), y: mean((d) => d.box.y), w: mean((d) => d.box.w), h: mean((d) => d.box.h) };
  const kept = seed.edge ? { edge: true } : seed.weak ? { weak: true } : {};
  return { box, score: seed.score, keypoints, ...kept };
}

/** Greedy non-maximum suppression by score, highest first; at most `maxFaces` results. */
export function nms(dets: readonly Detection[], o: NmsOptions): Detection[] {
  let remaining = [...dets].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  while (remaining.length > 0 && kept.length < o.maxFaces) {
    const seed = remaining[0];
    const cluster: Detection[] = [];
    const rest: Detection[] = [];
    for (const d of remaining) (d === seed || iou(seed.box, d.box) > o.iouThreshold ? cluster : rest).push(d);
    kept.push(o.weighted ? blend(seed, cluster) : seed);
    remaining = rest;
  }
  return kept;
}
