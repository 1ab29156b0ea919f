import { describe, expect, it } from 'vitest';
import type { Detection, Rect } from '../core/types';
import { DEFAULT_TRACKER_OPTIONS } from './options';
import type { Luma } from './patch-motion';
import { scene } from '../testing/picture-test-utils';
import { mulberry32 as rng } from '../testing/random';
import { coveredFraction, intersect } from './rect';
import { type TrackedFace, Tracker } from './tracker';

const FRAME = { width: 640, height: 360 };
const DT = 1000 / 30;
const at = (frame: number) => frame * DT;

function det(box: Rect): Detection {
  return { box, score: 0.9, keypoints: [] };
}

interface Scene {
  frames: number;
  /** True face boxes on frame i (index = face). */
  truth: (i: number) => Rect[];
  /** Which faces the detector reports for frame i; all by default. */
  visible?: (i: number, face: number) => boolean;
  /** Detector runs on frames where i % every === 0. */
  every?: number;
  /** Frames between capture and the result reaching the tracker. */
  latency?: number;
  noise?: (box: Rect) => Rect;
  /** Frame i's small luma image, seen (Tracker.see) a frame late, as live mode's readback lands. */
  picture?: (i: number) => Luma;
}

interface Step {
  frame: number;
  truth: Rect[];
  faces: TrackedFace[];
}

/** Plays a scene: results for frame i - latency arrive before frame i is displayed. */
function play(s: Scene, tracker = new Tracker()): Step[] {
  const every = s.every ?? 1;
  const latency = s.latency ?? 0;
  const steps: Step[] = [];
  for (let i = 0; i < s.frames; i++) {
    const c = i - latency;
    if (c >= 0 && c % every === 0) {
      const boxes = s.truth(c).filter((_, f) => s.visible?.(c, f) ?? true);
      tracker.update(
        boxes.map((b) => det(s.noise ? s.noise(b) : b)),
        at(c),
        FRAME,
      );
    }
    if (s.picture && i >= 1) tracker.see(at(i - 1), s.picture(i - 1));
    steps.push({ frame: i, truth: s.truth(i), faces: tracker.faces(at(i)) });
  }
  return steps;
}

/** Best share of the true box's visible part inside any drawn box (drawn boxes are clipped to the frame). */
function coverage(truth: Rect, faces: readonly TrackedFace[]): number {
  const inView = intersect(truth, { x: 0, y: 0, w: FRAME.width, h: FRAME.height });
  return Math.max(0, ...faces.map((f) => coveredFraction(inView, f.box)));
}

/** Frames 0 .. frames - 1: `box` detected on each with no latency, and drawn. */
function seenFor(t: Tracker, box: Rect, frames: number): void {
  for (let i = 0; i < frames; i++) {
    t.update([det(box)], at(i), FRAME);
    t.faces(at(i));
  }
}

function bestId(truth: Rect, faces: readonly TrackedFace[]): number | undefined {
  let best: TrackedFace | undefined;
  for (const f of faces) if (!best || coveredFraction(truth, f.box) > coveredFraction(truth, best.box)) best = f;
  return best?.id;
}

const moving =
  (x0: number, y0: number, vx: number, vy: number, size = 64) =>
  (i: number): Rect[] => [{ x: x0 + vx * i, y: y0 + vy * i, w: size, h: size }];

