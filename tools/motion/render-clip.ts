// Draws a camera plan's frames from a photo and encodes them, as ../shared/data/motion's README describes: each
// frame the mean of 16 sub-frames over half the frame interval, centred on the frame time; the photo pre-scaled
// (lanczos, by ffmpeg) to the nearest larger of the scales 2^(k/4), then sampled nearest-neighbour; x264 CRF 18.
import { spawn } from 'node:child_process';
import type { CameraPlan, Crop } from './camera-plan';

export const SUBFRAMES = 16;
export const SHUTTER = 0.5;

interface Level {
  scale: number;
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** ffmpeg's output of `args` (stdout), or its last error line. */
function run(args: string[], input?: AsyncIterable<Uint8Array>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const p = spawn('ffmpeg', ['-v', 'error', '-nostdin', ...args], {
      stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    p.stdout!.on('data', (d: Buffer) => out.push(d));
    p.stderr!.on('data', (d: Buffer) => (err += String(d)));
    p.on('error', (e) => reject(new Error(`ffmpeg could not be started (${e.message}; is ffmpeg installed?)`)));
    p.on('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`ffmpeg: ${err.trim().split('\n').pop() ?? code}`)),
    );
    if (input && p.stdin) {
      const stdin = p.stdin;
      void (async () => {
        for await (const chunk of input) if (!stdin.write(chunk)) await new Promise((r) => stdin.once('drain', r));
        stdin.end();
      })().catch(reject);
    }
  });
}

/** The photo at each scale 2^(k/4) a plan asks for, decoded once. */
class PhotoLevels {
  readonly #levels = new Map<number, Promise<Level>>();

  constructor(
    readonly path: string,
    readonly width: number,
    readonly height: number,
  ) {}

  /** The nearest larger scale for `videoPxPerPhotoPx`. */
  level(videoPxPerPhotoPx: number): Promise<Level> {
    const k = Math.ceil(4 * Math.log2(videoPxPerPhotoPx) - 1e-9);
    let level = this.#levels.get(k);
    if (!level) {
      const scale = 2 ** (k / 4);
      const width = Math.max(1, Math.round(this.width * scale));
      const height = Math.max(1, Math.round(this.height * scale));
      level = run([
        '-i',
        this.path,
        '-vf',
        `scale=${width}:${height}:flags=lanczos`,
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgb24',
        '-',
      ]).then((rgb) => ({ scale, width, height, rgb: new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.byteLength) }));
      this.#levels.set(k, level);
    }
    return level;
  }
}

/** Adds the photo seen through `crop` to `acc` (RGB floats, video size). */
function accumulate(acc: Float32Array, level: Level, crop: Crop, width: number, height: number): void {
  const xs = new Int32Array(width);
  for (let i = 0; i < width; i++) {
    const x = Math.floor((crop.x + ((i + 0.5) * crop.w) / width) * level.scale);
    xs[i] = 3 * Math.min(level.width - 1, Math.max(0, x));
  }
  const { rgb } = level;
  for (let j = 0; j < height; j++) {
    const y = Math.floor((crop.y + ((j + 0.5) * crop.h) / height) * level.scale);
    const row = 3 * level.width * Math.min(level.height - 1, Math.max(0, y));
    let o = 3 * width * j;
    for (let i = 0; i < width; i++, o += 3) {
      const s = row + xs[i]!;
      acc[o] = acc[o]! + rgb[s]!;
      acc[o + 1] = acc[o + 1]! + rgb[s + 1]!;
      acc[o + 2] = acc[o + 2]! + rgb[s + 2]!;
    }
  }
}

/** When frame i's sub-frames are taken; a frame after a cut starts its exposure at the cut. */
export function exposureTimes(i: number, cutAt: number | undefined): number[] {
  return Array.from({ length: SUBFRAMES }, (_, s) => {
    const t = i + ((s + 0.5) / SUBFRAMES - 0.5) * SHUTTER;
    return cutAt !== undefined ? Math.max(cutAt, t) : t;
  });
}

async function* frames(
  plan: CameraPlan,
  photo: PhotoLevels,
  video: { width: number; height: number },
): AsyncIterable<Uint8Array> {
  const acc = new Float32Array(video.width * video.height * 3);
  for (let i = 0; i < plan.frames; i++) {
    acc.fill(0);
    const cut = plan.segments.find((s) => s.cutBefore && s.start === i);
    for (const t of exposureTimes(i, cut?.start)) {
      const crop = plan.cropAt(t);
      accumulate(acc, await photo.level(video.width / crop.w), crop, video.width, video.height);
    }
    const out = new Uint8Array(acc.length);
    for (let k = 0; k < acc.length; k++) out[k] = Math.round(acc[k]! / SUBFRAMES);
    yield out;
  }
}

/** Renders `plan` over the photo at `photoPath` into an H.264 mp4 at 30 fps (yuv420p, BT.601 limited range). */
export async function renderClip(
  plan: CameraPlan,
  photoPath: string,
  photo: { width: number; height: number },
  video: { width: number; height: number },
  outPath: string,
): Promise<void> {
  const levels = new PhotoLevels(photoPath, photo.width, photo.height);
  await run(
    [
      '-y',
      ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${video.width}x${video.height}`, '-r', '30', '-i', '-'],
      ...['-c:v', 'libx264', '-preset', 'slow', '-crf', '18', '-pix_fmt', 'yuv420p'],
      ...['-colorspace', 'smpte170m', '-color_primaries', 'smpte170m', '-color_trc', 'smpte170m', '-color_range', 'tv'],
      ...['-threads', '4', '-an', outPath],
    ],
    frames(plan, levels, video),
  );
}
