import { describe, expect, it } from 'vitest';
import type { Detection, Rect } from '../core/types';
import type { Luma } from '../track/patch-motion';
import { coveredFraction } from '../track/rect';
import { mergeBoxes, trackOffline, trackOfflineFaces } from './offline-track';

const SIZE = { width: 640, height: 360 };
const det = (box: Rect): Detection => ({ box, score: 0.9, keypoints: [] });
/**
 * A 320x180 picture (a 640x360 frame's, lumaSize()) of seeded noise, one per `shot`; with `face`, a brighter textured
 * square drawn where that frame-pixel box lies, so the tracker finds it in the picture.
 */
function noise(shot: number, face?: Rect): Luma {
  const width = 320;
  const height = 180;
  const data = new Uint8Array(width * height);
  let s = shot * 2654435761;
  const next = () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s >>> 24;
  };
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = 40 + (next() >> 2);
  if (face) {
    for (let y = 0; y < face.h / 2; y++)
      for (let x = 0; x < face.w / 2; x++)
        data[(Math.round(face.y / 2) + y) * width + Math.round(face.x / 2) + x] = 150 + ((x * 7 + y * 13) % 9) * 10;
  }
  return { width, height, data };
}

/** A 60 px face moving right by `speed` px a frame from x = 100. */
const faceAt = (i: number, speed = 0): Rect => ({ x: 100 + speed * i, y: 120, w: 60, h: 60 });

