import type { Detection, Rect } from '../core/types';
import type { Gate } from './associate';
import type { MotionField, MotionSample } from './global-motion';
import { type Axis, correctAxis, initAxis, predictAxis } from './kalman';
import { OneEuro } from './one-euro';
import type { TrackerOptions } from './options';
import { fromCentre, grow, intersect, iou, union } from './rect';

/** A new face's velocity is unknown: a wide prior (face sizes/s) lets its second detection set it. */
const NEW_SPEED_STD = 10;
/** Same for how fast its size changes (fraction of size per second). */
const NEW_SIZE_RATE_STD = 0.5;
/**
 * A velocity change that moves the box by more than this (in face sizes) over the whole prediction horizon is
 * unconfirmed until the next detection.
 */
const UNCONFIRMED_TURN = 0.25;
/**
 * Detections of a track never over the threshold, one of them where it was expected, before it is held as long as
 * an edge box (TrackerOptions.edgeHoldMs): on the stage clip of ../shared/data/faces/videos a hand found twice was
 * otherwise held that long (through the CLI, 25.8 % of the picture blurred instead of 25.4 %), while a face the
 * border cuts is found on result after result (the clips made from other WIDER photos leak the same at 3 as at 2).
 */
const STAYS_HITS = 3;
/**
 * The most a face's size is guessed to grow since its last detection (its own growth, a zoom the found faces
 * share): a bound, so that a guess cannot compound into a box that sweeps the frame.
 */
