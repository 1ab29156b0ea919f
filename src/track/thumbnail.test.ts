import { describe, expect, it } from 'vitest';
import { THUMB_W, THUMB_H, thumbnailOfPicture, thumbnailRef } from './thumbnail';

describe('thumbnailRef', () => {
  it('averages each cell of the frame, in luma', () => {
    const [width, height] = [64, 36];
    const data = new Uint8Array(width * height * 4);
    // Left half white, right half black: cells 0..15 of each row are 255, the rest 0.
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width / 2; x++) data.set([255, 255, 255, 255], (y * width + x) * 4);
    const t = thumbnailRef({ width, height, data });
    expect(t[0]).toBeCloseTo(255, 3);
    expect(t[THUMB_W - 1]).toBe(0);
    expect(t.reduce((a, v) => a + v, 0) / t.length).toBeCloseTo(127.5, 3);
  });
});

describe('thumbnailOfPicture', () => {
  it("equals thumbnailRef of the frame when made from the frame's half-size picture (640x360 -> 320x180)", () => {
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
        picture.data[y * 320 + x] =
          (luma(2 * x, 2 * y) + luma(2 * x + 1, 2 * y) + luma(2 * x, 2 * y + 1) + luma(2 * x + 1, 2 * y + 1)) / 4;
      }
    }
    const direct = thumbnailRef(frame);
    const fromPicture = thumbnailOfPicture(picture);
    expect(fromPicture.length).toBe(THUMB_W * THUMB_H);
    for (let i = 0; i < direct.length; i++) expect(fromPicture[i]).toBeCloseTo(direct[i]!, 3);
  });
});