describe('Tracker', () => {
  it('covers a new face on the first faces() call after its first update', () => {
    const t = new Tracker();
    const face = { x: 300, y: 150, w: 64, h: 64 };
    expect(t.faces(at(0))).toEqual([]);
    t.update([det(face)], at(0), FRAME);
    const out = t.faces(at(2));
    expect(out).toHaveLength(1);
    expect(coveredFraction(face, out[0]!.box)).toBe(1);
    expect(out[0]!.held).toBe(false);
  });

  it('keeps the id of a face occluded for 10 frames that reappears nearby', () => {
    const steps = play({
      frames: 60,
      latency: 2,
      truth: moving(200, 150, 2, 0.5),
      visible: (i) => i < 20 || i >= 30,
    });
    const ids = new Set(steps.flatMap((s) => s.faces.map((f) => f.id)));
    expect([...ids]).toEqual([1]);
    for (const s of steps.slice(2)) expect(coverage(s.truth[0]!, s.faces)).toBeGreaterThanOrEqual(0.8);
  });

  it('keeps a face crossing the frame in 10 frames covered despite 2 frames of latency', () => {
    const steps = play({ frames: 10, latency: 2, truth: moving(0, 150, 57.6, 0) });
    // Frame 2 shows the first result: one box, no velocity yet, and the face already 115 px (1.8 faces) away.
    // From the second result on the velocity is known.
    expect(steps[2]!.faces).toHaveLength(1);
    for (const s of steps.slice(3))
      expect(coverage(s.truth[0]!, s.faces), `frame ${s.frame}`).toBeGreaterThanOrEqual(0.8);
  });

  it('covers a face moving at walking pace on every frame from the first result', () => {
    // Across the frame in 2 s (about 5 face widths per second).
    const steps = play({ frames: 60, latency: 2, truth: moving(0, 150, 9.6, 0) });
    for (const s of steps.slice(2))
      expect(coverage(s.truth[0]!, s.faces), `frame ${s.frame}`).toBeGreaterThanOrEqual(0.8);
  });

  it('covers a moving face on every frame when detecting every 3rd frame with 2 frames of latency', () => {
    const steps = play({ frames: 90, every: 3, latency: 2, truth: moving(100, 80, 6, 2) });
    for (const s of steps.slice(2))
      expect(coverage(s.truth[0]!, s.faces), `frame ${s.frame}`).toBeGreaterThanOrEqual(0.8);
  });

  it('keeps covering through 300 ms of empty detector results', () => {
    for (const [vx, vy] of [
      [0, 0],
      [3, 1],
    ] as const) {
      const steps = play({
        frames: 60,
        latency: 2,
        truth: moving(250, 120, vx, vy),
        visible: (i) => i < 20 || i >= 29, // frames 20..28: 300 ms with nothing found
      });
      for (const s of steps.slice(2)) expect(coverage(s.truth[0]!, s.faces), `frame ${s.frame}`).toBe(1);
      expect(steps[25]!.faces[0]!.held).toBe(true);
      expect(steps[40]!.faces[0]!.held).toBe(false);
    }
  });

  it('does not shimmer on a still face with ±1 px detection noise', () => {
    const r = rng(7);
    const n = () => 2 * r() - 1;
    const steps = play({
      frames: 150,
      truth: moving(300, 150, 0, 0),
      noise: (b) => ({ x: b.x + n(), y: b.y + n(), w: b.w + n(), h: b.h + n() }),
    });
    const boxes = steps.slice(30).map((s) => s.faces[0]!.box);
    let moved = 0;
    for (let i = 1; i < boxes.length; i++) {
      const [a, b] = [boxes[i - 1]!, boxes[i]!];
      moved += Math.max(
        Math.abs(b.x - a.x),
        Math.abs(b.y - a.y),
        Math.abs(b.x + b.w - a.x - a.w),
        Math.abs(b.y + b.h - a.y - a.h),
      );
    }
    expect(moved / (boxes.length - 1)).toBeLessThan(1);
    for (const s of steps) expect(coverage(s.truth[0]!, s.faces)).toBe(1);
  });

  it("does not pulse with the detector's cadence: a still face seen every 3rd frame, 3 frames late, keeps one box", () => {
    const steps = play({ frames: 90, every: 3, latency: 3, truth: moving(300, 150, 0, 0) });
    const widths = steps.slice(30).map((s) => s.faces[0]!.box.w);
    expect(Math.max(...widths) - Math.min(...widths)).toBeLessThan(1);
    for (const s of steps.slice(3)) expect(coverage(s.truth[0]!, s.faces)).toBe(1);
  });

  it('keeps distinct ids for two faces crossing each other', () => {
    const truth = (i: number): Rect[] => [
      { x: 100 + 8 * i, y: 140, w: 64, h: 64 },
      { x: 476 - 8 * i, y: 160, w: 64, h: 64 },
    ];
    for (const hidden of [false, true]) {
      // Optionally the far face is hidden behind the near one while they overlap.
      const visible = (i: number, f: number) => !hidden || f === 0 || Math.abs(truth(i)[0]!.x - truth(i)[1]!.x) > 64;
      const steps = play({ frames: 48, latency: 2, truth, visible });
      const idsA = new Set(steps.slice(2).map((s) => bestId(s.truth[0]!, s.faces)));
      const idsB = new Set(steps.slice(2).map((s) => bestId(s.truth[1]!, s.faces)));
      expect(idsA.size, `hidden=${hidden}`).toBe(1);
      expect(idsB.size, `hidden=${hidden}`).toBe(1);
      expect([...idsA][0]).not.toBe([...idsB][0]);
      for (const s of steps.slice(2)) for (const b of s.truth) expect(coverage(b, s.faces)).toBeGreaterThanOrEqual(0.8);
    }
  });

  it('drops a face that leaves the frame, long before holdMs', () => {
    const truth = moving(500, 150, 10, 0);
    // The detector stops finding it once less than half of it is in view (from frame 11).
    const steps = play({ frames: 30, latency: 2, truth, visible: (i) => truth(i)[0]!.x + 32 <= 640 });
    const gone = steps.findIndex((s) => s.faces.length === 0 && s.frame > 2);
    expect(gone).toBeGreaterThan(0);
    expect(at(gone) - at(11)).toBeLessThan(400);
    for (const s of steps.slice(2, gone)) expect(coverage(s.truth[0]!, s.faces), `frame ${s.frame}`).toBe(1);
  });

  it('drops a face after holdMs of detector results without it', () => {
    const t = new Tracker({ holdMs: 500 });
    t.update([det({ x: 300, y: 150, w: 64, h: 64 })], 0, FRAME);
    t.update([det({ x: 300, y: 150, w: 64, h: 64 })], 100, FRAME);
    t.update([], 580, FRAME);
    expect(t.faces(600)).toHaveLength(1);
    t.update([], 620, FRAME);
    expect(t.faces(640)).toEqual([]);
  });

  it('holds a box the detector never found again only briefly', () => {
    const t = new Tracker({ holdMs: 1000, unconfirmedHoldMs: 150 });
    t.update([det({ x: 300, y: 150, w: 64, h: 64 })], 0, FRAME);
    t.update([], 100, FRAME);
    expect(t.faces(120)).toHaveLength(1);
    t.update([], 200, FRAME);
    expect(t.faces(220)).toEqual([]);
  });

  it('keeps covering while the detector is silent, since absence was never observed', () => {
    const t = new Tracker({ holdMs: 500 });
    const face = { x: 300, y: 150, w: 64, h: 64 };
    t.update([det(face)], 0, FRAME);
    const out = t.faces(2000);
    expect(out).toHaveLength(1);
    expect(coveredFraction(face, out[0]!.box)).toBe(1);
  });

  it('does not let one bad detection fling a held box across the frame', () => {
    const t = new Tracker();
    const face = { x: 300, y: 150, w: 64, h: 64 };
    seenFor(t, face, 30);
    t.update([det({ ...face, x: face.x + 40 })], at(30), FRAME);
    for (let i = 31; i < 60; i++) {
      t.update([], at(i), FRAME);
      const [f] = t.faces(at(i));
      expect(f).toBeDefined();
      expect(coveredFraction(face, f!.box)).toBe(1);
      expect(f!.box.x + f!.box.w / 2).toBeLessThan(face.x + face.w / 2 + 2 * face.w);
    }
  });

  it('grows a held box and shrinks it again no faster than a face moves', () => {
    const face = { x: 300, y: 150, w: 64, h: 64 };
    const steps = play({ frames: 90, truth: () => [face], visible: (i) => i < 10 || i >= 40 });
    const w = steps.map((s) => s.faces[0]!.box.w);
    expect(w[39]!).toBeGreaterThan(w[9]! * 1.2);
    const step = 2 * DEFAULT_TRACKER_OPTIONS.faceSpeed * 64 * (DT / 1000); // both edges, at faceSpeed (face sizes/s)
    for (let i = 41; i < 90; i++) expect(w[i - 1]! - w[i]!).toBeLessThanOrEqual(step + 1e-9);
  });

  it('follows a still face that suddenly moves fast', () => {
    const truth = (i: number): Rect[] => [{ x: 200 + Math.max(0, i - 30) * 10, y: 150, w: 64, h: 64 }];
    const steps = play({ frames: 60, latency: 2, truth });
    for (const s of steps.slice(2))
      expect(coverage(s.truth[0]!, s.faces), `frame ${s.frame}`).toBeGreaterThanOrEqual(0.8);
  });

  it.each([100, 250, 500, 1100])(
    'keeps a still face covered where it was found after the picture jumped, results %i ms apart',
    (gap) => {
      // As the whip-pan e2e test saw it on a loaded machine (320x240): a still face, then a detection of the picture
      // after a 100 px jump, and nothing more for over a second. Read as motion, the jump gave the track a speed
      // that carried its box off the face (and, at 1.1 s, out of the frame, where the track was dropped); the face
      // has not moved since that detection.
      const frame = { width: 320, height: 240 };
      const t = new Tracker();
      const before = { x: 108, y: 46, w: 65, h: 65 };
      for (let ms = 0; ms <= 5000; ms += gap) {
        t.update([det(before)], ms, frame);
        for (let d = ms + 33; d < ms + gap; d += 33) t.faces(d);
      }
      const after = { x: 9, y: 46, w: 64, h: 64 };
      const jumpMs = 5000 + gap;
      t.update([det(after)], jumpMs, frame);
      for (let ms = jumpMs; ms <= jumpMs + 1200; ms += 33)
        expect(coverage(after, t.faces(ms)), `${ms - jumpMs} ms after`).toBe(1);
    },
  );

  it('never reuses ids after reset', () => {
    const t = new Tracker();
    t.update([det({ x: 10, y: 10, w: 50, h: 50 })], 0, FRAME);
    const [before] = t.faces(0);
    t.reset();
    expect(t.faces(10)).toEqual([]);
    t.update([det({ x: 10, y: 10, w: 50, h: 50 })], 20, FRAME);
    expect(t.faces(20)[0]!.id).not.toBe(before!.id);
  });
});

