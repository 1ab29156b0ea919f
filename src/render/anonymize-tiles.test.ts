import { describe, expect, it } from 'vitest';
import { TILE, TileLister, dispatchSize, tileBits } from './anonymize-tiles';

const unpack = (t: number) => [t & 0xffff, t >>> 16];

describe('TileLister', () => {
  it('lists each touched tile once, row by row', () => {
    const lister = new TileLister();
    const tiles = lister.list(
      [
        [0, 0, 8, 3],
        [5, 2, 12, 9],
        [40, 40, 39, 40],
      ],
      64,
      48,
    );
    expect(Array.from(tiles, unpack)).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
  });

  it('starts clean every call, whatever the last one marked', () => {
    const lister = new TileLister();
    lister.list([[0, 0, 63, 47]], 64, 48);
    expect(Array.from(lister.list([[17, 9, 17, 9]], 64, 48), unpack)).toEqual([[2, 1]]);
    expect(lister.list([], 64, 48)).toHaveLength(0);
  });

  it('covers far-apart faces with their own tiles, not their bounding box', () => {
    const tiles = new TileLister().list(
      [
        [0, 0, 99, 99],
        [1820, 980, 1919, 1079],
      ],
      1920,
      1080,
    );
    expect(tiles).toHaveLength(2 * 13 * 13);
    // The bounding box of the two is the whole frame.
    expect(tiles.length).toBeLessThan(((1920 / TILE) * (1080 / TILE)) / 50);
  });
});

describe('tileBits', () => {
  it('sets one bit per listed tile at y * across + x', () => {
    const tiles = new TileLister().list(
      [
        [8, 0, 15, 7],
        [0, 16, 7, 23],
      ],
      300,
      40,
    ); // 38 tiles across
    const bits = tileBits(tiles, 300, 40);
    expect(bits).toHaveLength(Math.ceil((38 * 5) / 32));
    expect(bits[0]).toBe(1 << 1);
    expect(bits[2]).toBe(1 << (76 - 64));
  });
});

describe('dispatchSize', () => {
  it('folds what one dimension cannot hold into y', () => {
    expect(dispatchSize(10)).toEqual([10, 1]);
    expect(dispatchSize(65535)).toEqual([65535, 1]);
    expect(dispatchSize(129600)).toEqual([65535, 2]);
  });
});
