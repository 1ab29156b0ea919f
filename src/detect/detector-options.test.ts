import { describe, expect, it } from 'vitest';
import {
  BLAZEFACE_LIVE_EDGE,
  chosenDetectorOptions,
  decodeFloor,
  detectorDefaults,
  keepScore,
  fileDetectorOptions,
  liveDetectorOptions,
  NO_EDGE,
  parseEdge,
  type KeepRule,
} from './detector';
import { BLAZEFACE_BACK_256, YUNET_N } from './model';
import { DEFAULT_TILE_PLAN, NO_TILES } from './tiling';

const BF = BLAZEFACE_BACK_256;

describe('parseEdge', () => {
  it('takes T[:BAND], live and off', () => {
    expect(parseEdge('0.2:0.5', BF)).toEqual({ threshold: 0.2, band: 0.5 });
    expect(parseEdge('0.2', BF)).toEqual({ threshold: 0.2, band: BLAZEFACE_LIVE_EDGE.band });
    expect(parseEdge('live', BF)).toEqual(BLAZEFACE_LIVE_EDGE);
    expect(parseEdge('off', BF)).toEqual(NO_EDGE);
  });

  it("reads live as the model's live edge", () => {
    expect(parseEdge('live', BF)).toEqual(BF.live.edge);
    expect(parseEdge('live', YUNET_N)).toEqual(YUNET_N.live.edge);
    expect(parseEdge('0.2', YUNET_N)).toEqual({ threshold: 0.2, band: BLAZEFACE_LIVE_EDGE.band });
  });

  it('refuses what it cannot honour', () => {
    expect(() => parseEdge('0.05', BF, 0.1)).toThrow(/0.1 <= T/);
    expect(() => parseEdge('x', BF)).toThrow(/T\[:BAND\]/);
    expect(() => parseEdge('0.2:-1', BF)).toThrow(/BAND >= 0/);
    expect(() => parseEdge('0.2:0.3:1', BF)).toThrow(/T\[:BAND\]/);
  });
});

describe('detectorDefaults', () => {
  it("takes the model's score rule; BlazeFace runs tiles, YuNet does not", () => {
    const bf = detectorDefaults(BF);
    expect(bf.threshold).toBe(BF.score.threshold);
    expect(bf.tall).toEqual({ px: Infinity, threshold: 1 });
    expect(bf.tiles).toEqual(DEFAULT_TILE_PLAN);
    expect(bf.edge).toEqual(NO_EDGE);
    const yunet = detectorDefaults(YUNET_N);
    expect(yunet.threshold).toBe(YUNET_N.score.threshold);
    expect(yunet.tall).toEqual({ px: YUNET_N.score.tallPx, threshold: YUNET_N.score.tallThreshold });
    expect(yunet.tiles).toEqual(NO_TILES);
    expect(yunet.edge).toEqual(NO_EDGE);
  });
});

describe('chosenDetectorOptions', () => {
  it("reads a user's tiles and threshold over the model's defaults", () => {
    expect(chosenDetectorOptions(YUNET_N, {})).toEqual(detectorDefaults(YUNET_N));
    expect(chosenDetectorOptions(YUNET_N, { tiles: 'auto', threshold: null })).toEqual(detectorDefaults(YUNET_N));
    const on = chosenDetectorOptions(YUNET_N, { tiles: 'on', threshold: 0.5 });
    expect(on.tiles).toEqual({ ...DEFAULT_TILE_PLAN, upscale: undefined });
    expect(on.threshold).toBe(0.5);
    expect(chosenDetectorOptions(BF, { tiles: 'off' })).toMatchObject({
      tiles: NO_TILES,
      threshold: BF.score.threshold,
    });
    expect(chosenDetectorOptions(BF, { tiles: 'auto' }).tiles).toEqual(DEFAULT_TILE_PLAN);
    const live = liveDetectorOptions(YUNET_N);
    expect(live).toMatchObject({ threshold: YUNET_N.live.threshold, edge: YUNET_N.live.edge });
    // Live, YuNet takes the upscaled look; tiles on adds the grid to it, tiles off leaves the whole frame alone.
    expect(live.tiles).toEqual({ ...NO_TILES, upscale: 2 });
    expect(chosenDetectorOptions(YUNET_N, { tiles: 'on' }, live).tiles).toEqual({ ...DEFAULT_TILE_PLAN, upscale: 2 });
    expect(chosenDetectorOptions(YUNET_N, { tiles: 'off' }, live).tiles).toEqual(NO_TILES);
    expect(chosenDetectorOptions(YUNET_N, { threshold: null }, live)).toEqual(live);
    expect(chosenDetectorOptions(YUNET_N, { threshold: 0.4 }, live)).toMatchObject({
      threshold: 0.4,
      edge: YUNET_N.live.edge,
    });
  });
});

