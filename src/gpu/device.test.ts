import { describe, expect, it } from 'vitest';
import { acquireGpu, requireWebGpu } from './device';

describe('requireWebGpu', () => {
  it('gives the browser without WebGPU the error the pages turn into their message', () => {
    // This module loaded in Node, which has no WebGPU globals: nothing here reads one at load.
    expect(typeof GPUTextureUsage).toBe('undefined');
    expect(() => requireWebGpu(undefined)).toThrow(
      expect.objectContaining({ name: 'GpuUnavailableError', kind: 'no-webgpu' }),
    );
  });

  it('hands back the entry point where there is one', () => {
    const gpu = { requestAdapter: async () => null } as unknown as GPU;
    expect(requireWebGpu(gpu)).toBe(gpu);
  });
});

describe('acquireGpu', () => {
  it('says no-webgpu without WebGPU, and no-adapter when the browser has no adapter to give', async () => {
    await expect(acquireGpu(undefined)).rejects.toMatchObject({ kind: 'no-webgpu' });
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    await expect(acquireGpu(noAdapter)).rejects.toMatchObject({ kind: 'no-adapter' });
  });
});