describe('Tracker with motion the faces share', () => {
  // Three faces on a camera that pans right at 6 px/frame; detections every 3rd frame, 3 frames late.
  const pan = (i: number): Rect[] => [100, 300, 500].map((x) => ({ x: x - 200 + 6 * i, y: 150, w: 60, h: 60 }));

  it('moves a face the detector misses with the faces it still finds', () => {
    const steps = play({ frames: 60, every: 3, latency: 3, truth: pan, visible: (i, f) => f !== 1 || i < 21 });
    // Last seen on frame 18: held until results from 1 s later, from frame 52.
    for (const s of steps.slice(24, 52))
      expect(coverage(s.truth[1]!, s.faces), `frame ${s.frame}`).toBeGreaterThanOrEqual(0.8);
  });

  it('lets a missed face grow by what the scene measures, not as if nothing were known', () => {
    const still = (): Rect[] => pan(0).map((b) => ({ ...b, x: b.x + 250 }));
    const grown = (visibleOthers: boolean) => {
      const steps = play({
        frames: 40,
        every: 3,
        latency: 3,
        truth: still,
        visible: (i, f) => i < 21 || (visibleOthers && f !== 1),
      });
      return steps[33]!.faces.find((f) => coverage(still()[1]!, [f]) === 1)!.box.w / 60;
    };
    // Alone (every face missed) the box grows with generic doubt, to the cap; among still faces that are found it
    // keeps the size it had while seen.
    expect(grown(false)).toBeGreaterThan(2.9);
    expect(grown(true)).toBeLessThan(2.2);
  });

  it('starts a new face in a panning scene moving with the scene', () => {
    // The third face is first found on frame 30 and first drawn on frame 33, when the pan has carried it 18 px on.
    const steps = play({ frames: 45, every: 3, latency: 3, truth: pan, visible: (i, f) => f !== 2 || i >= 30 });
    for (const s of steps.slice(33))
      expect(coverage(s.truth[2]!, s.faces), `frame ${s.frame}`).toBeGreaterThanOrEqual(0.8);
    const seen = pan(30)[2]!;
    const drawn = steps[33]!.faces.find((f) => coverage(steps[33]!.truth[2]!, [f]) > 0.5)!.box;
    expect(drawn.x + drawn.w / 2 - (seen.x + seen.w / 2)).toBeGreaterThan(12);
  });
});