describe('keepScore', () => {
  const frame = { width: 640, height: 360 };
  const noTall = { px: Infinity, threshold: 1 };
  const rule = (edge: KeepRule['edge'], tall = noTall): KeepRule => ({ threshold: 0.3, tall, edge });
  const atBorder = { x: 5, y: 100, w: 40, h: 40 };
  const inside = { x: 300, y: 100, w: 40, h: 40 };

  it('keeps a box under the threshold only within the band of a border, and never under the edge threshold', () => {
    expect(keepScore(0.2, atBorder, frame, 40, rule(BLAZEFACE_LIVE_EDGE))).toBe(true);
    expect(keepScore(0.2, inside, frame, 40, rule(BLAZEFACE_LIVE_EDGE))).toBe(false);
    expect(keepScore(0.05, atBorder, frame, 40, rule(BLAZEFACE_LIVE_EDGE))).toBe(false);
    expect(keepScore(0.2, atBorder, frame, 40, rule(NO_EDGE))).toBe(false);
  });

  it('keeps a box under the threshold anywhere when it is tall enough in its input, from the tall threshold up', () => {
    const tall = { px: 80, threshold: 0.1 };
    expect(keepScore(0.2, inside, frame, 80, rule(NO_EDGE, tall))).toBe(true);
    expect(keepScore(0.2, inside, frame, 79, rule(NO_EDGE, tall))).toBe(false);
    expect(keepScore(0.05, inside, frame, 200, rule(NO_EDGE, tall))).toBe(false);
    expect(keepScore(0.3, inside, frame, 10, rule(NO_EDGE, tall))).toBe(true);
  });
});

describe('decodeFloor', () => {
  it('is the lowest score any rule keeps', () => {
    expect(decodeFloor({ threshold: 0.3, tall: { px: Infinity, threshold: 1 }, edge: NO_EDGE })).toBe(0.3);
    expect(decodeFloor({ threshold: 0.3, tall: { px: 80, threshold: 0.06 }, edge: NO_EDGE })).toBe(0.06);
    expect(decodeFloor({ threshold: 0.3, tall: { px: 80, threshold: 0.2 }, edge: BLAZEFACE_LIVE_EDGE })).toBe(0.1);
  });
});

describe('fileDetectorOptions', () => {
  it("detects a photo with the model's defaults, a video's frames with video's upscaled look too", () => {
    const yunet = fileDetectorOptions(YUNET_N, {});
    expect(yunet.photo).toEqual(detectorDefaults(YUNET_N));
    expect(yunet.video).toEqual({ ...detectorDefaults(YUNET_N), tiles: { ...NO_TILES, upscale: 2 } });
    expect(fileDetectorOptions(BF, {}).video).toEqual({
      ...detectorDefaults(BF),
      tiles: { ...DEFAULT_TILE_PLAN, upscale: 1 },
    });
    // A user's choices hold for both: tiles off leaves the whole frame alone, a threshold is the threshold.
    const off = fileDetectorOptions(YUNET_N, { tiles: 'off', threshold: 0.4 });
    expect(off.video).toEqual({ ...detectorDefaults(YUNET_N), threshold: 0.4 });
    expect(off.photo).toEqual(off.video);
  });
});
