import type { FrameImporter } from '../../src/gpu/frame-import';
import type { FrameSource } from './pipeline-bench';
import { DEMO_CLIP, FOOTAGE_FRAMES, FOOTAGE_START_S, footageLayout } from './footage';

/**
 * The bench's clip frames, decoded by the browser: seeks a <video> to the middle of each frame from
 * FOOTAGE_START_S on and keeps it (uncropped) as an ImageBitmap.
 */
export async function decodeClipFrames(url: string, count = FOOTAGE_FRAMES): Promise<ImageBitmap[]> {
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'auto';
  video.src = url;
  await new Promise<void>((done, fail) => {
    video.addEventListener('loadeddata', () => done(), { once: true });
    video.addEventListener('error', () => fail(new Error(`the bench clip ${url} could not be decoded`)), {
      once: true,
    });
  });
  const frames: ImageBitmap[] = [];
  for (let i = 0; i < count; i++) {
    const seeked = new Promise((done) => video.addEventListener('seeked', done, { once: true }));
    video.currentTime = FOOTAGE_START_S + (i + 0.5) / DEMO_CLIP.fps;
    await seeked;
    frames.push(await createImageBitmap(video));
  }
  video.removeAttribute('src');
  video.load();
  return frames;
}

/** The clip frames laid out at `width` x `height` (footageLayout), as ImageBitmaps the GPU can copy from. */
export async function layoutFrames(
  clip: readonly ImageBitmap[],
  width: number,
  height: number,
  grid: number,
): Promise<ImageBitmap[]> {
  const { crop, cells } = footageLayout(clip[0], width, height, grid);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('footage: no 2d context');
  return Promise.all(
    clip.map((frame) => {
      for (const c of cells) ctx.drawImage(frame, crop.x, crop.y, crop.w, crop.h, c.x, c.y, c.w, c.h);
      return createImageBitmap(canvas);
    }),
  );
}

/** Frames imported as live mode imports a video frame: by its FrameImporter, on the path live mode takes here. */
export function bitmapFrameSource(importer: FrameImporter, frames: readonly ImageBitmap[]): FrameSource {
  const { width, height } = frames[0];
  const convertsOnCpu = importer.path === 'cpu';
  return {
    width,
    height,
    count: frames.length,
    convertsOnCpu,
    importKind: convertsOnCpu
      ? 'VideoFrame.copyTo RGBA + writeTexture (ImageBitmap)'
      : 'copyExternalImageToTexture (ImageBitmap)',
    upload: (i, texture) => importer.import(frames[i], texture),
  };
}
