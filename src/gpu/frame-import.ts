/** A frame as live mode, the export page and the bench hand it over: anything a VideoFrame can be made of. */
export type FrameImportSource = HTMLVideoElement | HTMLCanvasElement | OffscreenCanvas | ImageBitmap | VideoFrame;

/**
 * How a frame reaches its GPU texture. gpu: copyExternalImageToTexture, a GPU-side copy and colour conversion.
 * cpu: VideoFrame.copyTo converts to RGBA on the CPU, writeTexture uploads it. On a software adapter the "GPU"
 * copy is the emulated GPU converting pixel by pixel: in headless Chromium on SwiftShader (2-core VM) the CPU path
 * takes a quarter to a third of its time for ImageBitmaps and a fiftieth for decoded video frames (npm run bench:chromium,
 * its import table). On a real GPU the copy is the cheap one.
 */
export type FrameImportPath = 'gpu' | 'cpu';
export type FrameImportPreference = 'auto' | FrameImportPath;

/**
 * What a frame texture needs: COPY_DST and RENDER_ATTACHMENT to be imported into (copyExternalImageToTexture wants
 * the latter), TEXTURE_BINDING for the passes that read it. A function: under Node, GPUTextureUsage exists only
 * once Dawn's globals are installed, not when this module loads.
 */
export function frameTextureUsage(): GPUTextureUsageFlags {
  return GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST | GPUTextureUsage.RENDER_ATTACHMENT;
}

export function chooseImportPath(preference: FrameImportPreference, software: boolean): FrameImportPath {
  if (preference !== 'auto') return preference;
  return software && typeof VideoFrame === 'function' ? 'cpu' : 'gpu';
}

/** What the CPU path needs to know of a frame; rotation and flip are newer than TypeScript's DOM types. */
export interface FrameGeometry {
  visibleRect: { width: number; height: number } | null;
  rotation?: number;
  flip?: boolean;
}

/**
 * Whether copyTo's pixels are the picture at the texture's size. copyExternalImageToTexture applies a frame's
 * rotation, mirroring and pixel aspect (it copies the displayed picture); copyTo gives the stored pixels, so the
 * CPU path takes only frames where the two are the same.
 */
export function uploadsAsDisplayed(frame: FrameGeometry, width: number, height: number): boolean {
  return frame.visibleRect?.width === width && frame.visibleRect.height === height && !frame.rotation && !frame.flip;
}

/**
 * Imports frames into rgba8unorm textures (usage COPY_DST | RENDER_ATTACHMENT) by the chosen path. A frame the
 * CPU path cannot take as displayed goes the GPU way; so does everything once copyTo refuses RGBA output (older
 * browsers), with `path` saying so from then on.
 */
export class FrameImporter {
  #path: FrameImportPath;
  readonly #queue: GPUQueue;
  #staging = new Uint8Array(0);

  constructor(device: GPUDevice, path: FrameImportPath) {
    this.#queue = device.queue;
    this.#path = path;
  }

  get path(): FrameImportPath {
    return this.#path;
  }

  /**
   * Copies `source` into `texture` (its size: the source's displayed size). Returns nothing when the copy is
   * already queued, a promise when it waits for the CPU conversion first. Throws, or rejects, when the source has
   * no frame to give (Chromium, just after a stream or its size changed).
   */
  import(source: FrameImportSource, texture: GPUTexture): Promise<void> | undefined {
    if (this.#path === 'gpu') return this.#copyOnGpu(source, texture);
    const frame = source instanceof VideoFrame ? source : new VideoFrame(source, { timestamp: 0 });
    const owned = frame !== source;
    const { width, height } = texture;
    if (!uploadsAsDisplayed(frame as FrameGeometry, width, height)) {
      if (owned) frame.close();
      return this.#copyOnGpu(source, texture);
    }
    return this.#upload(frame, texture).finally(() => {
      if (owned) frame.close();
    });
  }

  #copyOnGpu(source: FrameImportSource, texture: GPUTexture): undefined {
    this.#queue.copyExternalImageToTexture({ source }, { texture }, [texture.width, texture.height]);
    return undefined;
  }

  async #upload(frame: VideoFrame, texture: GPUTexture): Promise<void> {
    const { width, height } = texture;
    const bytes = width * height * 4;
    if (this.#staging.byteLength < bytes) this.#staging = new Uint8Array(bytes);
    const pixels = this.#staging.subarray(0, bytes);
    try {
      await frame.copyTo(pixels, { format: 'RGBA', colorSpace: 'srgb' });
    } catch (e) {
      if (!(e instanceof DOMException && e.name === 'NotSupportedError')) throw e;
      this.#path = 'gpu';
      this.#copyOnGpu(frame, texture);
      return;
    }
    this.#queue.writeTexture({ texture }, pixels, { bytesPerRow: width * 4 }, [width, height]);
  }
}
