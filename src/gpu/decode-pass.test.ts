import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidateToDetection, decodeRef, type RawOutputs } from '../detect/decode';
import { decodeFloor, keepScore } from '../detect/detector';
import { isCut } from '../detect/tiling';
import type { Detection } from '../detect/types';
import { requestNodeDevice } from '../node/webgpu-node';
import { randomRaw, uploadRaw } from '../testing/raw-outputs';
import { CANDIDATES, DECODE_CROP, DECODE_WGSL as code, DecodePass, readRecord, type CandidateRecord, type DecodeCrop } from './decode-pass';
import { readBuffer } from './readback';
import { structLayout } from './wgsl-layout';

// Records are arrays of 4-byte words.
const RECORD = { Record: { size: 4, align: 4 } };

let device: GPUDevice;
beforeAll(async () => {
  device = await requestNodeDevice();
});
afterAll(() => device?.destroy());

/** The candidate buffer as records, ordered by (crop, anchor): the GPU appends in any order. */
async function readCandidateRecord(pass: DecodePass): Promise<{ count: number; found: CandidateRecord[] }> {
  const words = await readBuffer(device, pass.candidates);
  const count = new Uint32Array(words)[CANDIDATES.countOffset / 4];
  const found = Array.from({ length: Math.min(count, pass.maxCandidates) },
    (_, i) => readRecord(words, CANDIDATES.recordsOffset / 4 + i * CANDIDATES.recordWords));
  return { count, found: found.sort((a, b) => a.crop - b.crop || a.anchor - b.anchor) };
}

/** The CPU twin: decodeRef, mapped into the crop, kept by score (lower at the frame's borders), cut faces dropped. */
function expected(raw: RawOutputs, c: DecodeCrop): CandidateRecord[] {
  const crop = { rect: c.rect, inner: c.dropEdges as [boolean, boolean, boolean, boolean] };
  const edge = { threshold: c.edgeThreshold, band: c.edgeBand };
  return decodeRef(raw, decodeFloor({ threshold: c.threshold, edge }))
    .map((cand) => ({ ...candidateToDetection(cand, c.rect), anchor: cand.anchor, crop: c.index }))
    .filter((d) => keepScore(d.score, d.box, { width: 1, height: 1 }, c.threshold, edge) && !isCut(d.box, crop, c.margin.x));
}

function expectSame(gpu: CandidateRecord[], cpu: CandidateRecord[]): void {
  expect(gpu.map((c) => [c.crop, c.anchor])).toEqual(cpu.map((c) => [c.crop, c.anchor]));
  gpu.forEach((g, i) => {
    const c = cpu[i];
    expect(g.score).toBeCloseTo(c.score, 6);
    const values = (d: Detection) => [d.box.x, d.box.y, d.box.w, d.box.h, ...d.keypoints.flatMap((p) => [p.x, p.y])];
    const want = values(c);
    expect(Math.max(...values(g).map((v, k) => Math.abs(v - want[k])))).toBeLessThan(1e-4);
  });
}

const WHOLE: DecodeCrop = { rect: { x: 0, y: 0, w: 1, h: 1 }, dropEdges: [false, false, false, false], margin: { x: 0, y: 0 }, threshold: 0.7,
  edgeThreshold: 0.5, edgeBand: 0.3, index: 0 };
// A tile whose left, right and bottom edges lie inside the frame; a square frame, so one margin serves both axes.
const TILE: DecodeCrop = { rect: { x: 0.25, y: 0, w: 0.5, h: 0.5 }, dropEdges: [true, false, true, true], margin: { x: 0.02, y: 0.02 }, threshold: 0.6,
  edgeThreshold: 0.4, edgeBand: 0.3, index: 3 };

describe('DecodePass', () => {
  it('lays out crops and records as the WGSL structs do', () => {
    expect(structLayout(code, 'Crop')).toEqual(DECODE_CROP);
    const record = structLayout(code, 'Record', RECORD);
    expect(record.byteSize).toBe(CANDIDATES.recordWords * 4);
    expect([record.anchor, record.crop, record.score, record.x, record.keypoints]).toEqual([0, 4, 8, 12, 28]);
    expect(structLayout(code, 'Candidates', RECORD).records).toBe(CANDIDATES.recordsOffset);
  });

  it('appends the same candidates as the CPU twin, crop by crop, dropping faces cut by a tile edge', async () => {
    const pass = new DecodePass(device, { maxCandidates: 2048 });
    const raws = [randomRaw(7), randomRaw(8)];
    const crops = [WHOLE, TILE];
    raws.forEach((raw, i) => {
      const encoder = device.createCommandEncoder();
      if (i === 0) pass.begin(encoder);
      pass.encode(encoder, uploadRaw(device, [raw]), [crops[i]]);
      device.queue.submit([encoder.finish()]);
    });
    const cpu = raws.flatMap((raw, i) => expected(raw, crops[i]));
    const all = decodeRef(raws[1], TILE.threshold).length;
    expect(cpu.filter((c) => c.crop === TILE.index).length, 'some tile faces are cut, some are not').toBeLessThan(all);
    expect(cpu.length).toBeGreaterThan(300);
    const edgeOnly = cpu.filter((c) => c.score < crops.find((k) => k.index === c.crop)!.threshold);
    expect(edgeOnly.length, 'some faces pass only by the edge threshold').toBeGreaterThan(0);
    expect(cpu.length, 'the edge threshold applies only near the borders')
      .toBeLessThan(raws.reduce((n, raw, i) => n + decodeRef(raw, crops[i].edgeThreshold).length, 0));
    const { count, found } = await readCandidateRecord(pass);
    expect(count).toBe(cpu.length);
    expectSame(found, cpu);
    pass.destroy();
  });

  it('decodes a batch of crops in one dispatch as it decodes them one by one', async () => {
    const pass = new DecodePass(device, { maxCandidates: 2048 });
    const raws = [randomRaw(9), randomRaw(10)];
    const encoder = device.createCommandEncoder();
    pass.begin(encoder);
    pass.encode(encoder, uploadRaw(device, raws), [WHOLE, TILE]);
    device.queue.submit([encoder.finish()]);
    expectSame((await readCandidateRecord(pass)).found, [...expected(raws[0], WHOLE), ...expected(raws[1], TILE)]);
    pass.destroy();
  });

  it('counts every survivor but keeps at most maxCandidates, each a true one', async () => {
    const pass = new DecodePass(device, { maxCandidates: 16 });
    const raw = randomRaw(8);
    const encoder = device.createCommandEncoder();
    pass.begin(encoder);
    pass.encode(encoder, uploadRaw(device, [raw]), [{ ...WHOLE, threshold: 0.5, edgeThreshold: 0.5 }]);
    device.queue.submit([encoder.finish()]);
    const cpu = new Map(expected(raw, { ...WHOLE, threshold: 0.5, edgeThreshold: 0.5 }).map((c) => [c.anchor, c]));
    const { count, found } = await readCandidateRecord(pass);
    expect(count).toBe(cpu.size);
    expect(found).toHaveLength(16);
    expectSame(found, found.map((g) => cpu.get(g.anchor) ?? { ...g, anchor: -1 }));
    pass.destroy();
  });
});
