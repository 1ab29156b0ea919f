import type { Detection, FrameSize, Rect } from '../core/types';
import { associate } from './associate';
import { fitMotionField, type MotionField, type MotionSample } from './global-motion';
import { completeCutFace, extendAsFound } from './cut-faces';
import { DEFAULT_TRACKER_OPTIONS, type TrackerOptions } from './options';
import { type Luma, matchPatch, type Pyramid, pyramid, textureIn } from './patch-motion';
import { Track, clipToFrame } from './track';
import {
  bandsFlat,
  compose,
  displacement,
  FIRST_VIEW,
  uncovered,
  unseenEdges,
  type View,
  type ViewStep,
  viewStep,
} from './unseen-edges';

/**
 * How long a picture waits for the result of a detection started on it: most land within a few frames; one that
 * takes longer leaves its faces to the prediction's wider cover until the next.
 */
const PICTURE_SLACK_MS = 1000;

export interface TrackedFace {
  /** Unique for the tracker's lifetime, reset() included, so per-face state elsewhere cannot be inherited by a stranger. */
  id: number;
  /** Box to draw on the frame displayed at the requested time, in frame pixels, clipped to the frame. */
  box: Rect;
  /** Capture time of the last detection of this face. */
  lastSeenMs: number;
  /** True while coasting: the detector's latest result did not contain this face. */
  held: boolean;
  /** A face to count (Track.confirmed); every face is covered, confirmed or not. */
  confirmed: boolean;
}

/**
 * A frame's luma pyramid, and where its view lies: composed from picture to picture (one step measured a picture),
 * on a chain that restarts where two pictures do not show one view moved (a cut, a whip's blur).
 */
interface Picture {
  levels: Pyramid;
  chain: number;
  view: View;
}

/** Luma px (level 0) the view may move between two pictures beyond the pan's guess: 50 px at 640 px wide. */
const PAN_RANGE = 25;

const scaled = (r: Rect, f: number): Rect => ({ x: r.x * f, y: r.y * f, w: r.w * f, h: r.h * f });

/**
 * Turns late, irregular detections into boxes for every displayed frame. Built to fail towards covering:
 * new faces are covered at once, missed faces are held and grown, and drawn boxes never lag the prediction.
 */
export class Tracker {
  #o: TrackerOptions;
  readonly #base: Readonly<TrackerOptions>;
  #tracks: Track[] = [];
  #nextId = 1;
  #frame: FrameSize | undefined;
  /** Small luma pyramids of recent frames by capture time: where detections are looked for in later pictures. */
  #pictures = new Map<number, Picture>();
  #newestPictureMs = -Infinity;
  #chains = 0;
  /** Capture time of the newest result applied. */
  #resultMs = -Infinity;
  /** Display time of the newest frame the motion guard blurred whole (Tracker.jumped). */
  #jumpMs = -Infinity;
  /** The view's step between the two newest pictures and the time between them (none measured: still). */
  #step: { step: ViewStep; ms: number } | undefined;

  constructor(o: Partial<TrackerOptions> = {}) {
    this.#o = { ...DEFAULT_TRACKER_OPTIONS, ...o };
    this.#base = { ...this.#o };
  }

