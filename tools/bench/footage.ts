import type { Rect } from '../../src/core/types';

/** The bundled clip (MIT, see public/demo/README.md): one face, 400x300, 25 fps. */
export const DEMO_CLIP = { url: 'demo/demo-webcam.webm', width: 400, height: 300, fps: 25 } as const;

/** Where the bench's frames start in the clip (past its first frames' fade-in) and how many distinct frames it cycles. */
export const FOOTAGE_START_S = 2;
export const FOOTAGE_FRAMES = 24;

/** The frame sizes benched: landscape webcam shapes. */
export const BENCH_SIZES: readonly (readonly [number, number])[] = [
  [640, 360],
  [1280, 720],
  [1920, 1080],
];

/**
 * How a clip frame becomes a bench frame of `width` x `height`: the centred crop of the clip with the bench
 * frame's aspect, scaled into each cell of a `grid` x `grid` layout (grid 2: four faces from a one-face clip).
 */
export interface FootageLayout {
  crop: Rect;
  cellWidth: number;
  cellHeight: number;
  cells: Rect[];
}

export function footageLayout(
  clip: { width: number; height: number },
  width: number,
  height: number,
  grid: number,
): FootageLayout {
  if (!Number.isInteger(grid) || grid < 1 || width % grid !== 0 || height % grid !== 0) {
    throw new RangeError(`footage: ${width}x${height} does not split into a ${grid}x${grid} grid of whole pixels`);
  }
  const aspect = width / height;
  const w = Math.min(clip.width, Math.round(clip.height * aspect));
  const h = Math.min(clip.height, Math.round(clip.width / aspect));
  const crop = { x: Math.floor((clip.width - w) / 2), y: Math.floor((clip.height - h) / 2), w, h };
  const [cellWidth, cellHeight] = [width / grid, height / grid];
  const cells = Array.from({ length: grid * grid }, (_, i) => ({
    x: (i % grid) * cellWidth,
    y: Math.floor(i / grid) * cellHeight,
    w: cellWidth,
    h: cellHeight,
  }));
  return { crop, cellWidth, cellHeight, cells };
}

/** The same layout as an ffmpeg filter graph (input [0:v]). */
export function footageFilter(layout: FootageLayout): string {
  const { crop, cellWidth, cellHeight, cells } = layout;
  const base = `[0:v]crop=${crop.w}:${crop.h}:${crop.x}:${crop.y},scale=${cellWidth}:${cellHeight}`;
  if (cells.length === 1) return base;
  const labels = cells.map((_, i) => `[c${i}]`).join('');
  const positions = cells.map((c) => `${c.x}_${c.y}`).join('|');
  return `${base},split=${cells.length}${labels};${labels}xstack=inputs=${cells.length}:layout=${positions}`;
}
