import { describe, expect, it } from 'vitest';
import { iou, nms, type NmsOptions } from './nms';
import type { Detection } from '../core/types';

function face(x: number, y: number, w: number, h: number, score: number): Detection {
  return { box: { x, y, w, h }, score, keypoints: [{ x: x + w / 2, y: y + h / 2 }] };
}

const plain: NmsOptions = { iouThreshold: 0.5, maxFaces: 8, weighted: false };
const weighted: NmsOptions = { ...plain, weighted: true };

describe('iou', () => {
  it('is 1 for equal boxes, 0 for disjoint or empty ones, and the ratio in between', () => {
    expect(iou({ x: 0, y: 0, w: 4, h: 4 }, { x: 0, y: 0, w: 4, h: 4 })).toBe(1);
    expect(iou({ x: 0, y: 0, w: 4, h: 4 }, { x: 4, y: 0, w: 4, h: 4 })).toBe(0);
    expect(iou({ x: 0, y: 0, w: 0, h: 0 }, { x: 0, y: 0, w: 0, h: 0 })).toBe(0);
    expect(iou({ x: 0, y: 0, w: 4, h: 4 }, { x: 2, y: 0, w: 4, h: 4 })).toBeCloseTo(8 / 24, 12);
  });
});

describe('nms', () => {
  it('drops the weaker overlapping face', () => {
    const kept = nms([face(1, 1, 10, 10, 0.6), face(0, 0, 10, 10, 0.9)], plain);
    expect(kept).toEqual([face(0, 0, 10, 10, 0.9)]);
  });

  it('keeps disjoint faces, strongest first', () => {
    const kept = nms([face(0, 0, 10, 10, 0.7), face(50, 0, 10, 10, 0.8), face(0, 50, 10, 10, 0.9)], plain);
    expect(kept.map((f) => f.score)).toEqual([0.9, 0.8, 0.7]);
  });

  it('keeps a face whose overlap is at or under the threshold', () => {
    // IoU of these two is exactly 1/3.
    const kept = nms([face(0, 0, 4, 4, 0.9), face(2, 0, 4, 4, 0.8)], { ...plain, iouThreshold: 1 / 3 });
    expect(kept).toHaveLength(2);
  });

  it('blends the overlapping cluster by score and keeps the seed score', () => {
    const kept = nms([face(0, 0, 10, 10, 0.75), face(2, 0, 10, 10, 0.25), face(100, 100, 10, 10, 0.5)], weighted);
    expect(kept).toHaveLength(2);
    const [a, b] = kept;
    expect(a.score).toBe(0.75);
    expect(a.box).toEqual({ x: 0.5, y: 0, w: 10, h: 10 });
    expect(a.keypoints).toEqual([{ x: 5.5, y: 5 }]);
    expect(b).toEqual(face(100, 100, 10, 10, 0.5));
  });

  it('stops at maxFaces', () => {
    const dets = [0, 1, 2, 3, 4].map((i) => face(i * 20, 0, 10, 10, 0.5 + i / 10));
    for (const o of [plain, weighted]) {
      expect(nms(dets, { ...o, maxFaces: 2 }).map((f) => f.box.x)).toEqual([80, 60]);
    }
    expect(nms([], plain)).toEqual([]);
  });
});
