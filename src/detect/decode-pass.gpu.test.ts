import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidateToDetection, decodeGrid, decodeRef, type Candidate, type RawOutputs } from './decode';
import { decodeFloor, keepScore, type KeepRule } from './detector';
import { BLAZEFACE_BACK_256, YUNET_N, type CpuOutputs, type InputSize } from './model';
import { isCut, type Crop } from './tiling';
import type { Detection, FrameSize } from '../core/types';
import { requestNodeDevice } from '../gpu/webgpu-node';
import { anchorCpuOutputs, randomGridRaw, randomRaw, uploadOutputs, uploadRaw } from '../testing/raw-outputs';
import {
  AnchorDecodePass,
  CANDIDATES,
  DECODE_CROP,
  DECODE_GRID_WGSL,
  DECODE_LEVEL,
  DECODE_WGSL as code,
  GridDecodePass,
  readRecord,
  type CandidateRecord,
  type DecodeCrop,
  type DecodePass,
} from './decode-pass';
import { readBuffer } from '../gpu/readback';
import { structLayout } from '../gpu/wgsl-layout';

// Records are arrays of 4-byte words.
const RECORD = { Record: { size: 4, align: 4 } };

const ANCHOR_SPEC = BLAZEFACE_BACK_256.head.kind === 'anchors' ? BLAZEFACE_BACK_256.head.anchors : undefined!;
const STRIDES = YUNET_N.head.kind === 'strides' ? YUNET_N.head.strides : undefined!;

let device: GPUDevice;
beforeAll(async () => {
  device = await requestNodeDevice();
});
afterAll(() => device?.destroy());

/** The candidate buffer as records, ordered by (crop, anchor): the GPU appends in any order. */
async function readCandidateRecord(
  pass: DecodePass,
  keypoints?: number,
): Promise<{ count: number; found: CandidateRecord[] }> {
  const words = await readBuffer(device, pass.candidates);
  const count = new Uint32Array(words)[CANDIDATES.countOffset / 4];
  const found = Array.from({ length: Math.min(count, pass.maxCandidates) }, (_, i) =>
    readRecord(words, CANDIDATES.recordsOffset / 4 + i * CANDIDATES.recordWords, keypoints),
  );
  return { count, found: found.sort((a, b) => a.crop - b.crop || a.anchor - b.anchor) };
}

const ruleOf = (c: DecodeCrop): KeepRule => ({
  threshold: c.threshold,
  tall: { px: c.tallPx, threshold: c.tallThreshold },
  edge: { threshold: c.edgeThreshold, band: c.edgeBand },
});

/** A kept candidate of the CPU twin, and its height in its crop's input pixels. */
type Expected = CandidateRecord & { inputHeight: number };

/**
 * The CPU twin, as mergeCrops runs it in frame pixels: candidates (decoded from the crop's floor score) mapped
 * into the crop, kept by score (lower at the frame's borders and for tall boxes), cut faces dropped; then in
 * fractions of the frame, as the GPU writes them.
 */
function expectedFor(decode: (floor: number) => Candidate[], c: DecodeCrop, frame: FrameSize): Expected[] {
  const px = (x: number, y: number, w: number, h: number) => ({
    x: x * frame.width,
    y: y * frame.height,
    w: w * frame.width,
    h: h * frame.height,
  });
  const rect = px(c.rect.x, c.rect.y, c.rect.w, c.rect.h);
  const margin = c.margin.x * frame.width;
  expect(c.margin.y * frame.height, 'one margin in pixels along both axes').toBeCloseTo(margin, 9);
  const crop: Crop = { rect, inner: c.dropEdges as Crop['inner'], input: c.input };
  const rule = ruleOf(c);
  const out: Expected[] = [];
  for (const cand of decode(decodeFloor(rule))) {
    const d = candidateToDetection(cand, rect);
    const inputHeight = (d.box.h * c.input.height) / rect.h;
    if (!keepScore(d.score, d.box, frame, inputHeight, rule) || isCut(d.box, crop, margin)) continue;
    out.push({
      anchor: cand.anchor,
      crop: c.index,
      score: d.score,
      inputHeight,
      box: { x: d.box.x / frame.width, y: d.box.y / frame.height, w: d.box.w / frame.width, h: d.box.h / frame.height },
      keypoints: d.keypoints.map((p) => ({ x: p.x / frame.width, y: p.y / frame.height })),
    });
  }
  return out;
}

