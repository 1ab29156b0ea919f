import type { Rect } from '../core/types';

// How much of a frame or a box a set of masks covers (their solid shapes, feather left out): what the leak eval
// counts and what the CLI and the export page report as the share of the picture blurred.

/** A mask ellipse in frame pixels, or the box around it (FaceMask from the anonymize pass has this shape). */
export interface Ellipse {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  box?: boolean;
}

/** Where a row at height `y` crosses the mask, or null when it misses it. */
function rowSpan(e: Ellipse, y: number): [number, number] | null {
  const t = (y - e.cy) / e.ry;
  if (!(e.rx > 0 && e.ry > 0) || t * t >= 1) return null;
  const half = e.box ? e.rx : e.rx * Math.sqrt(1 - t * t);
  return [e.cx - half, e.cx + half];
}

/** Length of [x0, x1] covered by the union of the masks' spans on row `y`. */
function coveredOnRow(masks: readonly Ellipse[], y: number, x0: number, x1: number): number {
  const spans: [number, number][] = [];
  for (const m of masks) {
    const s = rowSpan(m, y);
    if (s && s[1] > x0 && s[0] < x1) spans.push([Math.max(x0, s[0]), Math.min(x1, s[1])]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let end = x0;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    covered += b - Math.max(a, end);
    end = b;
  }
  return covered;
}

/** Rows sampled per box: one per pixel, at least 16 and at most 512; exact along each row. */
function rowsFor(h: number): number {
  return Math.min(512, Math.max(16, Math.ceil(h)));
}

/** Share of `box` inside the union of the ellipses (1 for an empty box). */
export function coveredShare(box: Rect, masks: readonly Ellipse[]): number {
  if (!(box.w > 0 && box.h > 0)) return 1;
  const n = rowsFor(box.h);
  let covered = 0;
  for (let k = 0; k < n; k++) covered += coveredOnRow(masks, box.y + ((k + 0.5) * box.h) / n, box.x, box.x + box.w);
  return covered / (n * box.w);
}

/** Area of the union of the ellipses inside a frame, sampled on the pixel rows. */
export function maskArea(masks: readonly Ellipse[], frame: { width: number; height: number }): number {
  let area = 0;
  for (let y = 0; y < frame.height; y++) area += coveredOnRow(masks, y + 0.5, 0, frame.width);
  return area;
}

/** Share of a `width` x `height` frame that the masks blur (0..1). */
export function blurredShare(masks: readonly Ellipse[], frame: { width: number; height: number }): number {
  return frame.width > 0 && frame.height > 0 ? maskArea(masks, frame) / (frame.width * frame.height) : 0;
}

/** How much of the picture a clip's masks blurred: the mean share over its frames and the worst frame. */
export interface BlurredSummary {
  mean: number;
  worst: number;
  worstFrame: number;
}

/** The summary of each frame's blurredShare, in frame order. */
export function summarizeBlurred(shares: readonly number[]): BlurredSummary {
  const worst = Math.max(0, ...shares);
  const mean = shares.length > 0 ? shares.reduce((a, b) => a + b, 0) / shares.length : 0;
  return { mean, worst, worstFrame: Math.max(0, shares.indexOf(worst)) };
}

/** In words, as the CLI's summary and the export page say it. */
export function describeBlurred(s: BlurredSummary, frames: number): string {
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  return frames > 1
    ? `blurred ${pct(s.mean)} of the picture on average (at most ${pct(s.worst)}, frame ${s.worstFrame})`
    : `blurred ${pct(s.mean)} of the picture`;
}
