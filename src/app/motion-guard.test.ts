import { describe, expect, it } from 'vitest';
import { MotionGuard, THUMB_H, THUMB_W, thumbnailChange, thumbnailOfPicture, thumbnailRef } from './motion-guard';

const flat = (v: number) => new Float32Array(THUMB_W * THUMB_H).fill(v);

describe('thumbnailRef', () => {
  it('averages each cell of the frame, in luma', () => {
    const [width, height] = [64, 36];
    const data = new Uint8Array(width * height * 4);
    // Left half white, right half black: cells 0..15 of each row are 255, the rest 0.
    for (let y = 0; y < height; y++) for (let x = 0; x < width / 2; x++) data.set([255, 255, 255, 255], (y * width + x) * 4);
    const t = thumbnailRef({ width, height, data });
    expect(t[0]).toBeCloseTo(255, 3);
    expect(t[THUMB_W - 1]).toBe(0);
    expect(thumbnailChange(t, flat(0))).toBeCloseTo(127.5, 3);
  });
});

describe('thumbnailOfPicture', () => {
  it('equals thumbnailRef of the frame when made from the frame\'s half-size picture (640x360 -> 320x180)', () => {
    const [width, height] = [640, 360];
    const data = new Uint8Array(width * height * 4);
    let seed = 7;
    for (let i = 0; i < data.length; i++) data[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    const frame = { width, height, data };
    const luma = (x: number, y: number) => {
      const p = (y * width + x) * 4;
      return 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!;
    };
    const picture = { width: 320, height: 180, data: new Float32Array(320 * 180) };
    for (let y = 0; y < 180; y++) {
      for (let x = 0; x < 320; x++) {
        picture.data[y * 320 + x] = (luma(2 * x, 2 * y) + luma(2 * x + 1, 2 * y) + luma(2 * x, 2 * y + 1) + luma(2 * x + 1, 2 * y + 1)) / 4;
      }
    }
    const direct = thumbnailRef(frame);
    const fromPicture = thumbnailOfPicture(picture);
    expect(fromPicture.length).toBe(THUMB_W * THUMB_H);
    for (let i = 0; i < direct.length; i++) expect(fromPicture[i]).toBeCloseTo(direct[i]!, 3);
  });
});

describe('MotionGuard', () => {
  it('trips when the newest picture moved on from the detection frame by more than the threshold', () => {
    const g = new MotionGuard(40);
    g.see(100, flat(50));
    g.see(133, flat(60));
    expect(g.tripped(100)).toBe(false);
    g.see(166, flat(120));
    expect(g.tripped(100)).toBe(true);
    // A detection of the changed picture clears it.
    g.see(200, flat(121));
    expect(g.tripped(166)).toBe(false);
  });

  it('trips while the picture is moving fast, even when the newest result is for the newest thumbnail\'s frame', () => {
    const g = new MotionGuard(40);
    g.see(100, flat(50));
    g.see(133, flat(65));
    expect(g.tripped(133)).toBe(false); // 15 in a frame: an ordinary pan
    g.see(166, flat(90));
    expect(g.tripped(166)).toBe(true); // 25 in a frame, over half the threshold: a whip under way
    expect(g.tripped(166)).toBe(true); // asked again before the next thumbnail lands: the same answer
    g.see(200, flat(95));
    expect(g.tripped(200)).toBe(false);
  });

  it('judges by the newest thumbnail before the detection frame when that frame has none', () => {
    const g = new MotionGuard(40);
    g.see(100, flat(0));
    g.see(166, flat(200));
    expect(g.tripped(133)).toBe(true);
  });

  it('says nothing without an earlier thumbnail, with nothing newer, after reset, or when off', () => {
    const g = new MotionGuard(40);
    g.see(100, flat(0));
    expect(g.tripped(100)).toBe(false);
    expect(g.tripped(50)).toBe(false);
    g.see(133, flat(200));
    expect(g.tripped(100)).toBe(true);
    g.reset();
    expect(g.tripped(100)).toBe(false);
    const off = new MotionGuard(0);
    off.see(100, flat(0));
    off.see(133, flat(255));
    expect(off.tripped(100)).toBe(false);
  });

  it('keeps the frame a slow detection started on, however many frames pass within the longest budget', () => {
    const g = new MotionGuard(40);
    // 60 fps for 4.9 s after the detection frame: 294 newer thumbnails.
    g.see(0, flat(0));
    for (let i = 1; i < 295; i++) g.see(i * (1000 / 60), flat(255));
    expect(g.tripped(0)).toBe(true);
  });

  it('forgets thumbnails older than the longest budget allows', () => {
    const g = new MotionGuard(40);
    for (let i = 0; i < 100; i++) g.see(i * 100, flat(i % 2 === 0 ? 0 : 255));
    expect(g.tripped(0)).toBe(false); // 9.9 s old: forgotten, nothing at or before it is kept
    expect(g.tripped(9800)).toBe(true);
  });
});