describe('faces followed in the picture between detections', () => {
  // A camera pan that speeds up and slows down (0 to 9 px a frame and back): the filter's velocity is always
  // stale, so without pictures only wide margins keep the face covered. The face is textured like the rest.
  const pan = (i: number) => (270 * (1 - Math.cos((Math.PI * i) / 60))) / 2;
  const face = (i: number): Rect => ({ x: 120 + pan(i), y: 140, w: 48, h: 56 });
  const base = { frames: 60, truth: (i: number) => [face(i)], every: 6, latency: 4 };
  const picture = (i: number) => scene(320, 180, pan(i) / 2, 0);
  const area = (steps: Step[]) => steps.reduce((a, s) => a + s.faces.reduce((b, f) => b + f.box.w * f.box.h, 0), 0);
  const worst = (steps: Step[]) =>
    Math.min(...steps.slice(base.latency).map((s) => coveredFraction(s.truth[0]!, s.faces[0]!.box)));

  it('keeps the face covered on every frame with far tighter boxes than the prediction alone', () => {
    const blind = play(base);
    const seeing = play({ ...base, picture });
    expect(worst(seeing)).toBeGreaterThanOrEqual(0.99);
    expect(worst(blind)).toBeGreaterThanOrEqual(0.99);
    expect(area(seeing)).toBeLessThan(0.6 * area(blind));
  });

  // The view pans as before, but around the face the picture is new texture each frame (something passing in
  // front): no match passes there.
  const elsewhere = (i: number) => {
    const p = picture(i);
    const data = Float32Array.from(p.data);
    const other = scene(320, 180, 1000 + 137 * i, 77 * i);
    const f = face(i);
    for (let y = Math.floor(f.y / 2) - 20; y < (f.y + f.h) / 2 + 20; y++) {
      for (let x = Math.floor(f.x / 2) - 20; x < (f.x + f.w) / 2 + 20; x++)
        data[y * 320 + x] = other.data[y * 320 + x]!;
    }
    return { ...p, data };
  };

  it('falls back to the prediction where the face cannot be found in the picture', () => {
    const blind = play(base);
    const lost = play({ ...base, picture: elsewhere });
    expect(lost.map((s) => s.faces.map((f) => f.box))).toEqual(blind.map((s) => s.faces.map((f) => f.box)));
  });

  it('carries a face the detector and the picture both lost with the view, where the pan takes it', () => {
    // Last found on frame 12; the pan goes on at 5-7 px a frame, measured at the picture's borders.
    const lost = { ...base, visible: (i: number) => i < 12 };
    const held = (steps: Step[]) => steps.slice(20, 40).map((s) => coverage(s.truth[0]!, s.faces));
    expect(Math.min(...held(play({ ...lost, picture: elsewhere })))).toBeGreaterThanOrEqual(0.8);
    expect(Math.min(...held(play(lost)))).toBeLessThan(0.5);
  });

  it('follows a face the detector has stopped finding, while the picture still shows it, for the hold', () => {
    // Last found on frame 6; the hold (1 s) ends on frame 36.
    const steps = play({ ...base, picture, visible: (i) => i < 12 });
    expect(
      steps
        .slice(base.latency, 36)
        .every((s) => s.faces.length === 1 && coveredFraction(s.truth[0]!, s.faces[0]!.box) >= 0.99),
    ).toBe(true);
  });
});

