import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestNodeDevice } from './webgpu-node';
import { GpuCensus } from './resource-census';

let device: GPUDevice;
beforeAll(async () => {
  device = await requestNodeDevice();
});
afterAll(() => device?.destroy());

describe('GpuCensus', () => {
  it('counts buffers, textures and query sets until they are destroyed', () => {
    const census = new GpuCensus();
    census.watch(device);
    const buffer = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE });
    const texture = device.createTexture({
      size: [4, 4],
      format: 'rgba8unorm',
      usage: GPUTextureUsage.TEXTURE_BINDING,
    });
    const querySet = device.createQuerySet({ type: 'occlusion', count: 2 });
    expect(census.alive()).toEqual({ buffers: 1, textures: 1, querySets: 1 });
    buffer.destroy();
    buffer.destroy(); // a second destroy is legal WebGPU and must not count twice
    texture.destroy();
    querySet.destroy();
    expect(census.alive()).toEqual({ buffers: 0, textures: 0, querySets: 0 });
  });

  it('forgets a lost device and everything on it', async () => {
    const other = await requestNodeDevice();
    const census = new GpuCensus();
    census.watch(other);
    other.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE });
    expect(census.alive().buffers).toBe(1);
    other.destroy();
    await other.lost;
    expect(census.alive().buffers).toBe(0);
  });

  it('lets the garbage collector free what it counts, and counts that as released', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'vitest.config.ts runs tests with --expose-gc').toBeDefined();
    const census = new GpuCensus();
    census.watch(device);
    const refs = [0, 1].map((i) => {
      const buffer = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE });
      if (i === 0) buffer.destroy();
      return new WeakRef(buffer);
    });
    expect(census.alive().buffers).toBe(1);
    for (let i = 0; i < 5 && refs.some((r) => r.deref()); i++) {
      await new Promise((r) => setTimeout(r, 10));
      gc!();
    }
    expect(refs.map((r) => r.deref())).toEqual([undefined, undefined]);
    await new Promise((r) => setTimeout(r, 10));
    expect(census.alive().buffers).toBe(0);
  });
});
