import { describe, expect, it } from 'vitest';
import type { Detection, Rect } from '../core/types';
import { coveredFraction } from '../track/rect';
import { mergeBoxes, trackOffline, trackOfflineFaces } from './offline-track';

const SIZE = { width: 640, height: 360 };
const det = (box: Rect): Detection => ({ box, score: 0.9, keypoints: [] });
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
    // One detection in frame 20 of 41 at 10 fps: held 1 s (10 frames) after it, and with lookahead 1 s before.
    const dets = Array.from({ length: 41 }, (_, i) => (i === 20 ? [det(faceAt(0))] : []));
    const faces = trackOffline(dets, SIZE, { fps: 10, lookahead: true }).map((f) => f.length);
    expect(faces.slice(0, 9).every((n) => n === 0)).toBe(true);
    expect(faces.slice(11, 30).every((n) => n === 1)).toBe(true);
    expect(faces.slice(32).every((n) => n === 0)).toBe(true);
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
    // Seen in 0-1 and 14-15 at 10 fps: the forward hold (1 s) ends at frame 11, the backward one bridges the gap.
    const seen = new Set([0, 1, 14, 15]);
    const dets = Array.from({ length: 16 }, (_, i) => (seen.has(i) ? [det(faceAt(i))] : []));
    const ids = new Set(
      trackOfflineFaces(dets, SIZE, { fps: 10, lookahead: true })
        .flat()
        .map((f) => f.track),
    );
    expect([...ids]).toEqual([1]);
  });
});
