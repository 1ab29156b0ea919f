import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYPOINTS } from './decode';
import { nms, type NmsOptions } from './nms';
import type { Detection } from '../core/types';
import { requestNodeDevice } from '../gpu/webgpu-node';
import { random } from '../testing/random';
import { CANDIDATES, type CandidateRecord } from './decode-pass';
import { NMS_CAP, NMS_PARAMS, NMS_RESULT, NMS_WGSL as code, NmsPass } from './nms-pass';
import { structLayout } from '../gpu/wgsl-layout';

const WORDS = { Record: { size: 4, align: 4 } };

type Candidate = CandidateRecord;

let device: GPUDevice;
beforeAll(async () => {
  device = await requestNodeDevice();
});
afterAll(() => device?.destroy());

/**
 * `faces` clusters of overlapping boxes (as BlazeFace fires neighbouring anchors on one face) plus `noise` lone
 * boxes, in fractions of the frame, with distinct (crop, anchor) ids; `levels` > 0 draws scores from that many
 * values, so that ties happen.
 */
function scene(seed: number, faces: number, perFace: number, noise: number, levels = 0): Candidate[] {
  const next = random(seed);
  const score = () => (levels > 0 ? 0.5 + Math.floor(next() * levels) / (2 * levels) : 0.5 + next() / 2);
  const out: Candidate[] = [];
  const box = (cx: number, cy: number, s: number) => ({
    x: cx - s / 2,
    y: cy - s / 2,
    w: s,
    h: s * (1 + 0.3 * next()),
  });
  const add = (b: Detection['box']) => {
    const keypoints = Array.from({ length: KEYPOINTS }, () => ({ x: b.x + next() * b.w, y: b.y + next() * b.h }));
    out.push({ box: b, score: Math.fround(score()), keypoints, crop: Math.floor(next() * 9), anchor: out.length });
  };
  for (let f = 0; f < faces; f++) {
    const [cx, cy, s] = [next(), next(), 0.02 + 0.2 * next()];
    for (let k = 0; k < perFace; k++)
      add(box(cx + (next() - 0.5) * s * 0.3, cy + (next() - 0.5) * s * 0.3, s * (0.8 + 0.4 * next())));
  }
  for (let k = 0; k < noise; k++) add(box(next(), next(), 0.01 + 0.1 * next()));
  return out;
}

/** Writes the candidates as decode.wgsl would, in a shuffled order (its appends land in any order). */
function upload(cands: readonly Candidate[], count = cands.length): GPUBuffer {
  const shuffled = [...cands];
  const next = random(99);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const words = new ArrayBuffer(CANDIDATES.recordsOffset + 4 * CANDIDATES.recordWords * Math.max(1, cands.length));
  const u = new Uint32Array(words);
  const f = new Float32Array(words);
  u[0] = count;
  shuffled.forEach((c, i) => {
    const r = CANDIDATES.recordsOffset / 4 + i * CANDIDATES.recordWords;
    u[r] = c.anchor;
    u[r + 1] = c.crop;
    f.set([c.score, c.box.x, c.box.y, c.box.w, c.box.h, ...c.keypoints.flatMap((p) => [p.x, p.y])], r + 2);
  });
  const buffer = device.createBuffer({
    label: 'candidates',
    size: words.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(buffer, 0, words);
  return buffer;
}

async function gpuNms(cands: readonly Candidate[], o: NmsOptions, count?: number) {
  const buffer = upload(cands, count);
  const pass = new NmsPass(device, buffer, { maxFaces: o.maxFaces, keypoints: KEYPOINTS });
  await pass.ready;
  const encoder = device.createCommandEncoder();
  const read = pass.encode(encoder, o);
  device.queue.submit([encoder.finish()]);
  const result = await read();
  pass.destroy();
  buffer.destroy();
  return result;
}

/** The CPU twin sees the candidates as the CPU path lists them: crop by crop, in anchor order (lexicographic). */
function cpuNms(cands: readonly Candidate[], o: NmsOptions): Detection[] {
  return nms(
    [...cands].sort((a, b) => a.crop - b.crop || a.anchor - b.anchor),
    o,
  );
}

function expectSameFaces(gpu: Detection[], cpu: Detection[]): void {
  expect(gpu.map((d) => d.score)).toEqual(cpu.map((d) => Math.fround(d.score)));
  const values = (d: Detection) => [d.box.x, d.box.y, d.box.w, d.box.h, ...d.keypoints.flatMap((p) => [p.x, p.y])];
  gpu.forEach((g, i) => {
    const want = values(cpu[i]);
    expect(Math.max(...values(g).map((v, k) => Math.abs(v - want[k]))), `face ${i}`).toBeLessThan(1e-5);
  });
}

describe('NmsPass', () => {
  it('lays out params and results as the WGSL structs do', () => {
    expect(structLayout(code, 'Params')).toEqual(NMS_PARAMS);
    const result = structLayout(code, 'Result', WORDS);
    expect([result.kept, result.candidates, result.faces]).toEqual([
      NMS_RESULT.keptOffset,
      NMS_RESULT.candidatesOffset,
      NMS_RESULT.facesOffset,
    ]);
    expect(structLayout(code, 'Record', WORDS).byteSize).toBe(4 * CANDIDATES.recordWords);
  });

  for (const weighted of [false, true]) {
    for (const iouThreshold of [0.3, 0.5]) {
      it(`keeps the CPU twin's faces (${weighted ? 'weighted' : 'plain'}, IoU ${iouThreshold})`, async () => {
        const o: NmsOptions = { iouThreshold, maxFaces: 64, weighted };
        const cands = scene(iouThreshold * 10 + Number(weighted), 25, 8, 60);
        const cpu = cpuNms(cands, o);
        expect(cpu.length).toBeGreaterThan(20);
        const { faces, candidates } = await gpuNms(cands, o);
        expect(candidates).toBe(cands.length);
        expectSameFaces(faces, cpu);
      });
    }
  }

  it('orders equal scores by crop and anchor, as the CPU twin does', async () => {
    const o: NmsOptions = { iouThreshold: 0.3, maxFaces: 64, weighted: false };
    const cands = scene(5, 20, 6, 20, 3);
    expectSameFaces((await gpuNms(cands, o)).faces, cpuNms(cands, o));
  });

  it('stops at maxFaces, strongest first', async () => {
    const o: NmsOptions = { iouThreshold: 0.3, maxFaces: 5, weighted: true };
    const cands = scene(6, 12, 4, 0);
    const { faces } = await gpuNms(cands, o);
    expect(faces).toHaveLength(5);
    expectSameFaces(faces, cpuNms(cands, o));
  });

  it('keeps nothing from nothing, and a lone candidate as it is', async () => {
    const o: NmsOptions = { iouThreshold: 0.3, maxFaces: 64, weighted: true };
    expect(await gpuNms([], o)).toEqual({ faces: [], candidates: 0 });
    const one = scene(7, 1, 1, 0);
    expectSameFaces((await gpuNms(one, o)).faces, one);
  });

  it(`ranks a full list of ${NMS_CAP}, and reports how many more there were`, async () => {
    const o: NmsOptions = { iouThreshold: 0.3, maxFaces: 64, weighted: true };
    const cands = scene(8, 300, 12, NMS_CAP - 3600);
    expect(cands).toHaveLength(NMS_CAP);
    const { faces, candidates } = await gpuNms(cands, o, NMS_CAP + 100);
    expect(candidates).toBe(NMS_CAP + 100);
    expectSameFaces(faces, cpuNms(cands, o));
  }, 60_000);
});
