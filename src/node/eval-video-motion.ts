import { spawnSync } from 'node:child_process';
import { THUMB_H, THUMB_W } from '../app/motion-guard';
import { type Luma, lumaSize } from '../track/patch-motion';

/** Every frame as 8-bit luma at width x height, area-averaged by ffmpeg. */
function grey(path: string, width: number, height: number): Uint8Array[] {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', path, '-vf', `scale=${width}:${height}:flags=area`, '-f', 'rawvideo',
    '-pix_fmt', 'gray', '-'], { maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`ffmpeg could not decode ${path}: ${String(r.stderr).trim().split('\n').pop() ?? ''}`);
  const n = width * height;
  return Array.from({ length: r.stdout.length / n }, (_, i) => new Uint8Array(r.stdout.subarray(i * n, (i + 1) * n)));
}

/**
 * Luma thumbnails (32 x 18) of every frame, for live mode's motion guard: a rule that blurs the whole frame when the
 * picture has changed too much since the frame the newest detections came from (a whip pan, a cut), as MotionGuard
 * does with thumbnails its GPU makes (src/app/motion-guard.ts).
 */
export function frameThumbnails(path: string): Uint8Array[] {
  return grey(path, THUMB_W, THUMB_H);
}

/** Every frame's small luma image (lumaSize()), as live mode's tracker looks for faces in (Tracker.see). */
export function frameLumas(path: string, frame: { width: number; height: number }): Luma[] {
  const { width, height } = lumaSize(frame);
  return grey(path, width, height).map((data) => ({ width, height, data }));
}