describe('a still photo shown to the camera, on a slow machine', () => {
  it("keeps a small face's box within 1.6 times its width: each result carries on what the picture showed", () => {
    // 1280x720 at 10 frames a second; every frame is detected and its result lands a frame later, just after its
    // picture: the next picture that could find the new result's face comes after the next result. Boxes ±1 px.
    // Covered by the prediction alone after each result: 1.64 at the median; carrying the sighting on: 1.52.
    const frame = { width: 1280, height: 720 };
    const ms = (i: number) => i * 100;
    const r = rng(3);
    const still = scene(320, 180, 0, 0);
    const t = new Tracker();
    const ratios: number[] = [];
    for (let i = 1; i < 100; i++) {
      const jitter = () => (r() - 0.5) * 2;
      t.see(ms(i - 1), still);
      t.update([det({ x: 600 + jitter(), y: 300 + jitter(), w: 34 + jitter(), h: 42 + jitter() })], ms(i - 1), frame);
      if (i >= 20) ratios.push(Math.max(...t.faces(ms(i)).map((f) => f.box.w)) / 34);
    }
    ratios.sort((a, b) => a - b);
    expect(ratios[ratios.length >> 1]).toBeLessThanOrEqual(1.6);
  });
});

describe('boxes only the edge threshold kept', () => {
  const box = { x: 0, y: 150, w: 40, h: 40 };
  const edgeDet: Detection = { ...det(box), score: 0.15, edge: true };
  const flat: Luma = { width: 320, height: 180, data: new Float32Array(320 * 180).fill(120) };
  const started = (picture: Luma | undefined, d: Detection) => {
    const t = new Tracker();
    if (picture) t.see(0, picture);
    t.update([d], 0, FRAME);
    return t.faces(DT).length;
  };

  it('start a track where the picture of their frame shows texture, or where there is no picture', () => {
    expect(started(scene(320, 180, 0, 0), edgeDet)).toBe(1);
    expect(started(undefined, edgeDet)).toBe(1);
  });

  it('start none on a flat patch (a wall at the border), unlike a box over the threshold there', () => {
    expect(started(flat, edgeDet)).toBe(0);
    expect(started(flat, det(box))).toBe(1);
  });

  it('are held edgeHoldMs, not holdMs, until the detector sees the face over its threshold', () => {
    const { edgeHoldMs, holdMs } = DEFAULT_TRACKER_OPTIONS;
    const inside = { ...box, x: 300 };
    const heldFor = (first: Detection[]) => {
      const t = new Tracker();
      first.forEach((d, i) => t.update([d], i * 100, FRAME));
      const last = (first.length - 1) * 100;
      let ms = last;
      while (ms < last + 2000) {
        ms += 100;
        t.update([], ms, FRAME);
        if (t.faces(ms).length === 0) break;
      }
      return ms - last;
    };
    // Away from the border, so that the predicted box never leaves the frame first.
    const weak: Detection = { ...edgeDet, box: inside };
    expect(heldFor([weak])).toBe(edgeHoldMs + 100);
    expect(heldFor([weak, det(inside)])).toBe(holdMs + 100);
    expect(heldFor([det(inside), weak])).toBe(holdMs + 100);
  });
});

