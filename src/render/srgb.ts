// TS twin of the colour helpers in anonymize.wgsl (decode, fixed, from_fixed, encode); keep the two in step.
//
// The anonymize pass averages light, not sRGB code values: its textures hold sRGB-encoded bytes, and each
// stage decodes its taps to linear light (through a table), sums, and encodes once when it stores. Averaging
// the code values instead darkens every mix of bright and dark (a 50/50 mix of black and white comes out 128,
// not 188): measured on real faces, the default blur came out 7 to 16 levels darker on average and up to 45
// levels where hair or a collar meets skin, a visible dark rim (colour.gpu.test.ts).

/** Fixed-point linear light for integer sums (box means, mosaic blocks): 1.0 is this many units. */
export const FIXED_ONE = 4095;
/** Alpha is summed as alpha * ALPHA_FIXED (alpha is coverage, already linear). */
export const ALPHA_FIXED = 16;

/** sRGB transfer function, 0..1 code value to 0..1 linear light. */
export function srgbToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/** Its inverse, 0..1 linear light to a 0..1 code value. */
export function linearToSrgb(v: number): number {
  const x = Math.min(Math.max(v, 0), 1);
  return x <= 0.0031308 ? 12.92 * x : 1.055 * x ** (1 / 2.4) - 0.055;
}

export interface SrgbTables {
  /** Linear light of each byte, as f32. */
  linear: Float32Array<ArrayBuffer>;
  /** The same in FIXED_ONE units, rounded. */
  fixed: Uint32Array<ArrayBuffer>;
}

let tables: SrgbTables | null = null;

/** The decode tables the GPU reads (one storage buffer: linear, then fixed). */
export function srgbTables(): SrgbTables {
  tables ??= {
    linear: Float32Array.from({ length: 256 }, (_, i) => srgbToLinear(i / 255)),
    fixed: Uint32Array.from({ length: 256 }, (_, i) => Math.round(srgbToLinear(i / 255) * FIXED_ONE)),
  };
  return tables;
}

/** Twin of decode(): an RGBA texel of 0..255 values to linear rgb and 0..1 alpha, into `out`. */
export function decode(px: ArrayLike<number>, at: number, out: Float64Array, to = 0): void {
  const { linear } = srgbTables();
  for (let c = 0; c < 3; c++) out[to + c] = linear[px[at + c]];
  out[to + 3] = px[at + 3] / 255;
}

/** Twin of fixed(), one channel: 0..255 value to its fixed-point linear units. */
export function fixedChannel(v: number, channel: number): number {
  return channel === 3 ? v * ALPHA_FIXED : srgbTables().fixed[v];
}

/** Twin of from_fixed(): a sum of `n` fixed-point values to their mean, linear (alpha 0..1). */
export function fromFixed(sum: number, n: number, channel: number): number {
  return channel === 3 ? sum / (ALPHA_FIXED * n * 255) : sum / (FIXED_ONE * n);
}

/** Twin of encode(), one channel: linear (alpha 0..1) to a 0..255 value, not yet rounded. */
export function encodeChannel(v: number, channel: number): number {
  return 255 * (channel === 3 ? v : linearToSrgb(v));
}
