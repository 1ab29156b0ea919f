import { describe, expect, it } from 'vitest';
import { candidateToDetection, decodeRef, sigmoid, type RawOutputs } from './decode';

function emptyRaw(): RawOutputs {
  return {
    scores: [new Float32Array(512).fill(-10), new Float32Array(384).fill(-10)],
    boxes: [new Float32Array(512 * 16), new Float32Array(384 * 16)],
  };
}

describe('sigmoid', () => {
  it('stays finite and accurate at extreme logits', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(-2)).toBeCloseTo(1 / (1 + Math.exp(2)), 15);
  });
});

describe('decodeRef', () => {
  it('offsets box and keypoints from the anchor by raw / 256', () => {
    const raw = emptyRaw();
    raw.scores[1][7] = 3; // coarse grid: cell (1, 0), its second anchor
    raw.boxes[1].set([25.6, -12.8, 64, 32, 2.56, 0, 0, 2.56, 0, 0, 0, 0, 0, 0, 0, -25.6], 7 * 16);
    const [c, ...rest] = decodeRef(raw, 0.5);
    expect(rest).toEqual([]);
    expect(c.anchor).toBe(519);
    expect(c.score).toBeCloseTo(sigmoid(3), 12);
    expect([c.cx, c.cy, c.w, c.h]).toEqual(
      [1.5 / 8 + 0.1, 0.5 / 8 - 0.05, 0.25, 0.125].map((v) => expect.closeTo(v, 6)),
    );
    expect(c.keypoints).toHaveLength(12);
    expect(c.keypoints.slice(0, 4)).toEqual(
      [1.5 / 8 + 0.01, 0.5 / 8, 1.5 / 8, 0.5 / 8 + 0.01].map((v) => expect.closeTo(v, 6)),
    );
    expect(c.keypoints[11]).toBeCloseTo(0.5 / 8 - 0.1, 6);
  });

  it('keeps scores equal to the threshold and returns anchor order', () => {
    const raw = emptyRaw();
    raw.scores[1][0] = 0;
    raw.scores[0][3] = 0;
    raw.scores[0][4] = -0.01;
    expect(decodeRef(raw, 0.5).map((c) => c.anchor)).toEqual([3, 512]);
  });

  it('names the output whose size is wrong', () => {
    const raw = emptyRaw();
    raw.boxes[1] = new Float32Array(10);
    expect(() => decodeRef(raw, 0.5)).toThrow(/grid 1/);
  });
});

describe('candidateToDetection', () => {
  it('maps normalised coordinates through the crop into frame pixels', () => {
    const c = {
      anchor: 0,
      score: 0.9,
      cx: 0.5,
      cy: 0.25,
      w: 0.2,
      h: 0.1,
      keypoints: [0, 0, 1, 1, 0.5, 0.5, 0, 0, 0, 0, 0, 0],
    };
    const d = candidateToDetection(c, { x: -80, y: 10, w: 640, h: 640 });
    expect(d.score).toBe(0.9);
    expect(d.box).toEqual({ x: 176, y: 138, w: 128, h: 64 });
    expect(d.keypoints.slice(0, 3)).toEqual([
      { x: -80, y: 10 },
      { x: 560, y: 650 },
      { x: 240, y: 330 },
    ]);
    expect(d.keypoints).toHaveLength(6);
  });
});
