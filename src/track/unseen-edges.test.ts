import { describe, expect, it } from 'vitest';
import { pyramid, type Luma } from './patch-motion';
import { scene } from '../testing/picture-test-utils';
import { compose, FIRST_VIEW, uncovered, unseenEdges, type ViewStep, viewStep } from './unseen-edges';

const SIZE = { width: 320, height: 180 };
const from = pyramid(scene(320, 180, 0, 0));

describe('viewStep', () => {
  it('measures a pan to within a pixel, from still to 24 luma px, and farther from a guess', () => {
    for (const [tx, ty] of [
      [0, 0],
      [3.5, -1.25],
      [-22, 9],
      [14, 20],
    ] as const) {
      const s = viewStep(from, pyramid(scene(320, 180, tx, ty)), undefined, 25)!;
      expect(Math.abs(s.tx - tx)).toBeLessThan(1);
      expect(Math.abs(s.ty - ty)).toBeLessThan(1);
      expect(Math.abs(s.s - 1)).toBeLessThan(0.01);
    }
    const guess = { s: 1, tx: 50, ty: -20, cx: 160, cy: 90 };
    const s = viewStep(from, pyramid(scene(320, 180, 60, -30)), guess, 25)!;
    expect(Math.abs(s.tx - 60)).toBeLessThan(1);
    expect(Math.abs(s.ty + 30)).toBeLessThan(1);
  });

  it('reads a still picture as exactly still, so a still camera never drifts into a pan or a zoom', () => {
    const step = viewStep(from, from, undefined, 25)!;
    expect(step).toMatchObject({ s: 1, tx: 0, ty: 0 });
    let view = FIRST_VIEW;
    for (let i = 0; i < 30 * 75; i++) view = compose(view, step); // 75 s at 30 fps
    expect(view).toEqual(FIRST_VIEW);
    expect(unseenEdges(uncovered(FIRST_VIEW, view, SIZE), SIZE, 16, 1)).toEqual([]);
  });

  it("measures a sub-pixel pan without the fit's bias", () => {
    for (const tx of [0.25, 0.5, 1.75]) {
      const s = viewStep(from, pyramid(scene(320, 180, tx, 0)), undefined, 25)!;
      expect(Math.abs(s.tx - tx)).toBeLessThan(0.1);
    }
  });

  it("measures a zoom about the middle from the two bands' shifts", () => {
    const s = viewStep(from, pyramid(scene(320, 180, 0, 0, 0.96, 160, 90)), undefined, 25)!;
    expect(s.s).toBeGreaterThan(0.95);
    expect(s.s).toBeLessThan(0.97);
  });

  it('reads a person moving in the middle of a still view as no motion', () => {
    const still = scene(320, 180, 0, 0);
    const moved = scene(320, 180, 0, 0);
    const subject = scene(320, 180, 25, 0);
    const data = Float32Array.from(moved.data as Float32Array);
    for (let y = 20; y < 170; y++) for (let x = 110; x < 210; x++) data[y * 320 + x] = subject.data[y * 320 + x]!;
    const s = viewStep(pyramid(still), pyramid({ ...moved, data }), undefined, 25)!;
    expect(Math.abs(s.tx)).toBeLessThan(0.5);
    expect(Math.abs(s.s - 1)).toBeLessThan(0.005);
  });

  it('claims no step between pictures that are not one view moved (a cut), or of a flat view', () => {
    expect(viewStep(from, pyramid(scene(320, 180, 700, -400)), undefined, 25)).toBeUndefined();
    const flat: Luma = { ...SIZE, data: new Float32Array(320 * 180).fill(40) };
    expect(viewStep(pyramid(flat), pyramid(flat), undefined, 25)).toBeUndefined();
  });
});

describe('uncovered', () => {
  const pan = (tx: number, ty: number): ViewStep => ({ s: 1, tx, ty, cx: 160, cy: 90 });

  it('is the strip each border gained over a chain of steps, and the part of one more step', () => {
    const view = [pan(-4, 0), pan(-4, 2), pan(-4, 1)].reduce(compose, FIRST_VIEW);
    expect(uncovered(FIRST_VIEW, view, SIZE)).toEqual({ left: 0, right: 12, top: 3, bottom: 0 });
    const u = uncovered(FIRST_VIEW, view, SIZE, { step: pan(-4, 1), fraction: 0.5 });
    expect(u).toEqual({ left: 0, right: 14, top: 3.5, bottom: 0 });
  });

  it('is every border for a zoom out, none for a zoom in', () => {
    const out = compose(FIRST_VIEW, { s: 0.9, tx: 0, ty: 0, cx: 160, cy: 90 });
    const u = uncovered(FIRST_VIEW, out, SIZE);
    expect(u.left).toBeCloseTo(16);
    expect(u.right).toBeCloseTo(16);
    expect(u.top).toBeCloseTo(9);
    expect(u.bottom).toBeCloseTo(9);
    expect(uncovered(FIRST_VIEW, compose(FIRST_VIEW, { s: 1.1, tx: 0, ty: 0, cx: 160, cy: 90 }), SIZE)).toEqual({
      left: 0,
      right: 0,
      top: 0,
      bottom: 0,
    });
  });

  it('counts only what came in after the earlier picture of the chain', () => {
    const a = compose(FIRST_VIEW, pan(-10, 0));
    const b = compose(a, pan(-3, 0));
    expect(uncovered(a, b, SIZE).right).toBeCloseTo(3);
  });
});

describe('unseenEdges', () => {
  const frame = { width: 640, height: 360 };
  const none = { left: 0, right: 0, top: 0, bottom: 0 };

  it('makes a strip of each side that gained content, widened by the margin', () => {
    expect(unseenEdges({ ...none, right: 20 }, frame, 8, 2)).toEqual([{ x: 612, y: 0, w: 28, h: 360 }]);
    expect(unseenEdges({ ...none, left: 20, bottom: 10 }, frame, 8, 2)).toEqual([
      { x: 0, y: 0, w: 28, h: 360 },
      { x: 0, y: 342, w: 640, h: 18 },
    ]);
  });

  it('makes none for less than minPx (a still view), and never more than the frame', () => {
    expect(unseenEdges({ ...none, left: 1.5, top: 1.9 }, frame, 8, 2)).toEqual([]);
    expect(unseenEdges({ ...none, right: 900 }, frame, 8, 2)).toEqual([{ x: 0, y: 0, w: 640, h: 360 }]);
  });
});
