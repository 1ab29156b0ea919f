import { spawnSync } from 'node:child_process';
import { type Luma, lumaSize } from '../../src/track/patch-motion';

/** Every frame as 8-bit luma at width x height, area-averaged by ffmpeg. */
function grey(path: string, width: number, height: number): Uint8Array[] {
  const r = spawnSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-nostdin',
      '-i',
      path,
      '-vf',
      `scale=${width}:${height}:flags=area`,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'gray',
      '-',
    ],
    { maxBuffer: 1 << 30 },
  );
  if (r.status !== 0)
    throw new Error(`ffmpeg could not decode ${path}: ${String(r.stderr).trim().split('\n').pop() ?? ''}`);
  const n = width * height;
  return Array.from({ length: r.stdout.length / n }, (_, i) => new Uint8Array(r.stdout.subarray(i * n, (i + 1) * n)));
}

/**
 * Every frame's small luma image (lumaSize()), as live mode's tracker looks for faces in (Tracker.see) and its motion
 * guard makes thumbnails from (thumbnailOfPicture).
 */
export function frameLumas(path: string, frame: { width: number; height: number }): Luma[] {
  const { width, height } = lumaSize(frame);
  return grey(path, width, height).map((data) => ({ width, height, data }));
}