describe('trackOffline', () => {
  it('with lookahead, covers a face in the frames before it was first detected', () => {
    // Moving at 6 px a frame (180 px/s at 30 fps), found only from frame 6 on.
    const dets = Array.from({ length: 15 }, (_, i) => (i >= 6 ? [det(faceAt(i, 6))] : []));
    const ahead = trackOffline(dets, SIZE, { fps: 30, lookahead: true });
    const live = trackOffline(dets, SIZE, { fps: 30, lookahead: false });
    for (let i = 0; i < 6; i++) {
      expect(live[i], `frame ${i} forward only`).toEqual([]);
      expect(ahead[i]).toHaveLength(1);
      expect(coveredFraction(faceAt(i, 6), ahead[i]![0]!), `frame ${i}`).toBeGreaterThan(0.95);
    }
    // Where both passes see the face, they merge into one mask.
    for (let i = 6; i < 15; i++) {
      expect(ahead[i]).toHaveLength(1);
      expect(coveredFraction(faceAt(i, 6), ahead[i]![0]!)).toBe(1);
    }
  });

  it('holds a face through misses in the middle, in both directions', () => {
    const seen = new Set([0, 1, 2, 7, 8, 9]);
    const dets = Array.from({ length: 10 }, (_, i) => (seen.has(i) ? [det(faceAt(i))] : []));
    for (const lookahead of [false, true]) {
      const faces = trackOffline(dets, SIZE, { fps: 10, lookahead });
      faces.forEach((f, i) => {
        expect(f, `frame ${i}`).toHaveLength(1);
        expect(coveredFraction(faceAt(i), f[0]!)).toBe(1);
      });
    }
  });

  it('lets a face go once it has been missed for longer than the hold, either way in time', () => {
    // Found in frames 19 and 20 of 41 at 10 fps: held 500 ms (5 frames) after, and with lookahead before.
    const dets = Array.from({ length: 41 }, (_, i) => (i === 19 || i === 20 ? [det(faceAt(0))] : []));
    const faces = trackOffline(dets, SIZE, { fps: 10, lookahead: true }).map((f) => f.length);
    expect(faces.slice(0, 13).every((n) => n === 0)).toBe(true);
    expect(faces.slice(15, 25).every((n) => n === 1)).toBe(true);
    expect(faces.slice(27).every((n) => n === 0)).toBe(true);
  });

  it('lets a box found once, and never again, go soon', () => {
    const dets = Array.from({ length: 41 }, (_, i) => (i === 20 ? [det(faceAt(0))] : []));
    const faces = trackOffline(dets, SIZE, { fps: 10, lookahead: true }).map((f) => f.length);
    expect(faces[20]).toBe(1);
    expect(faces.filter((n) => n > 0).length).toBeLessThanOrEqual(5);
  });

  it('holds a face only weak boxes found as briefly as a one-off box, unless they keep finding it in place', () => {
    // At 10 fps, missed for half a second between runs of detections at the same place: held across each gap when
    // it counts, not when only the rule for tall boxes kept it (Detection.weak) and only now and then (a hand), until
    // a box over the threshold finds it, or the weak boxes find it in place on result after result (a face the
    // border cuts), which is then held as an edge box is.
    const run = (found: number, kept: (i: number) => Partial<Detection>) => {
      const period = found + 5;
      const dets = Array.from({ length: 45 }, (_, i) =>
        i % period < found ? [{ ...det(faceAt(0)), ...kept(i) }] : [],
      );
      return trackOffline(dets, SIZE, { fps: 10, lookahead: true }).map((f) => f.length);
    };
    const weak = { score: 0.1, weak: true };
    const twice = run(2, () => weak);
    for (let i = 0; i < 45; i++) if (i % 7 < 2) expect(twice[i], `frame ${i}`).toBe(1);
    expect(twice.slice(3, 6)).toEqual([0, 0, 0]);
    expect(run(2, (i) => (i === 0 ? {} : weak)).every((n) => n === 1)).toBe(true);
    expect(run(5, () => weak).every((n) => n === 1)).toBe(true);
  });

  it('ends every face at a cut, in both directions', () => {
    // A face found in frames 0-9 of shot A, another in frames 10-19 of shot B, each missed on its last or first
    // frames: neither is held into the other shot.
    const a: Rect = { x: 100, y: 120, w: 60, h: 60 };
    const b: Rect = { x: 400, y: 100, w: 60, h: 60 };
    const dets = Array.from({ length: 20 }, (_, i) => (i < 8 ? [det(a)] : i >= 12 ? [det(b)] : []));
    const pictures = (i: number) => noise(i < 10 ? 1 : 2);
    const faces = trackOffline(dets, SIZE, { fps: 10, lookahead: true, pictures });
    for (let i = 0; i < 10; i++)
      expect(
        faces[i]!.every((f) => f.x < 300),
        `frame ${i}`,
      ).toBe(true);
    for (let i = 10; i < 20; i++)
      expect(
        faces[i]!.every((f) => f.x > 300),
        `frame ${i}`,
      ).toBe(true);
    // Without the pictures no cut is known, and each face is held across it.
    const blind = trackOffline(dets, SIZE, { fps: 10, lookahead: true });
    expect(blind[10]!.some((f) => f.x < 300) || blind[9]!.some((f) => f.x > 300)).toBe(true);
  });

  it('covers a missed face where the picture still shows it, not where its motion was heading', () => {
    // A face found in frames 0-2 moving right at 10 px a frame, then missed while it stopped (the picture shows
    // it standing at frame 2's place); seen again at frame 9.
    const place = (i: number): Rect => ({ x: 100 + 10 * Math.min(i, 2), y: 120, w: 60, h: 60 });
    const seen = new Set([0, 1, 2, 9]);
    const dets = Array.from({ length: 10 }, (_, i) => (seen.has(i) ? [det(place(i))] : []));
    const pictures = (i: number) => noise(1, place(i));
    const faces = trackOffline(dets, SIZE, { fps: 10, lookahead: false, pictures });
    for (let i = 3; i < 9; i++) {
      expect(faces[i], `frame ${i}`).toHaveLength(1);
      expect(coveredFraction(place(i), faces[i]![0]!), `frame ${i}`).toBe(1);
      expect(faces[i]![0]!.x, `frame ${i}`).toBeGreaterThan(place(i).x - 0.5 * 60);
    }
  });

  it('covers a face by its detection wherever it was found, and by the held boxes only where it was missed', () => {
    // Found on every frame but 10-14: the forward pass's box grows through the miss and would shrink only at a
    // face's pace afterwards, the backward pass's likewise before it.
    const dets = Array.from({ length: 30 }, (_, i) => (i >= 10 && i < 15 ? [] : [det(faceAt(i))]));
    const faces = trackOffline(dets, SIZE, { fps: 30, lookahead: true });
    faces.forEach((f, i) => {
      expect(f, `frame ${i}`).toHaveLength(1);
      expect(coveredFraction(faceAt(i), f[0]!), `frame ${i}`).toBe(1);
      if (i < 10 || i >= 15) expect(f[0]!.w, `frame ${i}`).toBeCloseTo(60 * 1.3);
    });
    expect(Math.max(...faces.slice(10, 15).map((f) => f[0]!.w))).toBeGreaterThan(60 * 1.3);
  });

  it('returns one entry per frame, empty for a clip without faces', () => {
    expect(trackOffline([[], [], []], SIZE, { fps: 25, lookahead: true })).toEqual([[], [], []]);
  });
});

