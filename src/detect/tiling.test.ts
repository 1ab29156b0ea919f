import { describe, expect, it } from 'vitest';
import type { Candidate } from './decode';
import { detectorDefaults, mergeCrops } from './detector';
import { BLAZEFACE_BACK_256, YUNET_N } from './model';
import { letterboxCrop } from './preprocess';
import {
  cropCosts,
  DEFAULT_TILE_PLAN,
  formatTilePlan,
  isCut,
  NO_TILES,
  parseTilePlan,
  planCrops,
  TileRotation,
  tileStarts,
  wholeFrameCrop,
  type Crop,
  type TilePlan,
} from './tiling';

const BF = BLAZEFACE_BACK_256;
const IN_256 = { width: 256, height: 256 };
const plan = (grids: TilePlan['grids'], extra: Partial<TilePlan> = {}): TilePlan => ({ ...NO_TILES, grids, ...extra });

describe('tileStarts', () => {
  it.each([
    [1280, 360, 0.25],
    [720, 360, 0.25],
    [1024, 256, 0.2],
    [683, 341, 0.25],
    [500, 256, 0.5],
  ])('spans %i px with tiles of %i overlapping by at least %f', (length, side, overlap) => {
    const xs = tileStarts(length, side, overlap);
    expect(xs[0]).toBe(0);
    expect(xs.at(-1)! + side).toBe(length);
    for (let i = 1; i < xs.length; i++) expect(xs[i - 1] + side - xs[i]).toBeGreaterThanOrEqual(overlap * side - 1);
    // ... and no more tiles than that overlap needs.
    expect(xs.length - 1).toBe(Math.ceil((length - side) / (side * (1 - overlap))));
  });

  it('centres one tile on an axis it does not exceed', () => {
    expect(tileStarts(300, 300, 0.25)).toEqual([0]);
    expect(tileStarts(200, 300, 0.25)).toEqual([-50]);
  });
});

