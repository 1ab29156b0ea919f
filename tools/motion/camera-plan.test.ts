import { describe, expect, it } from 'vitest';
import { type Box, planCamera, type PlanOptions, truthAt, ZOOM_RANGE } from './camera-plan';
import { pickPhotos } from './pick-photos';
import { exposureTimes, SUBFRAMES } from './render-clip';

const VIDEO = { width: 640, height: 360 };
const FACES: Box[] = [
  [300, 200, 40, 50],
  [700, 260, 36, 44],
  [120, 420, 30, 38],
];
const plan = (seed: number, primary: PlanOptions['primary']) =>
  planCamera({ photo: { width: 1024, height: 683 }, faces: FACES, video: VIDEO, seed, primary });

describe('planCamera', () => {
  const plans = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].flatMap((seed) =>
    (['pan', 'whip', 'zoom', 'shake', 'cut'] as const).map((primary) => ({ seed, primary, p: plan(seed, primary) })),
  );

  it('is the same plan for the same seed', () => {
    const a = plan(7, 'whip');
    const b = plan(7, 'whip');
    expect(a.segments).toEqual(b.segments);
    expect(a.cropAt(33.3)).toEqual(b.cropAt(33.3));
  });

  it('holds 10-20 frames, runs 120-180 frames, and keeps every crop a 16:9 view inside the photo', () => {
    for (const { p } of plans) {
      expect(p.segments[0]!.motion).toBe('hold');
      expect(p.segments[0]!.end).toBeGreaterThanOrEqual(10);
      expect(p.segments[0]!.end).toBeLessThanOrEqual(20);
      expect(p.frames).toBeGreaterThanOrEqual(120);
      expect(p.frames).toBeLessThanOrEqual(180);
      for (let t = -0.25; t < p.frames; t += 0.5) {
        const c = p.cropAt(t);
        expect(c.h / c.w).toBeCloseTo(9 / 16);
        const z = 1024 / c.w;
        expect(z).toBeGreaterThan(ZOOM_RANGE[0] * 0.98);
        expect(z).toBeLessThan(ZOOM_RANGE[1] * 1.02);
        expect(c.x).toBeGreaterThanOrEqual(0);
        expect(c.x + c.w).toBeLessThanOrEqual(1024 + 1e-9);
        expect(c.y).toBeGreaterThanOrEqual(0);
        expect(c.y + c.h).toBeLessThanOrEqual(683 + 1e-9);
      }
    }
  });

  it('starts with the forced move: a cut, a whip that crosses the frame in about 10 frames, a zoom', () => {
    for (const { p, primary } of plans) {
      const second = p.segments[1]!;
      if (primary === 'cut') expect(second.cutBefore).toBe(true);
      if (primary === 'zoom') expect(second.motion).toBe('zoom');
    }
    // A whip the clip's end cuts short is left out.
    const whips = plans.flatMap(({ p }) =>
      p.segments.filter((s) => s.motion === 'whip' && s.end < p.frames).map((s) => ({ p, s })),
    );
    expect(whips.length).toBeGreaterThan(10);
    for (const { p, s } of whips) {
      const a = p.cropAt(s.start);
      const b = p.cropAt(s.end);
      const framesPerWidth = (s.end - s.start) / (Math.hypot(b.x - a.x, b.y - a.y) / a.w);
      expect(framesPerWidth).toBeGreaterThan(8);
      expect(framesPerWidth).toBeLessThan(12);
    }
  });
});

describe('truthAt', () => {
  it('maps photo boxes through the crop, clips them, and lists a face with under 40 % in view as partial', () => {
    const crop = { x: 100, y: 100, w: 640, h: 360 };
    const t = truthAt(
      crop,
      [
        [300, 200, 40, 50],
        [720, 300, 40, 40],
        [730, 300, 40, 40],
        [5, 5, 10, 10],
      ],
      VIDEO,
    );
    expect(t.faces).toEqual([
      [200, 100, 40, 50],
      [620, 200, 20, 40],
    ]);
    expect(t.ids).toEqual([0, 1]);
    expect(t.visible_fraction).toEqual([1, 0.5]);
    expect(t.partial).toEqual([{ id: 2, box: [630, 200, 10, 40], visible_fraction: 0.25 }]);
  });

  it('scales with the zoom', () => {
    const t = truthAt({ x: 0, y: 0, w: 320, h: 180 }, [[100, 50, 20, 30]], VIDEO);
    expect(t.faces).toEqual([[200, 100, 40, 60]]);
  });
});

describe('exposureTimes', () => {
  it('spreads 16 sub-frames over half the frame interval about the frame time, none before a cut', () => {
    const t = exposureTimes(10, undefined);
    expect(t).toHaveLength(SUBFRAMES);
    expect(Math.min(...t)).toBeCloseTo(9.75 + 0.25 / SUBFRAMES);
    expect(Math.max(...t)).toBeCloseTo(10.25 - 0.25 / SUBFRAMES);
    expect(Math.min(...exposureTimes(10, 10))).toBe(10);
  });
});

describe('pickPhotos', () => {
  const photo = (image: string, event: string, faces: Box[]) => ({ image, width: 1024, height: 683, event, faces });
  it('takes photos with 1-12 faces of 24 px and up, round robin over events, skipping the ones asked', () => {
    const photos = [
      photo('a1', 'a', [
        [0, 0, 20, 30],
        [50, 0, 20, 30],
      ]),
      photo('a2', 'a', [[0, 0, 20, 30]]),
      photo('b1', 'b', [[0, 0, 20, 20]]), // a face under 24 px
      photo('b2', 'b', [
        [0, 0, 20, 30],
        [50, 0, 20, 30],
      ]),
      photo(
        'c1',
        'c',
        Array.from({ length: 13 }, (): Box => [0, 0, 30, 30]),
      ), // too many
      photo('c2', 'c', [[0, 0, 30, 400]]), // taller than half the crop
      photo('d1', 'd', [[0, 0, 30, 30]]),
    ];
    const picked = pickPhotos(photos, 4, 1, new Set(['d1'])).map((p) => p.image);
    expect(new Set(picked)).toEqual(new Set(['a1', 'a2', 'b2']));
    // The first round takes one photo of each event, those with two faces or more first.
    expect(new Set(picked.slice(0, 2))).toEqual(new Set(['a1', 'b2']));
  });
});
