import { spawnSync } from 'node:child_process';
import { THUMB_H as TH, THUMB_W as TW } from '../app/motion-guard';

/**
 * Luma thumbnails (32 x 18, area-averaged by ffmpeg) of every frame, for trying out a motion guard: a rule that
 * blurs the whole frame when the picture has changed too much since the frame the newest detections came from
 * (a whip pan, a cut), as live mode's MotionGuard does with thumbnails its GPU makes (src/app/motion-guard.ts).
 */
export function frameThumbnails(path: string): Uint8Array[] {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', path, '-vf', `scale=${TW}:${TH}:flags=area`, '-f', 'rawvideo',
    '-pix_fmt', 'gray', '-'], { maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`ffmpeg could not decode ${path}: ${String(r.stderr).trim().split('\n').pop() ?? ''}`);
  const n = r.stdout.length / (TW * TH);
  return Array.from({ length: n }, (_, i) => new Uint8Array(r.stdout.subarray(i * TW * TH, (i + 1) * TW * TH)));
}
