import type { RgbaImage } from '../core/types';
import { type Luma, lumaSize } from './patch-motion';

/** Thumbnail cells across and down: 20 x 20 px cells of a 640 x 360 frame. */
export const THUMB_W = 32;
export const THUMB_H = 18;

/** Means of tw x th cells over a width x height grid of values, each cell spanning thumbnail.wgsl's pixels. */
function cellMeans(
  width: number,
  height: number,
  valueAt: (x: number, y: number) => number,
  tw: number,
  th: number,
): Float32Array {
  const out = new Float32Array(tw * th);
  const span = (i: number, n: number, size: number) => {
    const lo = Math.floor((i * size) / n);
    return [lo, Math.max(Math.floor(((i + 1) * size) / n), lo + 1)];
  };
  for (let cy = 0; cy < th; cy++) {
    const [y0, y1] = span(cy, th, height);
    for (let cx = 0; cx < tw; cx++) {
      const [x0, x1] = span(cx, tw, width);
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += valueAt(x, y);
      out[cy * tw + cx] = sum / ((x1 - x0) * (y1 - y0));
    }
  }
  return out;
}

/** CPU twin of thumbnail.wgsl: tw x th cells of mean luma. */
export function thumbnailRef(img: RgbaImage, tw = THUMB_W, th = THUMB_H): Float32Array {
  const d = img.data;
  return cellMeans(
    img.width,
    img.height,
    (x, y) => {
      const p = (y * img.width + x) * 4;
      return 0.299 * d[p]! + 0.587 * d[p + 1]! + 0.114 * d[p + 2]!;
    },
    tw,
    th,
  );
}

/**
 * The guard's thumbnail of a frame made from the tracker's picture of it (lumaSize(), itself thumbnail.wgsl's cell
 * means): live mode reads one small image a frame back from the GPU, not two. Where the picture's pixels nest in the
 * cells (16:9 frames: 10x10 each) it equals thumbnailRef of the frame.
 */
export function thumbnailOfPicture(picture: Luma, tw = THUMB_W, th = THUMB_H): Float32Array {
  const d = picture.data;
  return cellMeans(picture.width, picture.height, (x, y) => d[y * picture.width + x]!, tw, th);
}

/**
 * The tracker's picture of a frame (lumaSize()) made on the CPU, where the frame's pixels are there already (the CLI,
 * the export page): thumbnail.wgsl's cell means at the picture's size, in whole luma levels as the GPU's 8-bit
 * picture holds them.
 */
export function pictureOf(img: RgbaImage): Luma {
  const { width, height } = lumaSize(img);
  return { width, height, data: Uint8Array.from(thumbnailRef(img, width, height), Math.round) };
}
