import { describe, expect, it } from 'vitest';
import {
  anchorCentres,
  anchorCount,
  BLAZEFACE_BACK_256_ANCHORS,
  BLAZEFACE_FRONT_128_ANCHORS,
  blazeFaceAnchors,
} from './anchors';

function centre(anchors: Float32Array, i: number): [number, number] {
  return [anchors[2 * i], anchors[2 * i + 1]];
}

describe('blazeFaceAnchors', () => {
  const anchors = blazeFaceAnchors();

  it('has 512 fine then 384 coarse anchors', () => {
    expect(anchorCount(BLAZEFACE_BACK_256_ANCHORS)).toBe(896);
    expect(anchors.length).toBe(896 * 2);
  });

  it('starts with two anchors in the top-left 16x16 cell', () => {
    expect(centre(anchors, 0)).toEqual([0.5 / 16, 0.5 / 16]);
    expect(centre(anchors, 1)).toEqual([0.5 / 16, 0.5 / 16]);
    expect(centre(anchors, 2)).toEqual([1.5 / 16, 0.5 / 16]);
    expect(centre(anchors, 32)).toEqual([0.5 / 16, 1.5 / 16]);
    expect(centre(anchors, 511)).toEqual([15.5 / 16, 15.5 / 16]);
  });

  it('continues with six anchors per 8x8 cell, ending bottom-right', () => {
    expect(centre(anchors, 512)).toEqual([0.5 / 8, 0.5 / 8]);
    expect(centre(anchors, 517)).toEqual([0.5 / 8, 0.5 / 8]);
    expect(centre(anchors, 518)).toEqual([1.5 / 8, 0.5 / 8]);
    expect(centre(anchors, 895)).toEqual([7.5 / 8, 7.5 / 8]);
  });

  it('gives the 128 front model the same normalised layout', () => {
    expect(anchorCentres(BLAZEFACE_FRONT_128_ANCHORS)).toEqual(anchors);
  });
});
