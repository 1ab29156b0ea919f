import type { RgbaImage } from '../core/types';

/** A seeded generator of floats in [0, 1), so randomised tests repeat exactly. */
export function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Mulberry32: seeded floats in [0, 1) of better quality than `random`, where a test or tool draws many. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
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
