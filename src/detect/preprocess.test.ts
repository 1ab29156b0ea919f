import { describe, expect, it } from 'vitest';
import { BLAZEFACE_BACK_256, YUNET_N } from './model';
import { cropSampling, letterboxCrop, preprocessRef } from './preprocess';
import type { RgbaImage } from '../core/types';

const BF = BLAZEFACE_BACK_256.format;
const sq = (side: number) => ({ width: side, height: side });

function solid(width: number, height: number, rgb: [number, number, number]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
  return { width, height, data };
}

describe('letterboxCrop', () => {
  it('pads the short side equally', () => {
    expect(letterboxCrop(640, 480)).toEqual({ x: 0, y: -80, w: 640, h: 640 });
    expect(letterboxCrop(480, 640)).toEqual({ x: -80, y: 0, w: 640, h: 640 });
    expect(letterboxCrop(5, 4)).toEqual({ x: 0, y: -0.5, w: 5, h: 5 });
  });
});

describe('preprocessRef', () => {
  it('maps pixel p to p / 127.5 - 1 when the crop is the frame at its own size', () => {
    const img: RgbaImage = {
      width: 2,
      height: 2,
      data: new Uint8Array([0, 255, 51, 255, 102, 153, 204, 255, 1, 2, 3, 255, 4, 5, 6, 255]),
    };
    const t = preprocessRef(img, { x: 0, y: 0, w: 2, h: 2 }, sq(2), BF);
    expect(Array.from(t, (v) => (v + 1) * 127.5)).toEqual(
      [0, 255, 51, 102, 153, 204, 1, 2, 3, 4, 5, 6].map((p) => expect.closeTo(p, 4)),
    );
  });

  it('blends half a pixel of black at the frame edge', () => {
    const img = solid(2, 2, [255, 255, 255]);
    const t = preprocessRef(img, { x: 0.5, y: 0, w: 2, h: 2 }, sq(2), BF);
    expect(Array.from(t.subarray(3, 6))).toEqual([0, 0, 0].map(() => expect.closeTo(0, 6)));
  });

  it('is -1 outside the frame and constant inside a flat one', () => {
    const img = solid(6, 4, [255, 0, 51]);
    const outside = preprocessRef(img, { x: 50, y: 50, w: 8, h: 8 }, sq(4), BF);
    expect(outside.every((v) => v === -1)).toBe(true);
    const inside = preprocessRef(img, { x: 1, y: 0.5, w: 3, h: 3 }, sq(5), BF);
    for (let i = 0; i < inside.length; i += 3) {
      expect([inside[i], inside[i + 1], inside[i + 2]]).toEqual([1, -1, expect.closeTo(51 / 127.5 - 1, 6)]);
    }
  });

  it('averages 2x2 blocks when halving', () => {
    const img: RgbaImage = {
      width: 2,
      height: 2,
      data: new Uint8Array([0, 0, 0, 255, 100, 0, 0, 255, 200, 0, 0, 255, 20, 0, 0, 255]),
    };
    const [r] = preprocessRef(img, { x: 0, y: 0, w: 2, h: 2 }, sq(1), BF);
    expect((r + 1) * 127.5).toBeCloseTo(80, 4);
  });

  it('writes planes of BGR 0..255 for a planar model, at a size of any aspect', () => {
    // 3x2 frame: pixel (x, y) has red 10x + 1, green 10y + 2, blue 100.
    const data = new Uint8Array(3 * 2 * 4);
    for (let y = 0; y < 2; y++)
      for (let x = 0; x < 3; x++) data.set([10 * x + 1, 10 * y + 2, 100, 255], (y * 3 + x) * 4);
    const t = preprocessRef(
      { width: 3, height: 2, data },
      { x: 0, y: 0, w: 3, h: 2 },
      { width: 3, height: 2 },
      YUNET_N.format,
    );
    const plane = (values: number[]) => values.map((v) => expect.closeTo(v, 3));
    expect(Array.from(t.subarray(0, 6))).toEqual(plane([100, 100, 100, 100, 100, 100]));
    expect(Array.from(t.subarray(6, 12))).toEqual(plane([2, 2, 2, 12, 12, 12]));
    expect(Array.from(t.subarray(12, 18))).toEqual(plane([1, 11, 21, 1, 11, 21]));
  });
});

describe('cropSampling', () => {
  it('steps by the crop over the input size along each axis', () => {
    expect(cropSampling({ x: 0, y: 0, w: 640, h: 480 }, { width: 320, height: 160 })).toEqual({
      origin: [0.5, 1],
      step: [2, 3],
    });
    expect(cropSampling({ x: 10, y: 20, w: 4, h: 4 }, sq(4))).toEqual({ origin: [10, 20], step: [1, 1] });
  });
});
