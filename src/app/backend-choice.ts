import { GpuUnavailableError } from '../gpu/device';
import { GlUnavailableError } from '../gpu/gl-context';
import type { GpuCensus } from '../gpu/resource-census';
import type { OutputCanvas } from './device-resources';
import type { FrameBackend } from './frame-backend';
import type { Settings } from './settings';
import { WebGlBackend } from './webgl-backend';
import { WebGpuBackend } from './webgpu-backend';

/**
 * The drawing backend `settings.backend` asks for on `canvas`. auto: WebGPU, and WebGL2 where the browser has no
 * WebGPU or no adapter for it (Firefox on Linux, Chromium with WebGPU blocked). A canvas holds one kind of context
 * for good, so WebGL2 is tried only once WebGPU has failed before touching it. `lost` hears of the context's loss.
 */
export async function createBackend(
  canvas: OutputCanvas,
  settings: Pick<Settings, 'backend' | 'transparent' | 'frameImport'>,
  census: GpuCensus,
  lost: (reason: string) => void,
): Promise<FrameBackend> {
  if (settings.backend === 'webgl') return WebGlBackend.create(canvas, settings, lost);
  try {
    return await WebGpuBackend.create(canvas, settings, census, lost);
  } catch (e) {
    if (settings.backend === 'webgpu' || !(e instanceof GpuUnavailableError)) throw e;
    try {
      return await WebGlBackend.create(canvas, settings, lost);
    } catch (gl) {
      if (!(gl instanceof GlUnavailableError)) throw gl;
      throw new GlUnavailableError(`${e.message} ${gl.message}`);
    }
  }
}
