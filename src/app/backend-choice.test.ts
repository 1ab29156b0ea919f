import { afterEach, describe, expect, it, vi } from 'vitest';
import { chooseBackend, requireBackend } from './backend-choice';

/** A browser whose navigator.gpu gives `adapter` (undefined: no navigator.gpu at all). */
function browserWith(adapter: Partial<GPUAdapter> | null | undefined): void {
  vi.stubGlobal('navigator', adapter === undefined ? {} : { gpu: { requestAdapter: async () => adapter } });
}

const adapterNamed = (description: string, isFallbackAdapter = false): Partial<GPUAdapter> => ({
  info: { vendor: '', architecture: '', device: '', description, isFallbackAdapter } as GPUAdapterInfo,
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('chooseBackend', () => {
  it('takes the backend asked for by name, without looking', async () => {
    browserWith(undefined);
    expect(await chooseBackend('webgpu')).toEqual({ kind: 'webgpu', why: 'asked for' });
    expect(await chooseBackend('webgl')).toEqual({ kind: 'webgl', why: 'asked for' });
  });

  it('auto: WebGL2 where the browser has no WebGPU, or no adapter for it', async () => {
    browserWith(undefined);
    expect(await chooseBackend('auto')).toEqual({ kind: 'webgl', why: 'no WebGPU' });
    browserWith(null);
    expect(await chooseBackend('auto')).toEqual({ kind: 'webgl', why: 'no WebGPU adapter' });
  });

  it('auto: WebGPU on a hardware adapter, without measuring', async () => {
    browserWith(adapterNamed('NVIDIA H100'));
    expect(await chooseBackend('auto')).toEqual({ kind: 'webgpu', why: 'GPU' });
  });
});

describe('requireBackend', () => {
  it('passes where WebGPU is there (auto or by name), and says what is missing for WebGPU by name', () => {
    expect(() => requireBackend('auto', {} as GPU)).not.toThrow();
    expect(() => requireBackend('webgpu', {} as GPU)).not.toThrow();
    expect(() => requireBackend('webgpu', undefined)).toThrow(/navigator\.gpu is missing/);
  });

  it('without WebGPU, needs WebGL2: here (Node) there is none, and the message names both', () => {
    expect(() => requireBackend('auto', undefined)).toThrow(/WebGPU .*WebGL2/);
    expect(() => requireBackend('webgl', undefined)).toThrow(/WebGL2/);
  });
});
