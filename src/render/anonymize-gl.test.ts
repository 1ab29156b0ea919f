import { describe, expect, it } from 'vitest';
import { glTaps } from './anonymize-gl';
import { MAX_RADIUS } from './anonymize-plan';

describe('glTaps: the mip level a face blurs on', () => {
  it('blurs on the frame itself while 3 sigma fits in MAX_RADIUS taps', () => {
    const t = glTaps(MAX_RADIUS / 3);
    expect(t.lod).toBe(0);
    expect(t.radius).toBe(MAX_RADIUS);
    expect(glTaps(2)).toMatchObject({ lod: 0, radius: 6 });
  });

  it('moves a larger face to the first level where it fits, never past MAX_RADIUS taps', () => {
    for (const sigma of [9, 20, 50, 120, 400]) {
      const t = glTaps(sigma);
      const texel = 2 ** t.lod;
      expect(t.radius, `sigma ${sigma}`).toBeLessThanOrEqual(MAX_RADIUS);
      // 3 sigma covered, in the level's texels...
      expect(t.radius * texel, `sigma ${sigma}`).toBeGreaterThanOrEqual(3 * sigma - 1e-9);
      // ...on the finest level that can: one level finer would need more than MAX_RADIUS taps.
      expect((3 * sigma) / (texel / 2), `sigma ${sigma}`).toBeGreaterThan(MAX_RADIUS);
    }
  });

  it("gives a normalized half kernel in the level's texels, zero past the radius", () => {
    const t = glTaps(50);
    const sum = t.weights.reduce((s, w, i) => s + (i === 0 ? w : 2 * w), 0);
    expect(sum).toBeCloseTo(1, 5);
    expect(t.weights).toHaveLength(MAX_RADIUS + 1);
    expect([...t.weights.subarray(t.radius + 1)].every((w) => w === 0)).toBe(true);
    // Decreasing away from the centre.
    for (let i = 1; i <= t.radius; i++) expect(t.weights[i]!).toBeLessThan(t.weights[i - 1]!);
  });
});
