import { describe, expect, it } from 'vitest';
import { coveredFraction, grow, intersect, iou, union } from './rect';

describe('rect', () => {
  const a = { x: 0, y: 0, w: 10, h: 10 };
  const b = { x: 5, y: 0, w: 10, h: 10 };

  it('computes IoU, union and intersection', () => {
    expect(iou(a, b)).toBeCloseTo(50 / 150);
    expect(union(a, b)).toEqual({ x: 0, y: 0, w: 15, h: 10 });
    expect(intersect(a, { x: 20, y: 20, w: 5, h: 5 })).toMatchObject({ w: 0, h: 0 });
  });

  it('measures how much of a box another covers', () => {
    expect(coveredFraction(b, a)).toBeCloseTo(0.5);
    expect(coveredFraction(a, grow(a, 1, 1))).toBe(1);
  });
});
