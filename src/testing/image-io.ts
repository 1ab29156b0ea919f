import { spawnSync } from 'node:child_process';
import type { RgbaImage } from '../core/types';

function ffmpegFailure(what: string, stderr: Buffer | string): Error {
  return new Error(`ffmpeg could not ${what}: ${String(stderr).trim().split('\n').pop() ?? ''} (is ffmpeg installed?)`);
}

/** Size of an image or video's first video stream, via ffprobe. */
export function probeSize(path: string): { width: number; height: number } {
  const r = spawnSync('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height',
    '-of',
    'csv=p=0:s=x',
    path,
  ]);
  const m = /^(\d+)x(\d+)/.exec(String(r.stdout));
  if (r.status !== 0 || !m) throw ffmpegFailure(`read the size of ${path}`, r.stderr);
  return { width: Number(m[1]), height: Number(m[2]) };
}

/** Decodes an image file (any format ffmpeg reads) into RGBA8. */
export function readImageRgba(path: string): RgbaImage {
  const { width, height } = probeSize(path);
  const r = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'],
    { maxBuffer: width * height * 4 + 1024 },
  );
  if (r.status !== 0 || r.stdout.length !== width * height * 4) throw ffmpegFailure(`decode ${path}`, r.stderr);
  return { width, height, data: new Uint8Array(r.stdout) };
}

/** Encodes RGBA8 into an image file whose format ffmpeg picks from the extension. */
export function writeImageRgba(path: string, img: RgbaImage): void {
  const r = spawnSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-y',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgba',
      '-s',
      `${img.width}x${img.height}`,
      '-i',
      '-',
      '-frames:v',
      '1',
      path,
    ],
    { input: img.data },
  );
  if (r.status !== 0) throw ffmpegFailure(`write ${path}`, r.stderr);
}