describe('strips a pan brought into view since the newest result', () => {
  // The view pans 3 luma px (6 frame px) a frame: its content moves left and new content enters at the right.
  const panning = (i: number) => scene(320, 180, -3 * i, 0);
  const margin = DEFAULT_TRACKER_OPTIONS.unseen.margin * FRAME.height;
  const unseenAfter = (pictures: (i: number) => Luma, resultFrame: number, shown: number) => {
    const t = new Tracker();
    t.see(at(0), pictures(0));
    t.update([], at(0), FRAME);
    for (let i = 1; i < shown; i++) {
      t.see(at(i), pictures(i));
      if (i === resultFrame) t.update([], at(i), FRAME);
    }
    return t.unseenEdges(at(shown));
  };

  it("cover what entered at the leading border since the result's frame, up to the frame shown", () => {
    // Result from frame 0, pictures up to frame 6, frame 7 shown: 7 frames of 6 px, and the margin.
    const [strip, ...rest] = unseenAfter(panning, 0, 7);
    expect(rest).toEqual([]);
    expect(strip!.x + strip!.w).toBeCloseTo(FRAME.width);
    expect(strip!.w).toBeGreaterThan(7 * 6 + margin - 2);
    expect(strip!.w).toBeLessThan(7 * 6 + margin + 2);
  });

  it("cover only the frame's own share when the result is as new as the pictures", () => {
    const [strip] = unseenAfter(panning, 6, 7);
    expect(strip!.w).toBeGreaterThan(6 + margin - 1);
    expect(strip!.w).toBeLessThan(6 + margin + 1);
  });

  it('are none for a still view, or across a cut (the motion guard blurs that frame whole)', () => {
    expect(unseenAfter(() => scene(320, 180, 0, 0), 0, 7)).toEqual([]);
    expect(unseenAfter((i) => (i < 4 ? panning(i) : scene(320, 180, 900, -500)), 0, 7)).toEqual([]);
  });
});

describe('a face the left or right border cuts', () => {
  it('is covered as far into the frame as it shows, not only where its narrow box lies', () => {
    // A 96x120 face half out at the right: the detector boxes its visible middle, as tall as the face, half as wide.
    const face = { x: 592, y: 120, w: 96, h: 120 };
    const t = new Tracker();
    t.update([det({ x: 600, y: 120, w: 40, h: 120 })], at(0), FRAME);
    expect(coverage(face, t.faces(at(0)))).toBeGreaterThan(0.95);
    const narrow = new Tracker({ cutFaceAspect: 0 });
    narrow.update([det({ x: 600, y: 120, w: 40, h: 120 })], at(0), FRAME);
    expect(coverage(face, narrow.faces(at(0)))).toBeLessThan(0.9);
  });
});