const UNIT: FrameSize = { width: 1, height: 1 };

/** BlazeFace's twin: decodeRef. */
function expected(raw: RawOutputs, c: DecodeCrop): Expected[] {
  return expectedFor((floor) => decodeRef(raw, floor, ANCHOR_SPEC), c, UNIT);
}

/** YuNet's twin: decodeGrid. */
function expectedGrid(outputs: CpuOutputs, c: DecodeCrop, frame: FrameSize): Expected[] {
  return expectedFor((floor) => decodeGrid(outputs, STRIDES, c.input, floor), c, frame);
}

function expectSame(gpu: CandidateRecord[], cpu: CandidateRecord[]): void {
  expect(gpu.map((c) => [c.crop, c.anchor])).toEqual(cpu.map((c) => [c.crop, c.anchor]));
  gpu.forEach((g, i) => {
    const c = cpu[i];
    expect(g.score).toBeCloseTo(c.score, 6);
    const values = (d: Detection) => [d.box.x, d.box.y, d.box.w, d.box.h, ...d.keypoints.flatMap((p) => [p.x, p.y])];
    const want = values(c);
    expect(values(g)).toHaveLength(want.length);
    expect(Math.max(...values(g).map((v, k) => Math.abs(v - want[k])))).toBeLessThan(1e-4);
  });
}

// BlazeFace's score rule has no tall threshold.
const NO_TALL = { tallPx: Infinity, tallThreshold: 1 };
const BLAZEFACE_INPUT: InputSize = { width: 256, height: 256 };

const WHOLE: DecodeCrop = {
  rect: { x: 0, y: 0, w: 1, h: 1 },
  dropEdges: [false, false, false, false],
  margin: { x: 0, y: 0 },
  threshold: 0.7,
  edgeThreshold: 0.5,
  edgeBand: 0.3,
  ...NO_TALL,
  input: BLAZEFACE_INPUT,
  index: 0,
};
// A tile whose left, right and bottom edges lie inside the frame; a square frame, so one margin serves both axes.
const TILE: DecodeCrop = {
  rect: { x: 0.25, y: 0, w: 0.5, h: 0.5 },
  dropEdges: [true, false, true, true],
  margin: { x: 0.02, y: 0.02 },
  threshold: 0.6,
  edgeThreshold: 0.4,
  edgeBand: 0.3,
  ...NO_TALL,
  input: BLAZEFACE_INPUT,
  index: 3,
};

