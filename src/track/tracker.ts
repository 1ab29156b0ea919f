import type { Detection, Rect } from '../detect/types';
import { associate } from './associate';
import { fitMotionField, type MotionSample } from './global-motion';
import { DEFAULT_TRACKER_OPTIONS, type TrackerOptions } from './options';
import { Track, clipToFrame } from './track';

export interface TrackedFace {
  /** Unique for the tracker's lifetime, reset() included, so per-face state elsewhere cannot be inherited by a stranger. */
  id: number;
  /** Box to draw on the frame displayed at the requested time, in frame pixels, clipped to the frame. */
  box: Rect;
  /** Capture time of the last detection of this face. */
  lastSeenMs: number;
  /** True while coasting: the detector's latest result did not contain this face. */
  held: boolean;
}

export interface FrameSize {
  width: number;
  height: number;
}

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

  constructor(o: Partial<TrackerOptions> = {}) {
    this.#o = { ...DEFAULT_TRACKER_OPTIONS, ...o };
    this.#base = { ...this.#o };
  }

  /** Detections of the frame captured at `captureMs` (in the past by the detector's latency). */
  update(dets: readonly Detection[], captureMs: number, frame: FrameSize): void {
    this.#frame = { width: frame.width, height: frame.height };
    const a = associate(this.#tracks.map((t) => t.gateAt(captureMs)), dets.map((d) => d.box), this.#o);
    const diagonal = Math.hypot(frame.width, frame.height);
    for (const [t, d] of a.matches) this.#tracks[t]!.correct(dets[d]!.box, captureMs, diagonal);
    // What the found faces share (a pan, a zoom, a shake) carries the missed ones and starts the new ones.
    const samples = a.matches.map(([t]) => this.#tracks[t]!.motionSample()).filter((m): m is MotionSample => m !== undefined);
    const fit = fitMotionField(samples);
    const field = fit && fit.spread <= this.#o.sharedMotion.maxSpread ? fit : undefined;
    for (const t of a.unmatchedTracks) {
      const track = this.#tracks[t]!;
      track.held = true;
      if (field) track.follow(field, captureMs);
    }
    // No minimum hit count: a face is covered from its first detection; a false positive only costs some blur.
    for (const d of a.unmatchedDets) this.#tracks.push(new Track(this.#nextId++, dets[d]!.box, captureMs, this.#o, field));
    // Expiry runs on detector time: only the detector looking and not finding a face is evidence it is gone.
    this.#tracks = this.#tracks.filter(
      (t) => captureMs - t.lastSeenMs <= this.#o.holdMs && !t.outsideAt(captureMs, frame),
    );
  }

  /** Boxes to blur on the frame displayed at `displayMs`; advances each box's smoothing, so call once per displayed frame. */
  faces(displayMs: number): TrackedFace[] {
    const frame = this.#frame;
    if (frame === undefined) return [];
    this.#tracks = this.#tracks.filter((t) => !t.outsideAt(displayMs, frame));
    return this.#tracks.map((t) => ({
      id: t.id,
      box: clipToFrame(t.drawAt(displayMs), frame),
      lastSeenMs: t.lastSeenMs,
      held: t.held,
    }));
  }

  /**
   * Holds missed faces at least `ms` (never less than the configured hold): when the detector spreads its tiles over
   * several calls, a face that only a tile sees is re-detected once a cycle, and must stay covered in between.
   */
  holdAtLeast(ms: number): void {
    this.#o.holdMs = Math.max(this.#base.holdMs, ms);
  }

  /** Forgets every face (e.g. on a camera switch); ids keep counting up. */
  reset(): void {
    this.#tracks = [];
    this.#frame = undefined;
  }
}
