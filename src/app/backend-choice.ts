import { isSoftwareAdapter, requireWebGpu } from '../gpu/device';
import { GlUnavailableError, requireWebGl2 } from '../gpu/gl-context';
import { GpuCensus } from '../gpu/resource-census';
import { DEFAULT_FEATHER_PX } from '../render/anonymize-plan';
import { lumaSize } from '../track/patch-motion';
import type { OutputCanvas } from './device-resources';
import type { BackendKind, BackendPreference, FrameBackend } from './frame-backend';
import type { Settings } from './settings';
import { DEFAULT_MOTION_GUARD } from './motion-guard';
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

/** Which backend draws, and why (for the status line). */
export interface BackendChoice {
  kind: BackendKind;
  why: string;
}

/**
 * The backend `preference` gives here. auto: WebGPU on a hardware adapter; WebGL2 where the browser has no WebGPU or
 * no adapter for it (Firefox on Linux, Chromium with WebGPU blocked); on a software adapter (SwiftShader, llvmpipe)
 * whichever draws a frame faster, measured on throwaway canvases once a page (there, both are CPU work, and which
 * wins depends on the rasteriser: `npm run bench` compares them). Live mode and the export page ask the same.
 */
export async function chooseBackend(
  preference: BackendPreference,
  settings: Pick<Settings, 'transparent' | 'frameImport'> = { transparent: false, frameImport: 'auto' },
): Promise<BackendChoice> {
  if (preference !== 'auto') return { kind: preference, why: 'asked for' };
  const adapter = await globalThis.navigator?.gpu?.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return { kind: 'webgl', why: globalThis.navigator?.gpu ? 'no WebGPU adapter' : 'no WebGPU' };
  if (!isSoftwareAdapter(adapter.info)) return { kind: 'webgpu', why: 'GPU' };
  measured ??= timeBackends(settings);
  const timing = await measured.catch(() => null);
  if (!timing) return { kind: 'webgpu', why: 'software GPU' };
  const kind: BackendKind = timing.webgl < timing.webgpu ? 'webgl' : 'webgpu';
  const other: BackendKind = kind === 'webgl' ? 'webgpu' : 'webgl';
  return {
    kind,
    why: `software GPU: faster here, ${timing[kind].toFixed(0)} vs ${timing[other].toFixed(0)} ms a test frame`,
  };
}

/**
 * The drawing backend `settings.backend` gives (chooseBackend), on `canvas`. A canvas holds one kind of context for
 * good, so the real canvas is given a context only once the choice is made. `lost` hears of the context's loss.
 */
export async function createBackend(
  canvas: OutputCanvas,
  settings: BackendSettings,
  census: GpuCensus,
  lost: (reason: string) => void,
): Promise<ChosenBackend> {
  const { kind, why } = await chooseBackend(settings.backend, settings);
  if (kind === 'webgpu') return { backend: await WebGpuBackend.create(canvas, settings, census, lost), why };
  return { backend: await withoutWebGpu(() => WebGlBackend.create(canvas, settings, census, lost), why), why };
}

/**
 * Makes a WebGL2 backend or engine; where WebGPU was missing too (`why`: chooseBackend's "no WebGPU..."), a failure
 * says that both are missing.
 */
export async function withoutWebGpu<T>(make: () => Promise<T>, why: string): Promise<T> {
  try {
    return await make();
  } catch (e) {
    if (!(e instanceof GlUnavailableError) || !why.startsWith('no WebGPU')) throw e;
    throw new GlUnavailableError(`This browser has ${why}. ${e.message}`);
  }
}

/**
 * The test frame: 1280x720, a camera's usual size, with detail everywhere (a flat frame would flatter a rasteriser
 * that skips work).
 */
const TEST = { width: 1280, height: 720 };
const TEST_MASKS = [
  { cx: 400, cy: 320, rx: 120, ry: 156 },
  { cx: 880, cy: 360, rx: 90, ry: 116 },
];

/**
 * Each backend's time for a frame as live mode draws it (import, the anonymize pass with two faces at the default
 * strength, the tracker's picture), median of 3 after 2 untimed, on its own offscreen canvas.
 */
async function timeBackends(settings: Pick<Settings, 'transparent' | 'frameImport'>): Promise<BackendTiming> {
  const pixels = new Uint8Array(TEST.width * TEST.height * 4);
  for (let i = 0; i < pixels.length; i++) pixels[i] = i % 4 === 3 ? 255 : (i * 2654435761) >>> 24;
  // An ImageBitmap, as the bench's frames are. A canvas's picture is first read back from wherever the browser
  // draws it, and a VideoFrame of these bytes took a slow upload into WebGL here: either added about 100 ms a frame
  // to both backends at 1280x720 and brought them within 10 % of each other, which the live frames are not.
  const source = await createImageBitmap(new ImageData(new Uint8ClampedArray(pixels.buffer), TEST.width));
  const pictureSize = lumaSize(TEST);
  const time = async (backend: FrameBackend): Promise<number> => {
    const times: number[] = [];
    try {
      await backend.whenReady(pictureSize);
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await backend.importFrame(source, TEST.width, TEST.height);
        backend.pictureNow?.(pictureSize);
        const drawn = backend.draw(
          {
            masks: TEST_MASKS,
            fullFrame: false,
            strength: 0.5,
            shape: 'ellipse',
            featherPx: DEFAULT_FEATHER_PX,
            outlines: false,
          },
          pictureSize,
          // As live mode asks it of every frame (the same picture each time: the guard does not trip).
          { nowMs: i + 1, resultCaptureMs: 0, threshold: DEFAULT_MOTION_GUARD },
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
  try {
    const webgpu = await time(await WebGpuBackend.create(new OffscreenCanvas(1, 1), settings, new GpuCensus(), ignore));
    const webgl = await time(await WebGlBackend.create(new OffscreenCanvas(1, 1), settings, new GpuCensus(), ignore));
    return { webgpu, webgl };
  } finally {
    source.close();
  }
}