describe('AnchorDecodePass', () => {
  it('lays out crops and records as the WGSL structs do', () => {
    expect(structLayout(code, 'Crop')).toEqual(DECODE_CROP);
    const record = structLayout(code, 'Record', RECORD);
    expect(record.byteSize).toBe(CANDIDATES.recordWords * 4);
    expect([record.anchor, record.crop, record.score, record.x, record.keypoints]).toEqual([0, 4, 8, 12, 28]);
    expect(structLayout(code, 'Candidates', RECORD).records).toBe(CANDIDATES.recordsOffset);
  });

  it('appends the same candidates as the CPU twin, crop by crop, dropping faces cut by a tile edge', async () => {
    const pass = new AnchorDecodePass(device, ANCHOR_SPEC, { maxCandidates: 2048 });
    await pass.ready;
    const raws = [randomRaw(7), randomRaw(8)];
    const crops = [WHOLE, TILE];
    raws.forEach((raw, i) => {
      const encoder = device.createCommandEncoder();
      if (i === 0) pass.begin(encoder);
      pass.encode(encoder, uploadRaw(device, [raw]).buffers, [crops[i]]);
      device.queue.submit([encoder.finish()]);
    });
    const cpu = raws.flatMap((raw, i) => expected(raw, crops[i]));
    const all = decodeRef(raws[1], TILE.threshold, ANCHOR_SPEC).length;
    expect(cpu.filter((c) => c.crop === TILE.index).length, 'some tile faces are cut, some are not').toBeLessThan(all);
    expect(cpu.length).toBeGreaterThan(300);
    const edgeOnly = cpu.filter((c) => c.score < crops.find((k) => k.index === c.crop)!.threshold);
    expect(edgeOnly.length, 'some faces pass only by the edge threshold').toBeGreaterThan(0);
    expect(cpu.length, 'the edge threshold applies only near the borders').toBeLessThan(
      raws.reduce((n, raw, i) => n + decodeRef(raw, crops[i].edgeThreshold, ANCHOR_SPEC).length, 0),
    );
    const { count, found } = await readCandidateRecord(pass, BLAZEFACE_BACK_256.keypoints);
    expect(count).toBe(cpu.length);
    expectSame(found, cpu);
    pass.destroy();
  });

  it('decodes a batch of crops in one dispatch as it decodes them one by one', async () => {
    const pass = new AnchorDecodePass(device, ANCHOR_SPEC, { maxCandidates: 2048 });
    await pass.ready;
    const raws = [randomRaw(9), randomRaw(10)];
    const encoder = device.createCommandEncoder();
    pass.begin(encoder);
    pass.encode(encoder, uploadOutputs(device, raws.map(anchorCpuOutputs)), [WHOLE, TILE]);
    device.queue.submit([encoder.finish()]);
    expectSame((await readCandidateRecord(pass)).found, [...expected(raws[0], WHOLE), ...expected(raws[1], TILE)]);
    pass.destroy();
  });

  it('counts every survivor but keeps at most maxCandidates, each a true one', async () => {
    const pass = new AnchorDecodePass(device, ANCHOR_SPEC, { maxCandidates: 16 });
    await pass.ready;
    const raw = randomRaw(8);
    const encoder = device.createCommandEncoder();
    pass.begin(encoder);
    pass.encode(encoder, uploadRaw(device, [raw]).buffers, [{ ...WHOLE, threshold: 0.5, edgeThreshold: 0.5 }]);
    device.queue.submit([encoder.finish()]);
    const cpu = new Map(expected(raw, { ...WHOLE, threshold: 0.5, edgeThreshold: 0.5 }).map((c) => [c.anchor, c]));
    const { count, found } = await readCandidateRecord(pass);
    expect(count).toBe(cpu.size);
    expect(found).toHaveLength(16);
    expectSame(
      found,
      found.map((g) => cpu.get(g.anchor) ?? { ...g, anchor: -1 }),
    );
    pass.destroy();
  });
});

// YuNet on a 90x60 frame at its own size: a 96x64 input (padded bottom and right), the whole frame's crop
// reaching past the frame; and a 45x30 tile (the input's aspect) whose left, right and bottom edges lie inside.
const FRAME: FrameSize = { width: 90, height: 60 };
const GRID_INPUT: InputSize = { width: 96, height: 64 };
const GRID_RULE = { threshold: 0.5, tallPx: 40, tallThreshold: 0.06, edgeThreshold: 0.2, edgeBand: 0.3 };
const fractions = (x: number, y: number, w: number, h: number) => ({
  x: x / FRAME.width,
  y: y / FRAME.height,
  w: w / FRAME.width,
  h: h / FRAME.height,
});
const GRID_WHOLE: DecodeCrop = {
  rect: fractions(0, 0, 96, 64),
  dropEdges: [false, false, false, false],
  margin: { x: 0, y: 0 },
  ...GRID_RULE,
  input: GRID_INPUT,
  index: 0,
};
const TILE_MARGIN_PX = 45 / 64;
const GRID_TILE: DecodeCrop = {
  rect: fractions(30, 0, 45, 30),
  dropEdges: [true, false, true, true],
  margin: { x: TILE_MARGIN_PX / FRAME.width, y: TILE_MARGIN_PX / FRAME.height },
  ...GRID_RULE,
  input: GRID_INPUT,
  index: 2,
};

