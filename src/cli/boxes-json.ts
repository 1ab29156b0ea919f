import type { Detection, Rect } from '../core/types';
import type { BlurredSummary } from '../render/mask-area';

/**
 * --boxes: the per-frame masks in the motion clips' ground-truth format (width, height, fps, frame_count,
 * frames[i].faces as [x, y, w, h] in pixels, 0.01 px), so a run can be scored like a tracker against ground truth.
 * `faces` are the boxes the masks are drawn from (mask: an ellipse or box on each, its semi-axes scaled by
 * mask.scale); `detections` are the detector's raw boxes with their scores ([x, y, w, h, score]) before tracking.
 * `blurred`: the share of the picture the masks blur, the mean over the frames and the worst frame.
 */
export interface BoxesFile {
  width: number;
  height: number;
  /** null for a photo. */
  fps: number | null;
  frame_count: number;
  mask: { shape: 'ellipse' | 'box'; scale: number };
  blurred: { mean: number; worst: number; worst_frame: number };
  frames: { faces: number[][]; detections: number[][] }[];
}

const r2 = (v: number) => Math.round(v * 100) / 100;
const box = (b: Rect) => [r2(b.x), r2(b.y), r2(b.w), r2(b.h)];

export function boxesFile(
  size: { width: number; height: number },
  fps: number | null,
  faces: readonly (readonly Rect[])[],
  detections: readonly (readonly Detection[])[],
  mask: BoxesFile['mask'],
  blurred: BlurredSummary,
): BoxesFile {
  const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
  return {
    width: size.width,
    height: size.height,
    fps: fps === null ? null : r2(fps),
    frame_count: faces.length,
    mask,
    blurred: { mean: r4(blurred.mean), worst: r4(blurred.worst), worst_frame: blurred.worstFrame },
    frames: faces.map((f, i) => ({
      faces: f.map(box),
      detections: (detections[i] ?? []).map((d) => [...box(d.box), Math.round(d.score * 1000) / 1000]),
    })),
  };
}

/** One frame per line: small files stay readable, long clips stay diffable. */
export function formatBoxesFile(f: BoxesFile): string {
  const { frames, ...head } = f;
  const header = JSON.stringify(head).slice(0, -1);
  return `${header},"frames":[\n${frames.map((fr) => JSON.stringify(fr)).join(',\n')}\n]}\n`;
}
