// Synthetic pictures for the tracker's image-motion tests.
import type { Luma } from '../track/patch-motion';

/** Seeded value noise (two octaves, smoothly interpolated): texture without repeats, at any real position. */
function noise(u: number, v: number): number {
  const hash = (i: number, j: number) => {
    const h = Math.sin(i * 127.1 + j * 311.7) * 43758.5453;
    return h - Math.floor(h);
  };
  const octave = (x: number, y: number) => {
    const i = Math.floor(x);
    const j = Math.floor(y);
    const fx = (1 - Math.cos((x - i) * Math.PI)) / 2;
    const fy = (1 - Math.cos((y - j) * Math.PI)) / 2;
    const top = hash(i, j) * (1 - fx) + hash(i + 1, j) * fx;
    const bottom = hash(i, j + 1) * (1 - fx) + hash(i + 1, j + 1) * fx;
    return top * (1 - fy) + bottom * fy;
  };
  return 128 + 80 * (octave(u / 9, v / 9) - 0.5) + 40 * (octave(u / 4 + 50, v / 4 + 50) - 0.5);
}

/** The noise seen through a camera moved by (tx, ty) and zoomed by z about (zx, zy). */
export function scene(width: number, height: number, tx: number, ty: number, z = 1, zx = 0, zy = 0): Luma {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data[y * width + x] = noise(zx + (x - zx) / z - tx, zy + (y - zy) / z - ty);
  }
  return { width, height, data };
}