describe('a face the border cuts, followed in the picture', () => {
  it('moves with the content it was found on, by the part of its box the picture shows', () => {
    // The view pans: content moves 6 frame px a frame to the left. The face is found once, cut by the right border.
    const panning = (i: number) => scene(320, 180, -3 * i, 0);
    const t = new Tracker();
    t.see(at(0), panning(0));
    t.update([det({ x: 600, y: 120, w: 40, h: 120 })], at(0), FRAME);
    const boxes: Rect[] = [];
    for (let i = 1; i <= 6; i++) {
      t.see(at(i), panning(i));
      boxes.push(t.faces(at(i))[0]!.box);
    }
    const last = boxes.at(-1)!;
    // Its inner edge went 36 px left with the content (the completed box's is at 558), and the box stays a face's size.
    expect(last.x).toBeLessThan(558 - 36 + 4);
    expect(last.x).toBeGreaterThan(558 - 36 - 50);
    expect(last.h).toBeLessThan(2 * 120);
  });
});

describe('strips beside the faces in view', () => {
  it('are at least faceMargin of the largest face wide: an entering face as large is found only once most of it shows', () => {
    const panning = (i: number) => scene(320, 180, -3 * i, 0);
    const strip = (faceW: number) => {
      const t = new Tracker();
      t.see(at(0), panning(0));
      t.update([det({ x: 200, y: 100, w: faceW, h: faceW * 1.25 })], at(0), FRAME);
      for (let i = 1; i < 3; i++) t.see(at(i), panning(i));
      return t.unseenEdges(at(3))[0]!;
    };
    const { unseen } = DEFAULT_TRACKER_OPTIONS;
    // Small faces: the frame's margin; a 160 px face: 64 px, more than the frame's 29.
    expect(strip(30).w).toBeLessThan(3 * 6 + unseen.margin * FRAME.height + 2);
    expect(strip(160).w).toBeGreaterThan(unseen.faceMargin * 160 + 3 * 6 - 2);
    expect(unseen.faceMargin * 160).toBeGreaterThan(unseen.margin * FRAME.height + 10);
  });
});

describe("strips when the result's own picture never came back", () => {
  it('are measured from the newest picture before it, so they are wider, not missing', () => {
    const panning = (i: number) => scene(320, 180, -3 * i, 0);
    const strip = (skipResultPicture: boolean) => {
      const t = new Tracker();
      for (let i = 0; i < 7; i++) {
        if (!(skipResultPicture && i === 2)) t.see(at(i), panning(i));
        if (i === 2) t.update([], at(2), FRAME);
      }
      return t.unseenEdges(at(7));
    };
    const [seen] = strip(false);
    const [skipped] = strip(true);
    expect(seen!.x + seen!.w).toBeCloseTo(FRAME.width);
    expect(skipped!.w).toBeGreaterThan(seen!.w + 4);
  });
});

describe('a cut', () => {
  it('ends the faces of the shot before it once a result from the new shot arrives', () => {
    // A face at the left until frame 9, then a cut to another view (no face there); pictures every frame.
    const picture = (i: number) => (i < 10 ? scene(320, 180, 0, 0) : scene(320, 180, 900, -500));
    const face = { x: 100, y: 120, w: 60, h: 60 };
    const steps = play({ frames: 20, every: 3, latency: 3, picture, truth: (i) => (i < 10 ? [face] : []) });
    // The result of frame 12 (the new shot: nothing found) lands before frame 15 is drawn.
    expect(steps[14]!.faces).toHaveLength(1);
    expect(steps[15]!.faces).toEqual([]);
  });

  it('is not read into a flat view (a dark room): a missed face is held there as anywhere', () => {
    const flat = () => ({ width: 320, height: 180, data: new Float32Array(320 * 180).fill(40) });
    const face = { x: 100, y: 120, w: 60, h: 60 };
    const steps = play({
      frames: 20,
      every: 3,
      latency: 3,
      picture: flat,
      truth: () => [face],
      visible: (i) => i < 10,
    });
    expect(steps.slice(3).every((s) => coverage(face, s.faces) === 1)).toBe(true);
  });
});

