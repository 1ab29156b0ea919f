import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RgbaImage } from '../../src/core/types';
import type { FrameSource } from './pipeline-bench';
import { FOOTAGE_FRAMES, FOOTAGE_START_S, footageFilter, footageLayout } from './footage';

export interface FootageRequest {
  clip: { path: string; width: number; height: number };
  width: number;
  height: number;
  grid: number;
}

/** The bench's frames of a clip, decoded by ffmpeg (crop, scale and grid in one filter graph) into RGBA8. */
export function decodeFootage(r: FootageRequest, count = FOOTAGE_FRAMES): RgbaImage[] {
  const bytes = r.width * r.height * 4;
  const filter = footageFilter(footageLayout(r.clip, r.width, r.height, r.grid));
  const ffmpeg = spawnSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-nostdin',
      '-ss',
      String(FOOTAGE_START_S),
      '-i',
      r.clip.path,
      '-filter_complex',
      filter,
      '-frames:v',
      String(count),
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgba',
      '-',
    ],
    { maxBuffer: bytes * count + 1024 },
  );
  if (ffmpeg.error || ffmpeg.status !== 0) {
    throw new Error(
      `ffmpeg could not decode ${r.clip.path}: ${ffmpeg.error?.message ?? String(ffmpeg.stderr).trim().split('\n').pop()}`,
    );
  }
  return splitFrames(ffmpeg.stdout, r.width, r.height);
}

function splitFrames(raw: Uint8Array, width: number, height: number): RgbaImage[] {
  const bytes = width * height * 4;
  if (raw.length === 0 || raw.length % bytes !== 0)
    throw new Error(`footage: ${raw.length} bytes are not whole ${width}x${height} frames`);
  return Array.from({ length: raw.length / bytes }, (_, i) => ({
    width,
    height,
    data: new Uint8Array(raw.subarray(i * bytes, (i + 1) * bytes)),
  }));
}

/**
 * Raw frames in `dir`/WxH.rgba (concatenated RGBA8), for machines without ffmpeg (the GPU machine): written here
 * with --write-frames, carried there with the bundle.
 */
export function rawFramesPath(dir: string, width: number, height: number): string {
  return join(dir, `${width}x${height}.rgba`);
}

export function readRawFrames(dir: string, width: number, height: number): RgbaImage[] {
  const path = rawFramesPath(dir, width, height);
  if (!existsSync(path)) throw new Error(`no frames at ${path} (make them with --write-frames ${dir} where ffmpeg is)`);
  return splitFrames(readFileSync(path), width, height);
}

export function writeRawFrames(dir: string, frames: readonly RgbaImage[]): string {
  const { width, height } = frames[0];
  mkdirSync(dir, { recursive: true });
  const path = rawFramesPath(dir, width, height);
  writeFileSync(path, Buffer.concat(frames.map((f) => f.data)));
  return path;
}

/** Frames on the CPU, imported by writeTexture: Node's counterpart of a browser's copyExternalImageToTexture. */
export function rgbaFrameSource(device: GPUDevice, frames: readonly RgbaImage[]): FrameSource {
  const { width, height } = frames[0];
  return {
    width,
    height,
    count: frames.length,
    importKind: 'writeTexture (RGBA8 from the CPU)',
    convertsOnCpu: false,
    upload: (i, texture) =>
      device.queue.writeTexture({ texture }, frames[i].data, { bytesPerRow: width * 4 }, [width, height]),
  };
}