  /** Detections of the frame captured at `captureMs` (in the past by the detector's latency). */
  update(found: readonly Detection[], captureMs: number, frame: FrameSize): void {
    const dets = found.map((d) => ({ ...d, box: completeCutFace(d.box, frame, this.#o.cutFaceAspect) }));
    this.#frame = { width: frame.width, height: frame.height };
    this.#resultMs = Math.max(this.#resultMs, captureMs);
    this.#endShot(captureMs);
    const a = associate(
      this.#tracks.map((t) => t.gateAt(captureMs)),
      dets.map((d) => d.box),
      this.#o,
    );
    const diagonal = Math.hypot(frame.width, frame.height);
    for (const [t, d] of a.matches) this.#tracks[t]!.correct(dets[d]!.box, captureMs, diagonal, dets[d]!);
    // What the found faces share (a pan, a zoom, a shake) carries the missed ones and starts the new ones.
    const samples = a.matches
      .map(([t]) => this.#tracks[t]!.motionSample())
      .filter((m): m is MotionSample => m !== undefined);
    const fit = fitMotionField(samples);
    const field = fit && fit.spread <= this.#o.sharedMotion.maxSpread ? fit : undefined;
    for (const t of a.unmatchedTracks) {
      const track = this.#tracks[t]!;
      track.held = true;
      if (field) track.follow(field, captureMs);
    }
    // No minimum hit count: a face is covered from its first detection; a false positive only costs some blur.
    for (const d of a.unmatchedDets) {
      const det = dets[d]!;
      if (det.edge && this.#flat(det.box, captureMs)) continue;
      this.#tracks.push(new Track(this.#nextId++, det.box, captureMs, this.#o, field, det));
    }
    // Expiry runs on detector time: only the detector looking and not finding a face is evidence it is gone.
    const jumped = captureMs > this.#jumpMs ? this.#jumpMs : -Infinity;
    this.#tracks = this.#tracks.filter(
      (t) =>
        captureMs - t.lastSeenMs <= this.#holdOf(t) &&
        !t.outsideAt(captureMs, frame) &&
        !(t.held && t.lastSeenMs < jumped),
    );
    // The result is frames old: the newest picture already shows where its faces went.
    for (const t of this.#tracks) if (t.anchor.ms === captureMs) this.#look(t, this.#newestPictureMs);
  }

  /**
   * Faces last detected before a cut (or a whip the pictures could not follow) are not looked for after it: the
   * detector has now seen the new shot, and a box from the old one, held in the old view's coordinates, covers a
   * place that means nothing in the new one. Known only where both pictures are still kept.
   */
  #endShot(captureMs: number): void {
    const shot = this.#pictures.get(captureMs)?.chain;
    if (shot === undefined) return;
    this.#tracks = this.#tracks.filter((t) => (this.#pictures.get(t.anchor.ms)?.chain ?? shot) === shot);
  }

  #holdOf(t: Track): number {
    if (t.edgeOnly) return this.#o.edgeHoldMs;
    // Never over the threshold but found in place again and again: as often a face scoring low (cut by the bottom
    // border, lying down, half hidden) as a stray, and a missed result must not drop it.
    if (!t.confirmed) return Math.min(this.#o.holdMs, t.stays ? this.#o.edgeHoldMs : this.#o.unconfirmedHoldMs);
    return t.inPicture ? Math.max(this.#o.holdMs, this.#o.picture.holdMs) : this.#o.holdMs;
  }

  /** True when the picture of the frame captured at `ms` is too flat inside `box` (frame pixels) to show a face. */
  #flat(box: Rect, ms: number): boolean {
    const frame = this.#frame;
    const picture = this.#pictures.get(ms)?.levels[0];
    if (!frame || !picture) return false;
    return textureIn(picture, scaled(box, picture.width / frame.width)) < this.#o.edgeTexture;
  }

  /**
   * The small luma image (patch-motion.ts, lumaSize()) of the frame captured at `frameMs`: every face is looked for
   * in it, so boxes follow the picture between detections. Frames may come late and be skipped, not out of order.
   */
  see(frameMs: number, luma: Luma): void {
    if (frameMs <= this.#newestPictureMs) return;
    const levels = pyramid(luma);
    const previous = this.#pictures.get(this.#newestPictureMs);
    const dt = frameMs - this.#newestPictureMs;
    const last = this.#step;
    const guess = last && { ...last.step, tx: (last.step.tx * dt) / last.ms, ty: (last.step.ty * dt) / last.ms };
    const step = previous && viewStep(previous.levels, levels, guess, PAN_RANGE);
    this.#step = step && { step, ms: dt };
    // A flat view (both bands, in either picture) measures no step and shows no cut: the chain and view go on.
    const unmeasured = previous && !step && (bandsFlat(levels[0]!) || bandsFlat(previous.levels[0]!));
    this.#pictures.set(
      frameMs,
      previous && (step || unmeasured)
        ? { levels, chain: previous.chain, view: step ? compose(previous.view, step) : previous.view }
        : { levels, chain: ++this.#chains, view: FIRST_VIEW },
    );
    this.#newestPictureMs = frameMs;
    if (step && this.#frame) this.#carryHeld(step, dt, luma.width);
    // A picture is kept while a result for it may still arrive, and after that only while it holds a face's anchor.
    const anchors = new Set(this.#tracks.map((t) => t.anchor.ms));
    for (const ms of this.#pictures.keys())
      if (ms < frameMs - PICTURE_SLACK_MS && !anchors.has(ms)) this.#pictures.delete(ms);
    for (const t of this.#tracks) this.#look(t, frameMs);
  }

  /**
   * The view moved by `step` (luma px of a `lumaWidth` picture) over `dtMs`: a held face the picture no longer shows
   * moves with it, as the scene around it did, so a face missed while the camera pans or whips is looked for and
   * covered where the scene took it (out of the frame, it ends), not where it was.
   */
  #carryHeld(step: ViewStep, dtMs: number, lumaWidth: number): void {
    const dt = dtMs / 1000;
    if (!(dt > 0)) return;
    const k = this.#frame!.width / lumaWidth;
    const field: MotionField = {
      at: (cx, cy) => {
        const d = displacement(step, cx / k, cy / k);
        return { vx: (d.dx * k) / dt, vy: (d.dy * k) / dt };
      },
      sizeRate: Math.log(step.s) / dt,
      spread: 0,
      samples: 0,
    };
    for (const t of this.#tracks) if (t.held && !t.inPicture) t.follow(field, this.#newestPictureMs);
  }

  /** Looks for `track`'s last detection in the picture at `ms`. */
  #look(track: Track, ms: number): void {
    const frame = this.#frame;
    const from = this.#pictures.get(track.anchor.ms)?.levels;
    const to = this.#pictures.get(ms)?.levels;
    if (!frame || !from || !to || ms <= track.anchor.ms) return;
    const k = from[0]!.width / frame.width;
    const whole = track.anchor.box;
    // A box completed past the border (cut-faces.ts) is looked for by the part the picture shows: a patch padded
    // with the border's pixels matches wherever the border is, and flung a stray's box across the frame.
    const box = clipToFrame(whole, frame);
    const guess = track.expectedAt(ms);
    const m = matchPatch(from, to, scaled(box, k), {
      dx: (guess.x + guess.w / 2 - whole.x - whole.w / 2) * k,
      dy: (guess.y + guess.h / 2 - whole.y - whole.h / 2) * k,
    });
    const p = this.#o.picture;
    const found = m && m.ncc >= p.minNcc && m.texture >= p.minTexture;
    track.seeInPicture(ms, found ? extendAsFound(whole, box, scaled(m.box, 1 / k)) : undefined, p.matchPx / k);
  }

  /**
   * Boxes to blur on the frame displayed at `displayMs`; advances each box's smoothing, so call once per displayed
   * frame. `wholeFrame`: this frame is blurred whole (failing closed, the motion guard), so no box is shown on it.
   */
  faces(displayMs: number, wholeFrame = false): TrackedFace[] {
    const frame = this.#frame;
    if (frame === undefined) return [];
    this.#tracks = this.#tracks.filter((t) => !t.outsideAt(displayMs, frame));
    return this.#tracks.map((t) => ({
      id: t.id,
      box: clipToFrame(t.drawAt(displayMs, wholeFrame), frame),
      lastSeenMs: t.lastSeenMs,
      held: t.held,
      confirmed: t.confirmed,
    }));
  }

  /**
   * Strips along the borders of the frame displayed at `displayMs` that came into view after the frame of the newest
   * result (frame pixels): the detector has not looked at them, so a face entering there has no box yet. Empty
   * while the view is still, or when the pictures do not show one view moved (a cut: the motion guard's case).
   */
  unseenEdges(displayMs: number): Rect[] {
    const frame = this.#frame;
    const newest = this.#pictures.get(this.#newestPictureMs);
    if (!frame || !newest) return [];
    // A result as new as the pictures (or newer) leaves only the motion since its frame unseen. Its frame's picture
    // may have been skipped (every readback busy): the newest before it stands in, and uncovers more, not less.
    const from = this.#resultMs < this.#newestPictureMs ? this.#pictureAtOrBefore(this.#resultMs) : newest;
    if (from?.chain !== newest.chain) return [];
    const fromMs = Math.max(this.#resultMs, this.#newestPictureMs);
    // The view moves on past the newest picture: it lands a frame or two before the frame it is drawn on.
    const then = this.#step && { step: this.#step.step, fraction: Math.max(0, displayMs - fromMs) / this.#step.ms };
    const { width, height } = newest.levels[0]!;
    const u = uncovered(from.view, newest.view, { width, height }, then);
    const k = frame.width / width;
    const o = this.#o.unseen;
    return unseenEdges(
      { left: u.left * k, right: u.right * k, top: u.top * k, bottom: u.bottom * k },
      frame,
      Math.max(o.margin * Math.min(frame.width, frame.height), o.faceMargin * this.#largestFace()),
      o.minLumaPx * k,
    );
  }

  /** Width of the largest face tracked (its newest detection), 0 when there is none. */
  #largestFace(): number {
    return this.#tracks.reduce((w, t) => Math.max(w, t.anchor.box.w), 0);
  }

  #pictureAtOrBefore(ms: number): Picture | undefined {
    let best: number | undefined;
    for (const t of this.#pictures.keys()) if (t <= ms && (best === undefined || t > best)) best = t;
    return best === undefined ? undefined : this.#pictures.get(best);
  }

  /**
   * Holds missed faces (edge-only ones too) at least `ms` (never less than the configured holds): when the detector
   * spreads its tiles over several calls, a face that only a tile sees is re-detected once a cycle, and must stay
   * covered in between.
   */
  holdAtLeast(ms: number): void {
    this.#o.holdMs = Math.max(this.#base.holdMs, ms);
    this.#o.edgeHoldMs = Math.max(this.#base.edgeHoldMs, ms);
    this.#o.unconfirmedHoldMs = Math.max(this.#base.unconfirmedHoldMs, ms);
  }

  /**
   * The picture jumped by the frame displayed at `ms` (a whip or a cut: the motion guard blurred that frame whole).
   * Once a result captured after it arrives, a face last detected before the jump and not found by that result
   * ends: it is held in a place that means nothing in the new view. (A face the detector misses in the new view is
   * covered by neither: the old place is not where it is.)
   */
  jumped(ms: number): void {
    this.#jumpMs = Math.max(this.#jumpMs, ms);
  }

  /** Forgets every face (e.g. on a camera switch); ids keep counting up. */
  reset(): void {
    this.#tracks = [];
    this.#frame = undefined;
    this.#pictures.clear();
    this.#newestPictureMs = -Infinity;
    this.#resultMs = -Infinity;
    this.#jumpMs = -Infinity;
    this.#step = undefined;
  }
}
