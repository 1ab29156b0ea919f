import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import code from '../shaders/decode.wgsl?raw';
import { decodeRef, type Candidate, type RawOutputs } from '../detect/decode';
import { requestNodeDevice } from '../node/webgpu-node';
import { CANDIDATES, DECODE_PARAMS, DecodePass } from './decode-pass';
import { structLayout } from './wgsl-layout';

// Records are arrays of 4-byte words.
const RECORD = { Record: { size: 4, align: 4 } };

function randomRaw(seed: number): RawOutputs {
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const fill = (n: number, lo: number, hi: number) => Float32Array.from({ length: n }, () => lo + (hi - lo) * rand());
  return {
    scores: [fill(512, -6, 6), fill(384, -6, 6)],
    boxes: [fill(512 * 16, -40, 40), fill(384 * 16, -40, 40)],
  };
}

let device: GPUDevice;
const owned: GPUBuffer[] = [];
beforeAll(async () => {
  device = await requestNodeDevice();
});
afterAll(() => {
  owned.forEach((b) => b.destroy());
  device?.destroy();
});

/** Stands in for onnxruntime-web's output buffers. */
function upload(raw: RawOutputs): { scores: GPUBuffer[]; boxes: GPUBuffer[] } {
  const put = (a: Float32Array) => {
    const b = device.createBuffer({ label: 'raw', size: a.byteLength, usage: GPUBufferUsage.STORAGE, mappedAtCreation: true });
    new Float32Array(b.getMappedRange()).set(a);
    b.unmap();
    owned.push(b);
    return b;
  };
  return { scores: raw.scores.map(put), boxes: raw.boxes.map(put) };
}

async function decodeOnGpu(pass: DecodePass, raw: RawOutputs, threshold: number): Promise<Candidate[]> {
  const encoder = device.createCommandEncoder();
  pass.encode(encoder, upload(raw), threshold);
  device.queue.submit([encoder.finish()]);
  return pass.readCandidates();
}

function expectSameCandidates(gpu: Candidate[], cpu: Candidate[]): void {
  expect(gpu.map((c) => c.anchor)).toEqual(cpu.map((c) => c.anchor));
  gpu.forEach((g, i) => {
    const c = cpu[i];
    expect(g.score).toBeCloseTo(c.score, 5);
    const diffs = [g.cx - c.cx, g.cy - c.cy, g.w - c.w, g.h - c.h, ...g.keypoints.map((k, j) => k - c.keypoints[j])];
    expect(Math.max(...diffs.map(Math.abs))).toBeLessThan(1e-4);
  });
}

describe('DecodePass', () => {
  it('lays out params and records as the WGSL structs do', () => {
    expect(structLayout(code, 'Params')).toEqual(DECODE_PARAMS);
    const record = structLayout(code, 'Record', RECORD);
    expect(record.byteSize).toBe(CANDIDATES.recordWords * 4);
    expect([record.anchor, record.score, record.cx, record.keypoints]).toEqual([0, 4, 8, 24]);
    expect(structLayout(code, 'Candidates', RECORD).records).toBe(CANDIDATES.recordsOffset);
  });

  it('finds the same candidates as decodeRef on random outputs', async () => {
    const pass = new DecodePass(device, { maxCandidates: 896 });
    const raw = randomRaw(7);
    const cpu = decodeRef(raw, 0.7);
    expect(cpu.length).toBeGreaterThan(300);
    expectSameCandidates(await decodeOnGpu(pass, raw, 0.7), cpu);
    pass.destroy();
  });

  it('keeps at most maxCandidates, each a true survivor', async () => {
    const pass = new DecodePass(device, { maxCandidates: 16 });
    const raw = randomRaw(8);
    const gpu = await decodeOnGpu(pass, raw, 0.5);
    expect(gpu).toHaveLength(16);
    const cpu = new Map(decodeRef(raw, 0.5).map((c) => [c.anchor, c]));
    expectSameCandidates(gpu, gpu.map((g) => cpu.get(g.anchor) ?? { ...g, anchor: -1 }));
    pass.destroy();
  });

  it('reads the newest encode and refuses a read with nothing new', async () => {
    const pass = new DecodePass(device, { maxCandidates: 896 });
    const raw = upload(randomRaw(9));
    for (const threshold of [0.9, 0.99]) {
      const encoder = device.createCommandEncoder();
      pass.encode(encoder, raw, threshold);
      device.queue.submit([encoder.finish()]);
    }
    const newest = await pass.readCandidates();
    expect(newest.length).toBeGreaterThan(0);
    expect(newest.every((c) => c.score >= 0.99)).toBe(true);
    await expect(pass.readCandidates()).rejects.toThrow(/without a new encode/);
    pass.destroy();
  });
});
