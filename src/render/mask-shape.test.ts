import { describe, expect, it } from 'vitest';
import { SOLID_MARGIN_PX, coverage, maskDistance } from './mask-shape';

/** Distance from a point outside an ellipse to it, by dense sampling of the curve. */
function bruteDistance(cx: number, cy: number, rx: number, ry: number, px: number, py: number): number {
  let best = Infinity;
  for (let i = 0; i < 20000; i++) {
    const t = (i / 20000) * 2 * Math.PI;
    best = Math.min(best, Math.hypot(cx + rx * Math.cos(t) - px, cy + ry * Math.sin(t) - py));
  }
  return best;
}

describe('maskDistance', () => {
  it('never overestimates the distance outside an ellipse, and is close near it', () => {
    const m = { cx: 10, cy: 20, rx: 6, ry: 15, box: false };
    for (let i = 0; i < 200; i++) {
      const a = (i / 200) * 2 * Math.PI;
      const s = 1.02 + (i % 7) * 0.1;
      const px = m.cx + m.rx * s * Math.cos(a);
      const py = m.cy + m.ry * s * Math.sin(a);
      const truth = bruteDistance(m.cx, m.cy, m.rx, m.ry, px, py);
      const d = maskDistance(m, px, py);
      expect(d).toBeLessThanOrEqual(truth + 1e-3);
      if (truth < 3) expect(d).toBeGreaterThan(truth * 0.8);
    }
  });

  it('is exact for boxes, negative inside', () => {
    const m = { cx: 0, cy: 0, rx: 4, ry: 2, box: true };
    expect(maskDistance(m, 7, 6)).toBeCloseTo(5);
    expect(maskDistance(m, 0, 1)).toBeCloseTo(-1);
    expect(maskDistance({ ...m, box: false }, 0, 0)).toBe(-2);
  });
});

describe('coverage', () => {
  it('is 1 on the mask and half a pixel diagonal beyond, then fades smoothly to 0 over the feather', () => {
    expect(coverage(-5, 3)).toBe(1);
    expect(coverage(SOLID_MARGIN_PX, 3)).toBe(1);
    expect(coverage(SOLID_MARGIN_PX + 1.5, 3)).toBeCloseTo(0.5);
    expect(coverage(SOLID_MARGIN_PX + 3, 3)).toBe(0);
    expect(coverage(SOLID_MARGIN_PX + 0.01, 0)).toBe(0);
    expect(SOLID_MARGIN_PX).toBeGreaterThanOrEqual(Math.SQRT1_2);
  });
});
