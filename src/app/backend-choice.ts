import { GpuUnavailableError, isSoftwareAdapter, requireWebGpu } from '../gpu/device';
import { GlUnavailableError, requireWebGl2 } from '../gpu/gl-context';
import { GpuCensus } from '../gpu/resource-census';
import { DEFAULT_FEATHER_PX } from '../render/anonymize-plan';
import { lumaSize } from '../track/patch-motion';
import type { OutputCanvas } from './device-resources';
import type { BackendKind, BackendPreference, FrameBackend } from './frame-backend';
import type { Settings } from './settings';
import { WebGlBackend } from './webgl-backend';
import { WebGpuBackend } from './webgpu-backend';

/**
 * Throws what a page would meet for want of WebGPU and WebGL2 alike, without opening anything: the export page says
 * so on load, not once a file has been read; the library rejects createVeil() at once.
 */
export function requireBackend(backend: BackendPreference, gpu: GPU | undefined = globalThis.navigator?.gpu): void {
  if (backend === 'webgpu' || (backend === 'auto' && gpu)) return void requireWebGpu(gpu);
  try {
    requireWebGl2();
  } catch (e) {
    if (backend === 'webgl') throw e;
    throw new GlUnavailableError(
      `This browser does not expose WebGPU (navigator.gpu is missing). ${(e as Error).message}`,
    );
  }
}

type BackendSettings = Pick<Settings, 'backend' | 'transparent' | 'frameImport'>;

/** A backend, and why it was chosen (for the status line). */
export interface ChosenBackend {
  backend: FrameBackend;
  why: string;
}

/** A drawn frame's time on each backend, median ms: what `auto` chose from on a software adapter. */
interface BackendTiming {
  webgpu: number;
  webgl: number;
}

/** The measurement is made once a page: a rebuild after a lost device takes the same backend. */
let measured: Promise<BackendTiming> | null = null;

/**
 * The drawing backend `settings.backend` asks for on `canvas`. auto: WebGPU on a hardware adapter; WebGL2 where the
 * browser has no WebGPU or no adapter for it (Firefox on Linux, Chromium with WebGPU blocked); on a software adapter
 * (SwiftShader, llvmpipe) whichever draws a frame faster, measured at start on throwaway canvases (there, both are
 * CPU work, and which wins depends on the rasteriser: `npm run bench` compares them). A canvas holds one kind of
 * context for good, so the real canvas is given a context only once the choice is made. `lost` hears of the
 * context's loss.
 */
export async function createBackend(
  canvas: OutputCanvas,
  settings: BackendSettings,
  census: GpuCensus,
  lost: (reason: string) => void,
): Promise<ChosenBackend> {
  const make = (kind: BackendKind): Promise<FrameBackend> =>
    kind === 'webgl'
      ? WebGlBackend.create(canvas, settings, lost)
      : WebGpuBackend.create(canvas, settings, census, lost);
  if (settings.backend !== 'auto') return { backend: await make(settings.backend), why: 'asked for' };
  const adapter = await globalThis.navigator?.gpu?.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    const why = globalThis.navigator?.gpu ? 'no WebGPU adapter' : 'no WebGPU';
    return { backend: await withoutWebGpu(() => make('webgl'), why), why };
  }
  if (!isSoftwareAdapter(adapter.info)) return { backend: await make('webgpu'), why: 'GPU' };
  measured ??= timeBackends(settings);
  const timing = await measured.catch(() => null);
  if (!timing) return { backend: await make('webgpu'), why: 'software GPU' };
  const kind: BackendKind = timing.webgl < timing.webgpu ? 'webgl' : 'webgpu';
  const why = `software GPU: faster here, ${timing[kind].toFixed(0)} vs ${timing[kind === 'webgl' ? 'webgpu' : 'webgl'].toFixed(0)} ms a test frame`;
  return { backend: await make(kind), why };
}

async function withoutWebGpu(make: () => Promise<FrameBackend>, why: string): Promise<FrameBackend> {
  try {
    return await make();
  } catch (e) {
    if (!(e instanceof GlUnavailableError)) throw e;
    const gpu = new GpuUnavailableError('no-webgpu', `This browser has ${why}.`);
    throw new GlUnavailableError(`${gpu.message} ${e.message}`);
  }
}

/** The test frame: 640x360, with detail everywhere (a flat frame would flatter a rasteriser that skips work). */
const TEST = { width: 640, height: 360 };
const TEST_MASKS = [
  { cx: 200, cy: 160, rx: 60, ry: 78 },
  { cx: 440, cy: 180, rx: 45, ry: 58 },
];

/**
 * Each backend's time for a frame as live mode draws it (import, the anonymize pass with two faces at the default
 * strength, the tracker's picture), median of 5 after 2 untimed, on its own offscreen canvas.
 */
async function timeBackends(settings: BackendSettings): Promise<BackendTiming> {
  const source = new OffscreenCanvas(TEST.width, TEST.height);
  const ctx = source.getContext('2d')!;
  const image = ctx.createImageData(TEST.width, TEST.height);
  for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 2654435761) >>> 24;
  ctx.putImageData(image, 0, 0);
  const time = async (backend: FrameBackend): Promise<number> => {
    const times: number[] = [];
    try {
      for (let i = 0; i < 7; i++) {
        const t0 = performance.now();
        await backend.importFrame(source, TEST.width, TEST.height);
        const drawn = backend.draw(
          {
            masks: TEST_MASKS,
            fullFrame: false,
            strength: 0.5,
            shape: 'ellipse',
            featherPx: DEFAULT_FEATHER_PX,
            outlines: false,
          },
          lumaSize(TEST),
        );
        await Promise.all([drawn.done, drawn.picture]);
        if (i >= 2) times.push(performance.now() - t0);
      }
    } finally {
      backend.destroy();
    }
    return times.sort((a, b) => a - b)[times.length >> 1]!;
  };
  const ignore = () => undefined;
  const webgpu = await time(await WebGpuBackend.create(new OffscreenCanvas(1, 1), settings, new GpuCensus(), ignore));
  const webgl = await time(await WebGlBackend.create(new OffscreenCanvas(1, 1), settings, ignore));
  return { webgpu, webgl };
}
