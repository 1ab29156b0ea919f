import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import code from './anonymize.wgsl?raw';
import { readBuffer } from '../gpu/readback';
import { requestNodeDevice } from '../gpu/webgpu-node';
import {
  ALPHA_FIXED,
  FIXED_ONE,
  decode,
  encodeChannel,
  fromFixed,
  linearToSrgb,
  srgbTables,
  srgbToLinear,
} from './srgb';

describe('sRGB tables', () => {
  it('decode monotonically, 0 to 0 and 255 to 1, and the fixed table is the linear one in FIXED_ONE units', () => {
    const { linear, fixed } = srgbTables();
    expect([linear[0], linear[255], fixed[255]]).toEqual([0, 1, FIXED_ONE]);
    for (let i = 1; i < 256; i++) {
      expect(linear[i]).toBeGreaterThan(linear[i - 1]);
      expect(fixed[i]).toBe(Math.round(linear[i] * FIXED_ONE));
    }
    expect(srgbToLinear(0.5)).toBeCloseTo(0.214, 3);
    expect(linearToSrgb(srgbToLinear(0.3))).toBeCloseTo(0.3, 9);
  });

  it('round-trip every byte through decode and encode', () => {
    const out = new Float64Array(4);
    for (let v = 0; v < 256; v++) {
      decode([v, v, v, v], 0, out);
      for (let c = 0; c < 4; c++) expect(Math.floor(encodeChannel(out[c], c) + 0.5)).toBe(v);
      expect(Math.floor(encodeChannel(fromFixed(srgbTables().fixed[v] * 7, 7, 0), 0) + 0.5)).toBe(v);
      expect(fromFixed(v * ALPHA_FIXED * 3, 3, 3)).toBeCloseTo(v / 255, 12);
    }
  });
});

describe('the colour helpers of anonymize.wgsl', () => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = await requestNodeDevice();
  });
  afterAll(() => device?.destroy());

  it('encode the decoded bytes back to themselves on the GPU, within f32 of the twin', async () => {
    const probe = `${code}
@group(2) @binding(0) var<storage, read_write> probe_out: array<vec4f, 256>;
@compute @workgroup_size(64) fn probe(@builtin(global_invocation_id) id: vec3u) {
  let v = f32(id.x);
  probe_out[id.x] = encode(decode(vec4f(v)));
}`;
    const module = device.createShaderModule({ label: 'srgb-probe', code: probe });
    const pipeline = device.createComputePipeline({
      label: 'srgb-probe',
      layout: 'auto',
      compute: { module, entryPoint: 'probe' },
    });
    const { linear, fixed } = srgbTables();
    const tables = device.createBuffer({ size: 2048, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(tables, 0, linear);
    device.queue.writeBuffer(tables, 1024, fixed);
    const out = device.createBuffer({ size: 256 * 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(
      0,
      device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [{ binding: 7, resource: { buffer: tables } }],
      }),
    );
    pass.setBindGroup(
      2,
      device.createBindGroup({
        layout: pipeline.getBindGroupLayout(2),
        entries: [{ binding: 0, resource: { buffer: out } }],
      }),
    );
    pass.dispatchWorkgroups(4);
    pass.end();
    device.queue.submit([encoder.finish()]);
    const got = new Float32Array(await readBuffer(device, out));
    [tables, out].forEach((b) => b.destroy());
    for (let v = 0; v < 256; v++) {
      for (let c = 0; c < 4; c++) {
        expect(Math.abs(got[v * 4 + c] - v), `byte ${v} channel ${c}`).toBeLessThan(0.01);
      }
    }
  });
});
