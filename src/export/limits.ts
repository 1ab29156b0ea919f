import { ExportProblem } from './problems';

/**
 * Video frames up to DCI 4K. Every frame is read back from the GPU and re-encoded on this page; an 8K frame is 4x
 * the work and memory of 4K, more than a browser tab copes with for a whole clip.
 */
export const MAX_VIDEO_PIXELS = 4096 * 2160;
/** The whole result is held in memory until it is downloaded. */
export const MAX_VIDEO_SECONDS = 30 * 60;

/** Throws 'too-large' unless a frame of this size fits this page and this GPU (`gpuMaxSide`). */
export function checkFrameSize(
  name: string,
  width: number,
  height: number,
  gpuMaxSide: number,
  kind: 'video' | 'photo',
): void {
  const pixels = kind === 'video' ? MAX_VIDEO_PIXELS : Infinity;
  if (width > gpuMaxSide || height > gpuMaxSide) {
    throw new ExportProblem({ kind: 'too-large', name, width, height, max: `this GPU takes ${gpuMaxSide} px a side` });
  }
  if (width * height > pixels) {
    throw new ExportProblem({ kind: 'too-large', name, width, height, max: 'video up to 4K, 4096x2160' });
  }
}

export function checkDuration(name: string, seconds: number): void {
  if (seconds > MAX_VIDEO_SECONDS)
    throw new ExportProblem({ kind: 'too-long', name, seconds, maxSeconds: MAX_VIDEO_SECONDS });
}
