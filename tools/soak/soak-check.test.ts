import { describe, expect, it } from 'vitest';
import { boxWidthRatios, soakFailures, soakRow, type SoakSample } from './soak-check';

const sample = (over: Partial<SoakSample> = {}): SoakSample => ({
  atS: 60,
  heapBytes: 50e6,
  objectBytes: 3e6,
  nativeBytes: 40e6,
  state: 'running',
  frames: 900,
  failClosedFrames: 9,
  frameMsP50: 20,
  frameMsP95: 35,
  gpuObjects: { buffers: 40, textures: 2, querySets: 0 },
  boxWidthP50: 1.4,
  ...over,
});

describe('soakFailures', () => {
  it('passes a steady run', () => {
    expect(
      soakFailures(sample(), [sample(), sample({ heapBytes: 60e6, objectBytes: 3.2e6, nativeBytes: 45e6 })]),
    ).toEqual([]);
  });

  it('fails on any growth of GPU objects, even one that was released later', () => {
    const grew = sample({ gpuObjects: { buffers: 41, textures: 2, querySets: 0 } });
    expect(soakFailures(sample(), [grew, sample()])).toEqual(['GPU buffers grew from 40 to 41']);
  });

  it('fails on heap objects growing past 10%, a stopped picture, or the error state', () => {
    expect(soakFailures(sample(), [sample({ objectBytes: 3.36e6 })])).toEqual(['heap objects grew 12.0% (limit 10%)']);
    expect(soakFailures(sample(), [sample({ frames: 0, state: 'error', atS: 120 })])).toEqual([
      'no frame was drawn in the interval ending at 120 s',
      'the app was in its error state at 120 s',
    ]);
    expect(soakFailures(sample(), [])).toEqual(['no sample was taken after warm-up']);
  });
});

describe('soakRow', () => {
  it('shows the fail-closed share', () => {
    expect(soakRow(sample())).toContain('9 (1%)');
  });
});

describe('boxWidthRatios', () => {
  it("gives each detection the narrowest tracked box around its centre, over the detection's width", () => {
    const face = { x: 100, y: 100, w: 40, h: 50 };
    const tight = { x: 90, y: 90, w: 60, h: 70 };
    const wide = { x: 0, y: 0, w: 400, h: 300 };
    expect(boxWidthRatios([wide, tight], [face])).toEqual([1.5]);
  });

  it('gives none for a detection no box holds', () => {
    expect(boxWidthRatios([{ x: 0, y: 0, w: 10, h: 10 }], [{ x: 100, y: 100, w: 40, h: 50 }])).toEqual([]);
  });
});