describe('mergeBoxes', () => {
  it('unites a backward box with the forward box it overlaps and keeps a separate face apart', () => {
    const a = { x: 0, y: 0, w: 10, h: 10 };
    const b = { x: 2, y: 0, w: 10, h: 10 };
    const far = { x: 100, y: 100, w: 10, h: 10 };
    expect(mergeBoxes([a], [b, far])).toEqual([{ x: 0, y: 0, w: 12, h: 10 }, far]);
    expect(mergeBoxes([], [far])).toEqual([far]);
    expect(mergeBoxes([a], [])).toEqual([a]);
  });

  it('unites a held (grown) box with the tight box inside it', () => {
    const tight = { x: 40, y: 40, w: 20, h: 20 };
    const held = { x: 20, y: 20, w: 60, h: 60 };
    expect(mergeBoxes([tight], [held])).toEqual([held]);
    expect(mergeBoxes([held], [tight])).toEqual([held]);
  });
});

describe('trackOfflineFaces', () => {
  it('gives a face one track id on every frame, before and after it was first detected', () => {
    const dets = Array.from({ length: 15 }, (_, i) => (i >= 6 ? [det(faceAt(i, 6))] : []));
    const faces = trackOfflineFaces(dets, SIZE, { fps: 30, lookahead: true });
    expect(faces.every((f) => f.length === 1 && f[0]!.track === 1)).toBe(true);
  });

  it('keeps two faces apart, numbered in order of first appearance', () => {
    const far = (i: number): Rect => ({ x: 400, y: 100 + i, w: 50, h: 50 });
    const dets = Array.from({ length: 12 }, (_, i) => [...(i >= 4 ? [det(far(i))] : []), det(faceAt(i))]);
    const faces = trackOfflineFaces(dets, SIZE, { fps: 30, lookahead: true });
    expect(faces[0]!.map((f) => f.track).sort()).toEqual([1, 2]);
    for (const frame of faces) {
      const near = frame.find((f) => coveredFraction(faceAt(0), f.box) > 0.9)!;
      const other = frame.find((f) => f !== near)!;
      expect(near.track).not.toBe(other.track);
      expect(other.box.x).toBeGreaterThan(300);
    }
    const nearTrack = faces[0]!.find((f) => f.box.x < 300)!.track;
    expect(faces.every((frame) => frame.find((f) => f.box.x < 300)!.track === nearTrack)).toBe(true);
  });

  it('joins the tracks of a face the forward pass lost and found again', () => {
    // Seen in 0-1 and 9-10 at 10 fps: the forward hold (500 ms) ends at frame 6, the backward one reaches frame 4.
    const seen = new Set([0, 1, 9, 10]);
    const dets = Array.from({ length: 16 }, (_, i) => (seen.has(i) ? [det(faceAt(i))] : []));
    const ids = new Set(
      trackOfflineFaces(dets, SIZE, { fps: 10, lookahead: true })
        .flat()
        .map((f) => f.track),
    );
    expect([...ids]).toEqual([1]);
  });
});
