import { spawnSync } from 'node:child_process';

/** Thumbnail side lengths: 20 x 20 px cells of a 640 x 360 frame. */
const TW = 32;
const TH = 18;

/**
 * Luma thumbnails (32 x 18, area-averaged by ffmpeg) of every frame, for trying out a motion guard: a rule that
 * blurs the whole frame when the picture has changed too much since the frame the newest detections came from
 * (a whip pan, a cut). Live mode has no such rule yet; this measures what one would buy.
 */
export function frameThumbnails(path: string): Uint8Array[] {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', path, '-vf', `scale=${TW}:${TH}:flags=area`, '-f', 'rawvideo',
    '-pix_fmt', 'gray', '-'], { maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`ffmpeg could not decode ${path}: ${String(r.stderr).trim().split('\n').pop() ?? ''}`);
  const n = r.stdout.length / (TW * TH);
  return Array.from({ length: n }, (_, i) => new Uint8Array(r.stdout.subarray(i * TW * TH, (i + 1) * TW * TH)));
}

/** Mean absolute luma difference of two thumbnails, 0..255. */
export function thumbnailChange(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