describe('planCrops', () => {
  it('runs the whole frame alone without tiles', () => {
    expect(planCrops(BF, 1280, 720, NO_TILES)).toEqual([
      { rect: letterboxCrop(1280, 720), inner: [false, false, false, false], input: IN_256 },
    ]);
  });

  it('adds square tiles that cover the frame, overlap, and know their inner edges', () => {
    const [whole, ...tiles] = planCrops(BF, 1280, 720, plan([{ side: 0.5, overlap: 0.25 }]));
    expect(whole.rect).toEqual(letterboxCrop(1280, 720));
    expect(tiles).toHaveLength(5 * 3);
    for (const t of tiles) {
      expect(t.rect.w).toBe(360);
      expect(t.rect.h).toBe(360);
      expect(t.input).toEqual(IN_256);
      expect(t.inner).toEqual([t.rect.x > 0, t.rect.y > 0, t.rect.x + 360 < 1280, t.rect.y + 360 < 720]);
    }
    // Every pixel of the frame lies in some tile, and every point of a tile edge inside the frame lies at least
    // overlap x side deep in a neighbouring tile (so a face that small is whole in one tile).
    const inside = (x: number, y: number, depth: number) =>
      tiles.some(
        ({ rect: r }) => x >= r.x + depth && x <= r.x + r.w - depth && y >= r.y + depth && y <= r.y + r.h - depth,
      );
    const uncovered: [number, number][] = [];
    for (let y = 0; y < 720; y += 3) for (let x = 0; x < 1280; x += 3) if (!inside(x, y, 0)) uncovered.push([x, y]);
    expect(uncovered).toEqual([]);
    for (const { rect: r, inner } of tiles) {
      if (inner[2])
        expect(tiles.some(({ rect: n }) => n.y === r.y && n.x > r.x && n.x <= r.x + r.w - 0.25 * 360)).toBe(true);
      if (inner[3])
        expect(tiles.some(({ rect: n }) => n.x === r.x && n.y > r.y && n.y <= r.y + r.h - 0.25 * 360)).toBe(true);
    }
  });

  it('never makes tiles smaller than minSidePx, skips tiles as large as the frame, and merges equal grids', () => {
    const small = planCrops(BF, 500, 375, plan([{ side: 0.5, overlap: 0.25 }], { minSidePx: 256 }));
    expect(small.slice(1).every((c) => c.rect.w === 256)).toBe(true);
    expect(planCrops(BF, 640, 480, plan([{ side: 2, overlap: 0.25 }]))).toHaveLength(1);
    const twice = planCrops(
      BF,
      640,
      480,
      plan(
        [
          { side: 0.5, overlap: 0.25 },
          { side: 0.5, overlap: 0.2 },
        ],
        { minSidePx: 1 },
      ),
    );
    const once = planCrops(BF, 640, 480, plan([{ side: 0.5, overlap: 0.25 }], { minSidePx: 1 }));
    expect(twice).toEqual(once);
  });

  it('gives a model of free size the whole frame at its own aspect, padded bottom and right to its multiple', () => {
    // YuNet: multiples of 32, at most 1920 px along the long side.
    expect(wholeFrameCrop(YUNET_N, 1280, 720)).toEqual({
      rect: { x: 0, y: 0, w: 1280, h: 736 },
      inner: [false, false, false, false],
      input: { width: 1280, height: 736 },
    });
    expect(wholeFrameCrop(YUNET_N, 1280, 720, 640)).toEqual({
      rect: { x: 0, y: 0, w: 1280, h: 768 },
      inner: [false, false, false, false],
      input: { width: 640, height: 384 },
    });
    expect(wholeFrameCrop(YUNET_N, 3840, 2160).input).toEqual({ width: 1920, height: 1088 });
    // Its tiles are sampled at their own side, rounded up to the multiple.
    const [whole, ...tiles] = planCrops(YUNET_N, 1280, 720, plan([{ side: 0.5, overlap: 0.25 }]), 640);
    expect(whole).toEqual(wholeFrameCrop(YUNET_N, 1280, 720, 640));
    expect(tiles).toHaveLength(5 * 3);
    for (const t of tiles) expect(t.input).toEqual({ width: 384, height: 384 });
  });

  it('gives a model of free size the whole frame once more, upscaled, as its first tile; a fixed-size model not', () => {
    const [whole, larger, ...tiles] = planCrops(YUNET_N, 640, 360, plan([], { upscale: 2 }));
    expect(whole!.input).toEqual({ width: 640, height: 384 });
    // The frame at twice the whole crop's side, padded to the multiple: a 40 px face is 80 model pixels.
    expect(larger).toEqual({
      rect: { x: 0, y: 0, w: 640, h: 368 },
      inner: [false, false, false, false],
      input: { width: 1280, height: 736 },
      zoom: 2,
    });
    expect(tiles).toEqual([]);
    expect(cropCosts([whole!, larger!])).toEqual([(1280 * 736) / (640 * 384)]);
    // From the live side, capped by the model's largest input; none where the cap leaves nothing larger.
    expect(planCrops(YUNET_N, 1280, 720, plan([], { upscale: 2 }), 640)[1]!.input).toEqual({
      width: 1280,
      height: 736,
    });
    expect(planCrops(YUNET_N, 1920, 1080, plan([], { upscale: 2 }))).toHaveLength(1);
    expect(planCrops(BF, 640, 360, plan([], { upscale: 2 }))).toHaveLength(1);
  });

  it('rejects a grid without a positive side or with overlap outside [0, 1)', () => {
    expect(() => planCrops(BF, 640, 480, plan([{ side: 0, overlap: 0.2 }]))).toThrow(/side > 0/);
    expect(() => planCrops(BF, 640, 480, plan([{ side: 0.5, overlap: 1 }]))).toThrow(/overlap/);
  });
});

describe('isCut', () => {
  const crop: Crop = { rect: { x: 100, y: 0, w: 200, h: 200 }, inner: [true, false, true, true], input: IN_256 };
  it('flags boxes at an inner edge only', () => {
    expect(isCut({ x: 101, y: 50, w: 20, h: 20 }, crop, 3)).toBe(true); // left, inner
    expect(isCut({ x: 150, y: 0, w: 20, h: 20 }, crop, 3)).toBe(false); // top is the frame's border
    expect(isCut({ x: 150, y: 50, w: 20, h: 20 }, crop, 3)).toBe(false);
    expect(isCut({ x: 150, y: 170, w: 20, h: 40 }, crop, 3)).toBe(true); // past the bottom
  });
});

describe('parseTilePlan', () => {
  it('reads grids and options, and formats them back', () => {
    const p = parseTilePlan('0.5:0.25,1:0.2/min=128/cut=drop', NO_TILES);
    expect(p).toEqual({
      grids: [
        { side: 0.5, overlap: 0.25 },
        { side: 1, overlap: 0.2 },
      ],
      minSidePx: 128,
      dropCut: true,
    });
    expect(parseTilePlan(formatTilePlan(p), NO_TILES)).toEqual(p);
    expect(parseTilePlan('off', p).grids).toEqual([]);
    const up = parseTilePlan('/up=2', NO_TILES);
    expect(up).toEqual({ ...NO_TILES, upscale: 2 });
    expect(formatTilePlan(up)).toBe('/up=2');
    expect(parseTilePlan('off', up)).toEqual({ ...NO_TILES, upscale: 1 });
  });

  it('says what is wrong', () => {
    expect(() => parseTilePlan('0.5', NO_TILES)).toThrow(/SIDE:OVERLAP/);
    expect(() => parseTilePlan('0.5:0.2/cut=maybe', NO_TILES)).toThrow(/cut=keep\|drop/);
    expect(() => parseTilePlan('/up=0.5', NO_TILES)).toThrow(/up=K/);
  });
});

