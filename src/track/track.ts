import type { Rect } from '../detect/types';
import type { Gate } from './associate';
import { type Axis, correctAxis, initAxis, predictAxis } from './kalman';
import { OneEuro } from './one-euro';
import type { TrackerOptions } from './options';
import { fromCentre, grow, intersect, union } from './rect';

/** A new face's velocity is unknown: a wide prior (face sizes/s) lets its second detection set it. */
const NEW_SPEED_STD = 10;
/** Same for how fast its size changes (fraction of size per second). */
const NEW_SIZE_RATE_STD = 0.5;
/** The One Euro speed estimate's own cutoff, the value its authors suggest. */
const D_CUTOFF_HZ = 1;

interface Prediction {
  mean: Rect;
  /** Half-widths of doubt around `mean`, in pixels. */
  mx: number;
  my: number;
}

/** One face over time: a Kalman filter for where it is, a One Euro filter and a memory for what is drawn. */
export class Track {
  held = false;
  /** cx, cy, w, h as of the last detection. */
  #k: [Axis, Axis, Axis, Axis];
  #seenMs: number;
  #raw: Rect;
  #smooth: OneEuro[];
  #drawn: Rect | undefined;
  #drawnMs = -Infinity;

  constructor(readonly id: number, box: Rect, tMs: number, private o: TrackerOptions) {
    const r = o.noise.measurement;
    this.#k = [
      initAxis(box.x + box.w / 2, (r * box.w) ** 2, (NEW_SPEED_STD * box.w) ** 2),
      initAxis(box.y + box.h / 2, (r * box.h) ** 2, (NEW_SPEED_STD * box.h) ** 2),
      initAxis(box.w, (r * box.w) ** 2, (NEW_SIZE_RATE_STD * box.w) ** 2),
      initAxis(box.h, (r * box.h) ** 2, (NEW_SIZE_RATE_STD * box.h) ** 2),
    ];
    this.#seenMs = tMs;
    this.#raw = box;
    const euro = { ...o.smoothing, dCutoff: D_CUTOFF_HZ };
    this.#smooth = [0, 1, 2, 3].map(() => new OneEuro(euro));
  }

  get lastSeenMs(): number {
    return this.#seenMs;
  }

  correct(box: Rect, tMs: number, frameDiagonal: number): void {
    // Out-of-order results are folded in as if current rather than rewinding the filter; after a long miss the
    // capped horizon keeps a stale velocity from being replayed in full.
    const dt = this.#horizon(Math.max(0, tMs - this.#seenMs) / 1000);
    const [cx, cy, w, h] = this.#k;
    const q = (size: number) => (this.o.noise.process * size) ** 2;
    const r = (size: number) => (this.o.noise.measurement * size) ** 2;
    const k: [Axis, Axis, Axis, Axis] = [
      correctAxis(predictAxis(cx, dt, q(w.x)), box.x + box.w / 2, r(box.w)),
      correctAxis(predictAxis(cy, dt, q(h.x)), box.y + box.h / 2, r(box.h)),
      correctAxis(predictAxis(w, dt, q(w.x)), box.w, r(box.w)),
      correctAxis(predictAxis(h, dt, q(h.x)), box.h, r(box.h)),
    ];
    // A wild detection that still passed the gate must not fling the box: cap speed and growth rate.
    const speed = Math.hypot(k[0].v, k[1].v);
    const maxSpeed = this.o.maxSpeed * frameDiagonal;
    if (speed > maxSpeed) {
      k[0] = { ...k[0], v: (k[0].v * maxSpeed) / speed };
      k[1] = { ...k[1], v: (k[1].v * maxSpeed) / speed };
    }
    for (const i of [2, 3] as const) {
      const a = k[i];
      const limit = this.o.maxSizeRate * Math.max(1, a.x);
      k[i] = { ...a, x: Math.max(1, a.x), v: Math.min(limit, Math.max(-limit, a.v)) };
    }
    this.#k = k;
    this.#seenMs = Math.max(this.#seenMs, tMs);
    this.#raw = box;
    this.held = false;
  }

  /** Where the association step should look for this face at `tMs`. */
  gateAt(tMs: number): Gate {
    const p = this.#predict(tMs);
    return { box: p.mean, reach: Math.max(p.mx, p.my) };
  }

  /** True when even the predicted centre box has left the frame: the face walked out. */
  outsideAt(tMs: number, frame: { width: number; height: number }): boolean {
    const m = this.#predict(tMs).mean;
    return m.x >= frame.width || m.y >= frame.height || m.x + m.w <= 0 || m.y + m.h <= 0;
  }

  /** Everywhere the face may be at `tMs`: never drawn smaller than this. */
  coverAt(tMs: number): Rect {
    const { mean, mx, my } = this.#predict(tMs);
    const s = this.#horizon((tMs - this.#seenMs) / 1000);
    // The filtered centre lags a sudden move; the raw detection carried by the same velocity does not.
    const anchored = { ...this.#raw, x: this.#raw.x + this.#k[0].v * s, y: this.#raw.y + this.#k[1].v * s };
    let box = union(mean, anchored);
    // A missed face whose velocity was wrong is still near where it was last seen.
    if (this.held) box = union(box, this.#raw);
    return grow(box, mx, my);
  }

  /** The box to draw at `tMs`: smoothed, never smaller than the cover, and never retreating faster than a face moves. */
  drawAt(tMs: number): Rect {
    const cover = this.coverAt(tMs);
    const c = [cover.x + cover.w / 2, cover.y + cover.h / 2, cover.w, cover.h];
    if (this.#drawn === undefined) {
      c.forEach((v, i) => this.#smooth[i]!.filter(v, tMs));
      this.#drawnMs = tMs;
      return (this.#drawn = cover);
    }
    if (tMs <= this.#drawnMs) return (this.#drawn = union(this.#drawn, cover));
    const [sx, sy, sw, sh] = c.map((v, i) => this.#smooth[i]!.filter(v, tMs)) as [number, number, number, number];
    const smoothed = grow(fromCentre(sx, sy, sw, sh), this.o.pad * this.#k[2].x, this.o.pad * this.#k[3].x);
    const target = union(smoothed, cover);
    // Where an unseen face may be only widens with time, so a held box never retreats; this also keeps
    // covering the old spot when the last detection before the miss was a bad one.
    if (this.held) {
      this.#drawnMs = tMs;
      return (this.#drawn = union(this.#drawn, target));
    }
    const dt = (tMs - this.#drawnMs) / 1000;
    const stepX = (this.o.faceSpeed * this.#k[2].x + Math.abs(this.#k[0].v)) * dt;
    const stepY = (this.o.faceSpeed * this.#k[3].x + Math.abs(this.#k[1].v)) * dt;
    this.#drawn = retreatAtMost(this.#drawn, target, stepX, stepY);
    this.#drawnMs = tMs;
    return this.#drawn;
  }

  #predict(tMs: number): Prediction {
    const s = (tMs - this.#seenMs) / 1000;
    const hs = this.#horizon(s);
    const [cx, cy, w, h] = this.#k;
    // Extrapolating a shrink could uncover a face; extrapolating growth only covers more.
    const pw = Math.max(w.x, w.x + w.v * hs);
    const ph = Math.max(h.x, h.x + h.v * hs);
    const mean = fromCentre(cx.x + cx.v * hs, cy.x + cy.v * hs, pw, ph);
    const t = Math.abs(s);
    const sigma = (a: Axis, size: number, velCap: number) =>
      Math.sqrt(a.pxx) + t * Math.min(Math.sqrt(a.pvv), velCap * size) + this.o.noise.process * size * Math.sqrt(t ** 3 / 3);
    // Triangle-inequality bound on the predicted std (ignores the x-v correlation, so errs wide).
    const ex = sigma(cx, pw, this.o.faceSpeed) + sigma(w, pw, this.o.maxSizeRate) / 2;
    const ey = sigma(cy, ph, this.o.faceSpeed) + sigma(h, ph, this.o.maxSizeRate) / 2;
    return {
      mean,
      mx: Math.min(this.o.nSigma * ex, this.o.maxGrowth * pw),
      my: Math.min(this.o.nSigma * ey, this.o.maxGrowth * ph),
    };
  }

  /** Seconds of velocity to apply after `s` seconds: full up to predictMs, then fading, so a held box comes to rest. */
  #horizon(s: number): number {
    const full = this.o.predictMs / 1000;
    const tau = this.o.velocityDecayMs / 1000;
    if (s <= full) return Math.max(s, -full);
    return full + tau * (1 - Math.exp(-(s - full) / tau));
  }
}

/** Moves `prev` to `target`, except that no edge moves inward by more than the given step. */
function retreatAtMost(prev: Rect, target: Rect, stepX: number, stepY: number): Rect {
  const x0 = Math.min(target.x, prev.x + stepX);
  const y0 = Math.min(target.y, prev.y + stepY);
  const x1 = Math.max(target.x + target.w, prev.x + prev.w - stepX);
  const y1 = Math.max(target.y + target.h, prev.y + prev.h - stepY);
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** The part of `box` inside the frame. */
export function clipToFrame(box: Rect, frame: { width: number; height: number }): Rect {
  return intersect(box, { x: 0, y: 0, w: frame.width, h: frame.height });
}