describe('GridDecodePass', () => {
  it('lays out crops and levels as the WGSL structs do', () => {
    expect(structLayout(DECODE_GRID_WGSL, 'Crop')).toEqual(DECODE_CROP);
    expect(structLayout(DECODE_GRID_WGSL, 'Level')).toEqual(DECODE_LEVEL);
    expect(structLayout(DECODE_GRID_WGSL, 'Candidates', RECORD).records).toBe(CANDIDATES.recordsOffset);
  });

  it('appends the same candidates as the CPU twin, crop by crop, with the tall and edge rules', async () => {
    const pass = new GridDecodePass(device, STRIDES, { maxCandidates: 2048 });
    await pass.ready;
    const raws = [randomGridRaw(21, GRID_INPUT), randomGridRaw(22, GRID_INPUT)];
    const crops = [GRID_WHOLE, GRID_TILE];
    raws.forEach((raw, i) => {
      const encoder = device.createCommandEncoder();
      if (i === 0) pass.begin(encoder);
      pass.encode(encoder, uploadOutputs(device, [raw]), [crops[i]]);
      device.queue.submit([encoder.finish()]);
    });
    const cpu = raws.flatMap((raw, i) => expectedGrid(raw, crops[i], FRAME));
    expect(cpu.length).toBeGreaterThan(40);
    const cells = STRIDES.map((s) => (GRID_INPUT.width / s) * (GRID_INPUT.height / s));
    expect(
      new Set(cpu.map((c) => STRIDES[c.anchor < cells[0] ? 0 : c.anchor < cells[0] + cells[1] ? 1 : 2])).size,
      'every stride finds some',
    ).toBe(STRIDES.length);
    const tile = cpu.filter((c) => c.crop === GRID_TILE.index);
    const uncut = expectedGrid(raws[1], { ...GRID_TILE, dropEdges: [false, false, false, false] }, FRAME);
    expect(tile.length, 'some tile faces are cut, some are not').toBeLessThan(uncut.length);
    expect(tile.length).toBeGreaterThan(0);
    const below = cpu.filter((c) => c.score < GRID_RULE.threshold);
    expect(
      below.filter((c) => c.score < GRID_RULE.edgeThreshold).length,
      'some faces pass only by the tall threshold',
    ).toBeGreaterThan(0);
    expect(
      below.filter((c) => c.inputHeight < GRID_RULE.tallPx).length,
      'some faces pass only by the edge threshold',
    ).toBeGreaterThan(0);
    const floor = decodeFloor(ruleOf(GRID_WHOLE));
    expect(cpu.length, 'the lower thresholds apply only to tall boxes and near the borders').toBeLessThan(
      raws.reduce((n, raw) => n + decodeGrid(raw, STRIDES, GRID_INPUT, floor).length, 0),
    );
    const { count, found } = await readCandidateRecord(pass, YUNET_N.keypoints);
    expect(count).toBe(cpu.length);
    expectSame(found, cpu);
    pass.destroy();
  });

  it('decodes a batch of crops in one dispatch per stride as it decodes them one by one', async () => {
    const pass = new GridDecodePass(device, STRIDES, { maxCandidates: 2048 });
    await pass.ready;
    const raws = [randomGridRaw(23, GRID_INPUT), randomGridRaw(24, GRID_INPUT)];
    const encoder = device.createCommandEncoder();
    pass.begin(encoder);
    pass.encode(encoder, uploadOutputs(device, raws), [GRID_WHOLE, GRID_TILE]);
    device.queue.submit([encoder.finish()]);
    const cpu = [...expectedGrid(raws[0], GRID_WHOLE, FRAME), ...expectedGrid(raws[1], GRID_TILE, FRAME)];
    expect(cpu.filter((c) => c.crop === GRID_TILE.index).length).toBeGreaterThan(0);
    const { count, found } = await readCandidateRecord(pass, YUNET_N.keypoints);
    expect(count).toBe(cpu.length);
    expectSame(found, cpu);
    pass.destroy();
  });

  it('refuses crops of different input sizes in one run', async () => {
    const pass = new GridDecodePass(device, STRIDES, { maxCandidates: 16 });
    await pass.ready;
    const raws = [randomGridRaw(25, GRID_INPUT)];
    const encoder = device.createCommandEncoder();
    pass.begin(encoder);
    expect(() =>
      pass.encode(encoder, uploadOutputs(device, raws), [
        GRID_WHOLE,
        { ...GRID_TILE, input: { width: 64, height: 64 } },
      ]),
    ).toThrow(RangeError);
    pass.destroy();
  });
});