const MAX_UNSEEN_GROWTH = 2;
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
  /** Every detection of this face so far was a box only the edge threshold kept (Detection.edge). */
  edgeOnly: boolean;
  /**
   * A detection of this face was over the detector's threshold (neither Detection.edge nor Detection.weak). Until
   * then the track is held as a one-off box is: on the stage clip of ../shared/data/faces/videos the performer's
   * hands, found now and then at 0.06-0.25 by the rule for tall boxes, were otherwise held half a second each way
   * offline (25.4 % of the picture blurred on average instead of 22.9 %; the motion clips: the same leaks, masks
   * 2.79 -> 2.74 times the faces offline, no change live).
   */
  #overThreshold: boolean;
  /** Detections folded in so far. */
  hits = 1;
  /** cx, cy, w, h as of #stateMs: the last detection, or the last time a held track was moved with the scene. */
  #k: [Axis, Axis, Axis, Axis];
  #stateMs: number;
  /**
   * Process noise multiplier, >= 1: raised when a detection lands further from the prediction than the filter
   * expected (the face or camera changed pace), so the margin widens by what was measured; relaxes back to 1.
   */
  #lambda = 1;
  /**
   * The last detection changed the velocity by more than UNCONFIRMED_TURN: one displacement cannot tell a face
   * that moves on from a picture that jumped once (a whip pan, a cut) or a wild box, so until the next detection
   * confirms the new velocity the face is also covered where it was found, and the guess alone cannot carry the
   * track out of the frame.
   */
  #unconfirmed = false;
  /** A detection has overlapped this track's prediction (Track.confirmed). */
  #foundAgain = false;
  /**
   * The longest a box was drawn past its state in the last detection cycle (s), and in the current one so far.
   * Margins are sized for that worst moment of the cycle throughout it, so they do not pulse with the detector.
   */
  #cycleS = 0;
  #peakS = 0;
  #seenMs: number;
  /** The last detection, carried along with the scene while held. */
  #raw: Rect;
  /**
   * The detection before an unconfirmed turn: that turn may be one wild box, so until a detection confirms it the
   * face is also covered where it was before (a held box does not sweep the path between: it covers both places).
   */
  #before: Rect | undefined;
  /** The newest detection (capture time and box): what the picture is searched for between detections. */
  #anchor: { ms: number; box: Rect };
  /**
   * Where the picture showed the anchor's patch on a later frame (patch-motion.ts), with the velocity between the
   * last two such sightings; undefined when the last search failed or none was made since the anchor.
   */
  #image: { ms: number; anchorMs: number; box: Rect; vx: number; vy: number; errPx: number } | undefined;
  #smooth: OneEuro[];
  #drawn: Rect | undefined;
  #drawnMs = -Infinity;

  readonly #o: TrackerOptions;

  /** `field`: the motion the found faces share; a new face in a moving scene most likely moves with it. */
  constructor(
    readonly id: number,
    box: Rect,
    tMs: number,
    o: TrackerOptions,
    field?: MotionField,
    kept: Pick<Detection, 'edge' | 'weak'> = {},
  ) {
    this.#o = o;
    this.edgeOnly = kept.edge === true;
    this.#overThreshold = !kept.edge && !kept.weak;
    const r = o.noise.measurement;
    const cx = box.x + box.w / 2;
    const cy = box.y + box.h / 2;
    const v = field?.at(cx, cy) ?? { vx: 0, vy: 0 };
    // The field centres this face's velocity on the scene's; its own motion stays unknown until it is seen again.
    const speedStd = NEW_SPEED_STD;
    const rateStd = NEW_SIZE_RATE_STD;
    const k = field?.sizeRate ?? 0;
    this.#k = [
      { ...initAxis(cx, (r * box.w) ** 2, (speedStd * box.w) ** 2), v: v.vx },
      { ...initAxis(cy, (r * box.h) ** 2, (speedStd * box.h) ** 2), v: v.vy },
      { ...initAxis(box.w, (r * box.w) ** 2, (rateStd * box.w) ** 2), v: k * box.w },
      { ...initAxis(box.h, (r * box.h) ** 2, (rateStd * box.h) ** 2), v: k * box.h },
    ];
    this.#seenMs = this.#stateMs = tMs;
    this.#raw = box;
    this.#anchor = { ms: tMs, box };
    const euro = { ...o.smoothing, dCutoff: D_CUTOFF_HZ };
    this.#smooth = [0, 1, 2, 3].map(() => new OneEuro(euro));
  }

  /**
   * A face as a person would count one: the detector found it again where this track expected it (IoU with the
   * prediction at least iouMatch, not only near it), and at least once over its threshold. Every track is covered
   * from its first detection, so the tracks also hold one-off boxes (a low-score stray, a box only the edge threshold
   * or the tall rule kept) living out their hold, and a held stray's widening gate can take in another stray
   * nearby: counting tracks, or tracks detected twice, would make the count of a still group jump with the strays of
   * the last second. Once confirmed, a face stays counted while it is held. (The face, not its velocity: that is
   * #unconfirmed's.)
   */
  get confirmed(): boolean {
    return this.#foundAgain && this.#overThreshold;
  }

  /**
   * Something stays here: the detector found it again where this track expected it, and STAYS_HITS detections in
   * all. Such a track is held as an edge box is even when never over the threshold (Tracker's hold).
   */
  get stays(): boolean {
    return this.#foundAgain && this.hits >= STAYS_HITS;
  }

  get lastSeenMs(): number {
    return this.#seenMs;
  }

  /** The newest detection: the patch the picture is searched for. */
  get anchor(): { ms: number; box: Rect } {
    return this.#anchor;
  }

  /**
   * The picture at `tMs` shows the anchor's patch at `box` (undefined: it was looked for and not found, so only the
   * filter's prediction, with its wide margin, is trusted). `errPx`: the match's standard error, in frame pixels.
   */
  seeInPicture(tMs: number, box: Rect | undefined, errPx = 0): void {
    const prev = this.#image;
    if (!box) {
      this.#image = undefined;
      return;
    }
    if (tMs < this.#anchor.ms || (prev && tMs <= prev.ms)) return;
    // Velocity between sightings of the same patch: a new anchor's box differs from the old one by detector noise.
    const from = prev && prev.anchorMs === this.#anchor.ms ? prev : this.#anchor;
    const dt = (tMs - from.ms) / 1000;
    const centre = (r: Rect) => [r.x + r.w / 2, r.y + r.h / 2] as const;
    const [ax, ay] = centre(from.box);
    const [bx, by] = centre(box);
    this.#image = {
      ms: tMs,
      anchorMs: this.#anchor.ms,
      box,
      errPx,
      vx: dt > 0 ? (bx - ax) / dt : 0,
      vy: dt > 0 ? (by - ay) / dt : 0,
    };
  }

  /** This face's motion, for fitting the shared field; undefined until its velocity has been measured. */
  motionSample(): MotionSample | undefined {
    if (this.held || this.hits < 2) return undefined;
    const [cx, cy, w, h] = this.#k;
    return {
      cx: cx.x,
      cy: cy.x,
      size: Math.sqrt(w.x * h.x),
      vx: cx.v,
      vy: cy.v,
      sizeRate: (w.v / w.x + h.v / h.x) / 2,
    };
  }

  correct(box: Rect, tMs: number, frameDiagonal: number, kept: Pick<Detection, 'edge' | 'weak'> = {}): void {
    this.edgeOnly &&= kept.edge === true;
    this.#overThreshold ||= !kept.edge && !kept.weak;
    // Out-of-order results are folded in as if current rather than rewinding the filter. After a long gap the
    // velocity has faded (as a held box comes to rest), so a stale one is not replayed in full; the time itself is
    // not shortened, or a detection's displacement over the whole gap would read as motion within the horizon (a
    // still face found 100 px away 1.2 s later, after a whip pan, got 4x the speed and was flung off the frame).
    const elapsed = Math.max(0, tMs - this.#stateMs) / 1000;
    const fade = elapsed > 0 ? this.#horizon(elapsed) / elapsed : 1;
    const faded = (a: Axis): Axis => ({ ...a, v: a.v * fade, pxv: a.pxv * fade, pvv: a.pvv * fade * fade });
    const z = [box.x + box.w / 2, box.y + box.h / 2, box.w, box.h];
    const sizes = [this.#k[2].x, this.#k[3].x, this.#k[2].x, this.#k[3].x];
    const r = (i: number) => (this.#o.noise.measurement * z[i < 2 ? i + 2 : i]!) ** 2;
    const predict = (lambda: number) =>
      this.#k.map((a, i) => predictAxis(faded(a), elapsed, lambda * this.#q(sizes[i]!))) as Axis[];
    this.#lambda = 1 + (this.#lambda - 1) * Math.exp(-elapsed / (this.#o.maneuver.decayMs / 1000));
    const p = predict(this.#lambda);
    // Normalised innovation of the centre (chi-square, 2 dof): how surprising this detection is to the filter.
    const nis = (a: Axis, i: number) => (z[i]! - a.x) ** 2 / (a.pxx + r(i));
    const surprise = nis(p[0]!, 0) + nis(p[1]!, 1);
    this.#foundAgain ||= iou(fromCentre(p[0]!.x, p[1]!.x, p[2]!.x, p[3]!.x), box) >= this.#o.iouMatch;
    if (this.hits >= 2 && surprise > this.#o.maneuver.gate) {
      // The face (or the camera) changed pace, or this detection is wild: either way, as much more process noise
      // as would have made it ordinary widens the margin from now on. The velocity is not thrown at it: one wild
      // box must not fling the track, while a real manoeuvre is confirmed by the next detection, which then
      // meets the raised noise and moves the velocity with a high gain.
      this.#lambda = Math.min(this.#o.maneuver.maxBoost, (this.#lambda * surprise) / this.#o.maneuver.gate);
    }
    const k = p.map((a, i) => correctAxis(a, z[i]!, r(i))) as [Axis, Axis, Axis, Axis];
    // A wild detection that still passed the gate must not fling the box: cap speed and growth rate.
    const speed = Math.hypot(k[0].v, k[1].v);
    const maxSpeed = this.#o.maxSpeed * frameDiagonal;
    if (speed > maxSpeed) {
      k[0] = { ...k[0], v: (k[0].v * maxSpeed) / speed };
      k[1] = { ...k[1], v: (k[1].v * maxSpeed) / speed };
    }
    for (const i of [2, 3] as const) {
      const a = k[i];
      const limit = this.#o.maxSizeRate * Math.max(1, a.x);
      k[i] = { ...a, x: Math.max(1, a.x), v: Math.min(limit, Math.max(-limit, a.v)) };
    }
    const turn =
      (Math.hypot(k[0].v - p[0]!.v, k[1].v - p[1]!.v) * (this.#o.predictMs + this.#o.velocityDecayMs)) / 1000;
    this.#unconfirmed = turn > UNCONFIRMED_TURN * Math.max(k[2].x, k[3].x);
    this.#before = this.#unconfirmed ? this.#raw : undefined;
    this.#k = k;
    this.#seenMs = Math.max(this.#seenMs, tMs);
    this.#stateMs = Math.max(this.#stateMs, tMs);
    this.#raw = box;
    if (this.held) this.#drawn = undefined;
    const anchored = tMs >= this.#anchor.ms;
    if (anchored) this.#anchor = { ms: tMs, box };
    // A result lands frames after its capture: a sighting in a later picture is still the newest word on where the
    // face is, until the new anchor is found in a picture. An older sighting of a face the picture showed at rest
    // goes on as the new anchor's, seen where the detector found it: on a slow machine the next result arrives before
    // the picture of a frame after this one does, so a still face was otherwise never covered by what the picture
    // says of it, only by the prediction's wider doubt (a still photo at 10 frames a second: 34 px faces' boxes 1.76
    // times their width instead of 1.55). A moving one is not carried: its velocity may be stale by now.
    if (this.#image && this.#image.ms <= tMs) {
      const img = this.#image;
      const atRest = anchored && Math.hypot(img.vx, img.vy) <= this.#o.picture.stillSpeed * img.box.w;
      this.#image = atRest ? { ...img, ms: tMs, anchorMs: tMs, box, errPx: 0 } : undefined;
    }
    this.held = false;
    this.hits++;
    this.#cycleS = this.#peakS;
    this.#peakS = 0;
  }

  /**
   * A held face moves with the scene: its state is carried to `tMs` by the shared field, so a face the detector
   * misses during a pan or a zoom is looked for where the scene took it, not where it was last seen. Its doubt
   * grows by how much the found faces disagree with the field (at least sharedMotion.minSpread), which is
   * measured, instead of by the generic process noise.
   */
  follow(field: MotionField, tMs: number): void {
    const dt = (tMs - this.#stateMs) / 1000;
    if (!(dt > 0)) return;
    const [cx, cy, w, h] = this.#k;
    const v = field.at(cx.x, cy.x);
    const rate = field.sizeRate;
    // The velocity is now the field's, known as well as the faces agree with it: that doubt, not the generic
    // process noise, is what widens the box while the scene's motion keeps being measured.
    const doubt = (size: number) => (Math.max(this.#o.sharedMotion.minSpread, field.spread) * size) ** 2;
    const move = (a: Axis, vel: number, size: number): Axis =>
      predictAxis({ ...a, v: vel, pxv: 0, pvv: doubt(size) }, dt, 0);
    const k: [Axis, Axis, Axis, Axis] = [
      move(cx, v.vx, w.x),
      move(cy, v.vy, h.x),
      move(w, rate * w.x, w.x),
      move(h, rate * h.x, h.x),
    ];
    const g = Math.exp(rate * dt);
    const carry = (c: Rect) => {
      const rcx = c.x + c.w / 2;
      const rcy = c.y + c.h / 2;
      const rv = field.at(rcx, rcy);
      return fromCentre(rcx + rv.vx * dt, rcy + rv.vy * dt, c.w * g, c.h * g);
    };
    this.#raw = carry(this.#raw);
    if (this.#before) this.#before = carry(this.#before);
    this.#k = k;
    this.#stateMs = tMs;
  }

  /** White-noise acceleration density for a coordinate of a face of this size. */
  #q(size: number): number {
    return (this.#o.noise.process * size) ** 2;
  }

  /** Where the association step should look for this face at `tMs`. */
  gateAt(tMs: number): Gate {
    const p = this.#predict(tMs);
    return { box: p.mean, reach: Math.max(p.mx, p.my) };
  }

  /** True when even the predicted centre box (and, with an unconfirmed velocity, the last detection) has left the frame. */
  outsideAt(tMs: number, frame: { width: number; height: number }): boolean {
    const out = (m: Rect) => m.x >= frame.width || m.y >= frame.height || m.x + m.w <= 0 || m.y + m.h <= 0;
    return out(this.#predict(tMs).mean) && (!this.#unconfirmed || out(this.#raw));
  }

  /**
   * Everywhere the face may be at `tMs`: never drawn smaller than this. Where the picture has shown the face since
   * its last detection, that sighting moved on by its own velocity, with a margin for a frame or two of motion, is
   * the cover, as long as it lies within what the filter expected; where the two disagree, both are covered.
   */
  coverAt(tMs: number): Rect {
    const predicted = this.#predictedCover(tMs);
    const seen = this.#pictureCover(tMs);
    if (!seen) return predicted;
    const cx = seen.x + seen.w / 2;
    const cy = seen.y + seen.h / 2;
    const agrees =
      cx >= predicted.x && cx <= predicted.x + predicted.w && cy >= predicted.y && cy <= predicted.y + predicted.h;
    return agrees ? seen : union(seen, predicted);
  }

  /** True while the newest picture looked in still showed this face. */
  get inPicture(): boolean {
    return this.#image !== undefined;
  }

  /** Where the anchor's patch should be at `tMs`: the last sighting moved on by its velocity, else the prediction. */
  expectedAt(tMs: number): Rect {
    return this.#image ? movedOn(this.#image, tMs) : this.#predict(tMs).mean;
  }

  #pictureCover(tMs: number): Rect | undefined {
    const img = this.#image;
    if (!img) return undefined;
    const o = this.#o.picture;
    const s = Math.max(0, tMs - img.ms) / 1000;
    // The least margin follows the face's measured speed in the picture: from stillMargin at rest to minMargin
    // from stillSpeed on (face sizes a side; face sizes per second).
    const floorOf = (speed: number) =>
      o.stillMargin + (o.minMargin - o.stillMargin) * Math.min(1, speed / o.stillSpeed);
    // The match's own error, the detector's box noise it inherits, and how far the face may stray from its
    // measured velocity in the time since the frame the picture came from.
    const margin = (size: number) =>
      Math.max(
        floorOf(Math.hypot(img.vx, img.vy) / size) * size,
        this.#o.nSigma * Math.hypot(img.errPx, this.#o.noise.measurement * size, o.speedDoubt * size * s),
      );
    return grow(movedOn(img, tMs), margin(img.box.w), margin(img.box.h));
  }

  #predictedCover(tMs: number): Rect {
    const { mean, mx, my } = this.#predict(tMs);
    const s = this.#horizon((tMs - this.#stateMs) / 1000);
    // The filtered centre lags a sudden move; the raw detection carried by the same velocity does not.
    const anchored = { ...this.#raw, x: this.#raw.x + this.#k[0].v * s, y: this.#raw.y + this.#k[1].v * s };
    let box = union(mean, anchored);
    // A missed face whose velocity was wrong, or a face whose velocity is a guess, is still near where it was seen.
    if (this.held || this.#unconfirmed) box = union(box, this.#raw);
    if (this.held && this.#before) box = union(box, this.#before);
    return grow(box, mx, my);
  }

  /**
   * The box to draw at `tMs`: smoothed, never smaller than the cover, and never retreating faster than a face moves.
   * `hidden`: the frame is blurred whole instead; the next box shown starts from the cover then, because what was
   * drawn before the jump that blurred the frame (a whip, a cut) says nothing of where the face is after it.
   */
  drawAt(tMs: number, hidden = false): Rect {
    if (!this.held) this.#peakS = Math.max(this.#peakS, (tMs - this.#stateMs) / 1000);
    const cover = this.coverAt(tMs);
    const c = [cover.x + cover.w / 2, cover.y + cover.h / 2, cover.w, cover.h];
    if (this.#drawn === undefined || hidden) {
      c.forEach((v, i) => {
        if (hidden) this.#smooth[i]!.reset();
        this.#smooth[i]!.filter(v, tMs);
      });
      this.#drawnMs = tMs;
      return (this.#drawn = cover);
    }
    if (tMs <= this.#drawnMs) return (this.#drawn = union(this.#drawn, cover));
    const [sx, sy, sw, sh] = c.map((v, i) => this.#smooth[i]!.filter(v, tMs)) as [number, number, number, number];
    const smoothed = grow(fromCentre(sx, sy, sw, sh), this.#o.pad * this.#k[2].x, this.#o.pad * this.#k[3].x);
    const target = union(smoothed, cover);
    const dt = (tMs - this.#drawnMs) / 1000;
    const stepX = (this.#o.faceSpeed * this.#k[2].x + Math.abs(this.#k[0].v)) * dt;
    const stepY = (this.#o.faceSpeed * this.#k[3].x + Math.abs(this.#k[1].v)) * dt;
    this.#drawn = retreatAtMost(this.#drawn, target, stepX, stepY);
    this.#drawnMs = tMs;
    return this.#drawn;
  }

  #predict(tMs: number): Prediction {
    const s = (tMs - this.#stateMs) / 1000;
    const hs = this.#horizon(s);
    const [cx, cy, w, h] = this.#k;
    // Extrapolating a shrink could uncover a face; extrapolating growth only covers more.
    // Sizes and margins are bounded by the face as last detected: a held face's guessed growth (its own, or a zoom
    // the found faces shared) must not compound into a box that sweeps the frame.
    const seen = this.#anchor.box;
    const pw = Math.min(Math.max(w.x, w.x + w.v * hs), MAX_UNSEEN_GROWTH * seen.w);
    const ph = Math.min(Math.max(h.x, h.x + h.v * hs), MAX_UNSEEN_GROWTH * seen.h);
    const mean = fromCentre(cx.x + cx.v * hs, cy.x + cy.v * hs, pw, ph);
    // Doubt as of the worst moment of a detection cycle: a box drawn just after a result is as wide as one drawn
    // just before the next. (A held face's doubt simply grows.)
    const t = Math.max(Math.abs(s), this.held ? 0 : this.#cycleS);
    // The filter's own predicted variance (with the manoeuvre boost), except that velocity doubt is capped at how
    // fast a face can plausibly move unseen: a new face's wide prior must not balloon its box.
    const variance = (a: Axis, size: number, velCap: number) => {
      const pvv = Math.min(a.pvv, (velCap * size) ** 2);
      const rho = a.pxx > 0 && a.pvv > 0 ? a.pxv / Math.sqrt(a.pxx * a.pvv) : 0;
      const sx = Math.sqrt(a.pxx);
      const sv = Math.sqrt(pvv);
      return Math.max(0, sx * sx + 2 * rho * t * sx * sv + t * t * pvv) + (this.#lambda * this.#q(size) * t ** 3) / 3;
    };
    const ex = Math.sqrt(variance(cx, pw, this.#o.faceSpeed) + variance(w, pw, this.#o.maxSizeRate) / 4);
    const ey = Math.sqrt(variance(cy, ph, this.#o.faceSpeed) + variance(h, ph, this.#o.maxSizeRate) / 4);
    return {
      mean,
      mx: Math.min(this.#o.nSigma * ex, this.#o.maxGrowth * seen.w),
      my: Math.min(this.#o.nSigma * ey, this.#o.maxGrowth * seen.h),
    };
  }

  /** Seconds of velocity to apply after `s` seconds: full up to predictMs, then fading, so a held box comes to rest. */
  #horizon(s: number): number {
    const full = this.#o.predictMs / 1000;
    const tau = this.#o.velocityDecayMs / 1000;
    if (s <= full) return Math.max(s, -full);
    return full + tau * (1 - Math.exp(-(s - full) / tau));
  }
}

/** A sighting carried on by its velocity to `tMs` (never backwards: a frame is not drawn before its picture). */
function movedOn(img: { ms: number; box: Rect; vx: number; vy: number }, tMs: number): Rect {
  const s = Math.max(0, tMs - img.ms) / 1000;
  return { ...img.box, x: img.box.x + img.vx * s, y: img.box.y + img.vy * s };
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
