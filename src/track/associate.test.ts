import { describe, expect, it } from 'vitest';
import { associate } from './associate';

const box = (x: number, y: number, s = 50) => ({ x, y, w: s, h: s });
const o = { iouMatch: 0.3, centreGate: 1 };

describe('associate', () => {
  it('pairs each track with its own detection when two faces overlap', () => {
    const a = associate(
      [
        { box: box(100, 100), reach: 0 },
        { box: box(120, 110), reach: 0 },
      ],
      [box(121, 111), box(99, 100)],
      o,
    );
    expect(a.matches.sort()).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(a.unmatchedDets).toEqual([]);
    expect(a.unmatchedTracks).toEqual([]);
  });

  it('follows a fast face by centre distance when IoU is near zero', () => {
    const a = associate([{ box: box(100, 100), reach: 0 }], [box(145, 100)], o);
    expect(a.matches).toEqual([[0, 0]]);
  });

  it('widens the centre gate by the track reach', () => {
    expect(associate([{ box: box(100, 100), reach: 0 }], [box(180, 100)], o).matches).toEqual([]);
    expect(associate([{ box: box(100, 100), reach: 40 }], [box(180, 100)], o).matches).toEqual([[0, 0]]);
  });

  it('prefers a clear overlap over a mere centre match', () => {
    // Track 0 is close to both; detection 0 overlaps it, detection 1 is only near.
    const a = associate([{ box: box(100, 100), reach: 0 }], [box(140, 100), box(105, 100)], o);
    expect(a.matches).toEqual([[0, 1]]);
    expect(a.unmatchedDets).toEqual([0]);
  });

  it('reports faces far from every track as new', () => {
    const a = associate([{ box: box(0, 0), reach: 0 }], [box(400, 300)], o);
    expect(a.matches).toEqual([]);
    expect(a.unmatchedDets).toEqual([0]);
    expect(a.unmatchedTracks).toEqual([0]);
  });
});
