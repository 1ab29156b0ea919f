/**
 * The motion the faces share. When the camera pans, shakes or zooms, every face moves by the same field:
 * v(p) = v0 + k (p - p0), a translation plus a zoom about some point (k is the zoom rate, 1/s, which also
 * scales sizes). Fitted from the tracks the detector just found, it tells a missed face or a new one how it is
 * moving, from measurement rather than from a guess. When faces move on their own the fit disagrees with them,
 * and `spread` says by how much.
 */
export interface MotionSample {
  cx: number;
  cy: number;
  /** Face size (px) and its velocity (px/s, centre) and relative size rate (1/s). */
  size: number;
  vx: number;
  vy: number;
  sizeRate: number;
}

export interface MotionField {
  /** Velocity (px/s) of a point at (cx, cy). */
  at(cx: number, cy: number): { vx: number; vy: number };
  /** Relative size rate (1/s) shared by all faces. */
  sizeRate: number;
  /** RMS disagreement of the samples with the field, in face sizes per second. */
  spread: number;
  samples: number;
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Fits the shared field to two or more samples; one face alone cannot tell camera motion from its own. */
export function fitMotionField(samples: readonly MotionSample[]): MotionField | undefined {
  const n = samples.length;
  if (n < 2) return undefined;
  // Sizes give the zoom rate directly and robustly; positions then give the translation at the centroid.
  const k = median(samples.map((s) => s.sizeRate));
  const px = samples.reduce((a, s) => a + s.cx, 0) / n;
  const py = samples.reduce((a, s) => a + s.cy, 0) / n;
  const vx = samples.reduce((a, s) => a + s.vx - k * (s.cx - px), 0) / n;
  const vy = samples.reduce((a, s) => a + s.vy - k * (s.cy - py), 0) / n;
  const at = (cx: number, cy: number) => ({ vx: vx + k * (cx - px), vy: vy + k * (cy - py) });
  let sq = 0;
  for (const s of samples) {
    const v = at(s.cx, s.cy);
    sq += ((s.vx - v.vx) ** 2 + (s.vy - v.vy) ** 2) / s.size ** 2 + (s.sizeRate - k) ** 2;
  }
  return { at, sizeRate: k, spread: Math.sqrt(sq / n), samples: n };
}
