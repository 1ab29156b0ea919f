import type { RgbaImage } from '../core/types';

/** A seeded generator of floats in [0, 1), so randomised tests repeat exactly. */
export function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * An image of seeded random bytes. `opaque`: alpha 255 everywhere, as a camera's frame is (a browser may alter the
 * colour of a picture it uploads with alpha below 255).
 */
export function randomImage(width: number, height: number, seed: number, o: { opaque?: boolean } = {}): RgbaImage {
  const next = random(seed);
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = o.opaque && i % 4 === 3 ? 255 : Math.floor(next() * 256);
  return { width, height, data };
}