describe('mergeCrops', () => {
  // A candidate centred at (cx, cy) of its crop, size s, in normalised crop coordinates.
  const cand = (cx: number, cy: number, s: number, score: number): Candidate => ({
    anchor: 0,
    score,
    cx,
    cy,
    w: s,
    h: s,
    keypoints: [],
  });
  const whole: Crop = { rect: { x: 0, y: -100, w: 400, h: 400 }, inner: [false, false, false, false], input: IN_256 };
  const left: Crop = { rect: { x: 0, y: 0, w: 200, h: 200 }, inner: [false, false, true, false], input: IN_256 };
  const frame = { width: 400, height: 200 };
  const options = {
    ...detectorDefaults(BF),
    tiles: NO_TILES,
    nms: { iouThreshold: 0.3, maxFaces: 8, weighted: false },
  };

  it('maps every crop to frame pixels and keeps a face seen by two crops once', () => {
    // The same 40 px face at (100, 100)-(140, 140): in the whole frame at 0.1 scale, in the left tile at 0.2.
    const kept = mergeCrops([[cand(0.3, 0.55, 0.1, 0.7)], [cand(0.6, 0.6, 0.2, 0.9)]], [whole, left], frame, options);
    expect(kept).toHaveLength(1);
    expect(kept[0].score).toBe(0.9);
    expect(kept[0].box).toEqual({ x: 100, y: 100, w: 40, h: 40 });
  });

  it('keeps a low-score face at a frame border by the edge threshold, and says so', () => {
    // Frame 400x200 (the whole crop's extent): a 40 px face at the left border, one in the middle, both at 0.2.
    const dets = mergeCrops(
      [[cand(0.05, 0.55, 0.1, 0.2), cand(0.5, 0.55, 0.1, 0.2), cand(0.5, 0.3, 0.1, 0.9)]],
      [whole],
      frame,
      {
        ...options,
        threshold: 0.5,
        edge: { threshold: 0.1, band: 0.3 },
      },
    );
    expect(dets.map((d) => [d.box.x, d.score, d.edge ?? false])).toEqual([
      [180, 0.9, false],
      [0, 0.2, true],
    ]);
  });

  it('keeps no tall box under the threshold from an upscaled look, and any box over it', () => {
    // The same 40 px face in the whole frame (25.6 model px) and in a look at twice that (51.2 model px).
    const larger: Crop = { ...whole, input: { width: 512, height: 512 }, zoom: 2 };
    const o = { ...options, threshold: 0.5, tall: { px: 20, threshold: 0.1 } };
    const face = (score: number) => [cand(0.3, 0.55, 0.1, score)];
    expect(mergeCrops([face(0.2), []], [whole, larger], frame, o)).toEqual([expect.objectContaining({ weak: true })]);
    expect(mergeCrops([[], face(0.2)], [whole, larger], frame, o)).toEqual([]);
    expect(mergeCrops([[], face(0.6)], [whole, larger], frame, o)).toHaveLength(1);
  });

  it('drops a face cut by an inner tile edge when the plan says so', () => {
    const cut = [[], [cand(0.95, 0.5, 0.1, 0.9)]]; // reaches x = 200, the tile's inner right edge
    expect(mergeCrops(cut, [whole, left], frame, options)).toHaveLength(1);
    expect(mergeCrops(cut, [whole, left], frame, { ...options, tiles: { ...NO_TILES, dropCut: true } })).toHaveLength(
      0,
    );
  });
});

describe('TileRotation', () => {
  const crops = planCrops(BLAZEFACE_BACK_256, 1280, 720, DEFAULT_TILE_PLAN);
  const [whole, ...tiles] = crops;

  it('takes the whole frame and every tile when the call may run them all', () => {
    expect(new TileRotation().pick(crops, Infinity)).toEqual(crops);
  });

  it('takes the whole frame first, then the tiles in turn across calls, wrapping round', () => {
    expect(tiles.length).toBeGreaterThan(2);
    const rotation = new TileRotation();
    const seen: Crop[] = [];
    for (let i = 0; i < tiles.length; i++) {
      const picked = rotation.pick(crops, 2);
      expect(picked).toHaveLength(3);
      expect(picked[0]).toBe(whole);
      seen.push(...picked.slice(1));
    }
    // 2 a call over as many calls as tiles: each tile twice, in order.
    expect(seen).toEqual([...tiles, ...tiles]);
  });

  it('takes the whole frame alone when no tile may run', () => {
    expect(new TileRotation().pick(crops, 0)).toEqual([whole]);
  });
});