describe('a held face', () => {
  it('moves with the scene without sweeping the path it was carried along', () => {
    // Three faces panning right at 6 px/frame, detected every frame; the middle one is missed from frame 10.
    const pan = (i: number): Rect[] => [100, 300, 500].map((x) => ({ x: x - 200 + 6 * i, y: 150, w: 60, h: 60 }));
    const steps = play({ frames: 30, truth: pan, visible: (i, f) => f !== 1 || i < 10 });
    const g = DEFAULT_TRACKER_OPTIONS.maxGrowth;
    for (const s of steps.slice(10)) {
      const held = s.faces.find((f) => f.held)!;
      expect(coverage(s.truth[1]!, [held]), `frame ${s.frame}`).toBe(1);
      // Its last detection with the doubt capped around it: 120 px of the pan behind it would be a sweep.
      expect(held.box.w, `frame ${s.frame}`).toBeLessThanOrEqual((1 + 2 * g) * 60 + 12);
    }
  });

  it('takes the size of the face when it is found again, instead of shrinking slowly from its held box', () => {
    const face = { x: 300, y: 150, w: 64, h: 64 };
    const steps = play({ frames: 45, truth: () => [face], visible: (i) => i < 10 || i >= 40 });
    expect(steps[39]!.faces[0]!.box.w).toBeGreaterThan(1.5 * face.w);
    expect(steps[40]!.faces[0]!.box.w).toBeLessThan(1.5 * face.w);
    for (const s of steps) expect(coverage(face, s.faces), `frame ${s.frame}`).toBe(1);
  });

  it("starts over from each face's cover after a frame blurred whole, not from the box drawn before it", () => {
    // Seen at one place, then the picture jumps by a face's width (a whip: 3 frames blurred whole, or not).
    const before = { x: 100, y: 150, w: 64, h: 64 };
    const after = { x: 164, y: 150, w: 64, h: 64 };
    const drawn = (blurredWhole: boolean) => {
      const t = new Tracker();
      seenFor(t, before, 10);
      t.faces(at(10), blurredWhole);
      t.faces(at(11), blurredWhole);
      t.update([det(after)], at(12), FRAME);
      t.faces(at(12), blurredWhole);
      const [f] = t.faces(at(13));
      expect(coveredFraction(after, f!.box)).toBe(1);
      return f!.box;
    };
    // Shown, the box retreats from the old place no faster than a face moves; blurred whole, nothing of it was seen.
    const [hidden, shown] = [drawn(true), drawn(false)];
    expect(hidden.x).toBeGreaterThan(shown.x + 4);
    expect(hidden.x + hidden.w).toBeLessThanOrEqual(shown.x + shown.w);
  });

  it('ends once a result captured after a jump the motion guard caught misses it, not before', () => {
    const face = { x: 300, y: 150, w: 64, h: 64 };
    const held = (jump: boolean) => {
      const t = new Tracker();
      seenFor(t, face, 5);
      if (jump) t.jumped(at(7));
      t.faces(at(7), jump);
      // A result from before the jump (the detector's latency) misses the face: held as ever...
      t.update([], at(6), FRAME);
      const before = t.faces(at(9)).length;
      // ...and one from after it misses it too.
      t.update([], at(8), FRAME);
      return [before, t.faces(at(11)).length];
    };
    expect(held(false)).toEqual([1, 1]);
    expect(held(true)).toEqual([1, 0]);
  });

  it('keeps a box bounded by its last detection, however much growth the filter guessed', () => {
    // Growing fast (a zoom) until frame 9, then missed: the filter's size rate would keep growing it.
    const truth = (i: number): Rect[] => [{ x: 300 - 2 * i, y: 150 - 2 * i, w: 40 + 4 * i, h: 40 + 4 * i }];
    const steps = play({ frames: 40, every: 3, latency: 3, truth, visible: (i) => i < 10 });
    const last = truth(9)[0]!.w;
    for (const s of steps.slice(13))
      for (const f of s.faces)
        expect(f.box.w, `frame ${s.frame}`).toBeLessThanOrEqual((2 + 2 * DEFAULT_TRACKER_OPTIONS.maxGrowth) * last);
  });
});
