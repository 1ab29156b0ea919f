import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { RgbaImage } from '../core/types';
import { CliError, fileProblem } from './errors';
import type { PhotoFormat, PhotoInfo, VideoColor, VideoInfo } from './probe';

// Everything veil asks of ffmpeg: frames in as RGBA8 through a pipe, frames out through another, audio copied
// by a final mux. Every command turns off autorotation (orientation.ts does it) and drops all metadata.

let fpsModeFlag: string[] | undefined;

/** Keep every decoded frame as it is (no duplicates or drops for a constant rate): -fps_mode from 5.1, -vsync before. */
function passthroughFrames(): string[] {
  if (!fpsModeFlag) {
    const m = /ffmpeg version n?(\d+)\.(\d+)/.exec(
      String(spawnSync('ffmpeg', ['-version'], { encoding: 'utf8' }).stdout),
    );
    const modern = !m || Number(m[1]) > 5 || (Number(m[1]) === 5 && Number(m[2]) >= 1);
    fpsModeFlag = modern ? ['-fps_mode', 'passthrough'] : ['-vsync', 'passthrough'];
  }
  return fpsModeFlag;
}

/** ffmpeg's error lines (it runs at -v error), without the "[decoder @ 0x...]" prefixes. */
function errorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.replace(/^\[[^\]]*\]\s*/, '').trim())
    .filter(Boolean);
}

function uprightChain(upright: string | null, rest: string): string {
  return upright ? `${upright},${rest}` : rest;
}

function decodeArgs(path: string, filter: string, frames?: number): string[] {
  return [
    '-v',
    'error',
    '-nostdin',
    '-noautorotate',
    '-i',
    path,
    '-map',
    '0:v:0',
    ...passthroughFrames(),
    ...(frames ? ['-frames:v', String(frames)] : []),
    '-vf',
    filter,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgba',
    '-',
  ];
}

function colorFilter(c: VideoColor, direction: 'in' | 'out'): string {
  return `scale=${direction}_color_matrix=${c.matrix}:${direction}_range=${c.range}`;
}

/** A photo, upright, as RGBA8. Any decoder error (a truncated JPEG decodes half grey) rejects it. */
export function readPhoto(info: PhotoInfo): RgbaImage {
  const { width, height } = info;
  const r = spawnSync('ffmpeg', decodeArgs(info.path, uprightChain(info.upright, 'format=rgba'), 1), {
    maxBuffer: width * height * 4 + 4096,
  });
  const errors = errorLines(String(r.stderr));
  if (r.status !== 0 || errors.length > 0 || r.stdout.length !== width * height * 4) {
    throw fileProblem(info.path, { kind: 'truncated', detail: `ffmpeg: ${errors[0] ?? `exit ${r.status}`}` });
  }
  return {
    width,
    height,
    data: new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength) as Uint8Array<ArrayBuffer>,
  };
}

const PHOTO_ENCODERS: Record<PhotoFormat, (info: PhotoInfo) => string[]> = {
  jpeg: (i) => ['-c:v', 'mjpeg', '-q:v', '2', '-pix_fmt', i.chroma === '444' ? 'yuvj444p' : 'yuvj420p', '-f', 'image2'],
  png: (i) => ['-c:v', 'png', '-pix_fmt', i.alpha ? 'rgba' : 'rgb24', '-f', 'image2'],
  webp: (i) => [
    '-c:v',
    'libwebp',
    ...(i.lossless
      ? ['-lossless', '1', '-pix_fmt', 'bgra']
      : ['-quality', '90', '-pix_fmt', i.alpha ? 'yuva420p' : 'yuv420p']),
    '-f',
    'webp',
  ],
};

/** Encodes RGBA8 as `format` at `path` with no metadata at all (no EXIF, GPS, comments or encoder tag); errors name `label`. */
export function writePhoto(path: string, img: RgbaImage, format: PhotoFormat, info: PhotoInfo, label = path): void {
  const r = spawnSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-nostdin',
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
      '-map_metadata',
      '-1',
      '-fflags',
      '+bitexact',
      '-flags:v',
      '+bitexact',
      ...PHOTO_ENCODERS[format](info),
      path,
    ],
    { input: img.data },
  );
  if (r.status !== 0) {
    throw new CliError(
      `${label}: could not be written (ffmpeg: ${errorLines(String(r.stderr))[0] ?? `exit ${r.status}`})`,
      'output',
    );
  }
}

export interface DecodeReport {
  frames: number;
  /** ffmpeg's error lines: a file that decodes with errors but every declared frame is warned about, not refused. */
  errors: string[];
}

/**
 * Every frame of a video, upright, RGBA8, in order, read as consumed (a clip never sits in memory whole). Ends
 * by checking the decode: a failed ffmpeg, a partial last frame, or decoder errors with frames missing against
 * what the container declares reject the file as truncated or damaged. `report` is filled in at the end.
 */
export async function* videoFrames(
  info: VideoInfo,
  report: DecodeReport = { frames: 0, errors: [] },
): AsyncGenerator<RgbaImage> {
  const { width, height, path } = info;
  const frameBytes = width * height * 4;
  const ffmpeg = spawn(
    'ffmpeg',
    decodeArgs(path, uprightChain(info.upright, `${colorFilter(info.color, 'in')},format=rgba`)),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  ffmpeg.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 1 << 16) stderr += String(d);
  });
  const exited = exitOf(ffmpeg);
  let pending: Buffer = Buffer.alloc(0);
  report.frames = 0;
  try {
    for await (const chunk of ffmpeg.stdout as AsyncIterable<Buffer>) {
      pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= frameBytes) {
        const data = new Uint8Array(frameBytes);
        data.set(pending.subarray(0, frameBytes));
        pending = pending.subarray(frameBytes);
        report.frames++;
        yield { width, height, data };
      }
    }
    const { code, error } = await exited;
    if (error) throw new Error(`ffmpeg could not be started (${error.message}); veil needs ffmpeg on the PATH`);
    report.errors = errorLines(stderr);
    const first = report.errors[0] ?? '';
    if (code !== 0) throw new CliError(`${path}: ffmpeg could not decode the video (${first || `exit ${code}`})`);
    if (pending.length > 0) throw fileProblem(path, { kind: 'truncated', detail: 'it ends inside a frame' });
    if (report.frames === 0) throw new CliError(`${path}: has no video frames (nothing could be decoded)`);
    const expected = info.declaredFrames ?? (info.expectedFrames === null ? null : info.expectedFrames - 1);
    if (report.errors.length > 0 && expected !== null && report.frames < expected) {
      throw fileProblem(path, {
        kind: 'truncated',
        detail: `${report.frames} of ${info.declaredFrames ?? info.expectedFrames} frames decoded; ffmpeg: ${first}`,
      });
    }
  } finally {
    if (ffmpeg.exitCode === null) ffmpeg.kill();
  }
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; error?: Error }> {
  return new Promise((done) => {
    child.on('error', (error) => done({ code: null, error }));
    child.on('close', (code) => done({ code }));
  });
}

/** Output containers veil writes video into, by extension, with the video and fallback audio codecs they get. */
export const VIDEO_CONTAINERS: Record<string, { muxer: string; vp9?: boolean; audio: string[]; faststart?: boolean }> =
  {
    mp4: { muxer: 'mp4', audio: ['-c:a', 'aac', '-b:a', '192k'], faststart: true },
    m4v: { muxer: 'mp4', audio: ['-c:a', 'aac', '-b:a', '192k'], faststart: true },
    mov: { muxer: 'mov', audio: ['-c:a', 'aac', '-b:a', '192k'], faststart: true },
    mkv: { muxer: 'matroska', audio: ['-c:a', 'flac'] },
    webm: { muxer: 'webm', vp9: true, audio: ['-c:a', 'libopus', '-b:a', '160k'] },
    avi: { muxer: 'avi', audio: ['-c:a', 'libmp3lame', '-q:a', '2'] },
  };

/**
 * ffmpeg encoding RGBA8 frames from its stdin into a video-only file. write() resolves when the pipe takes the
 * frame (so a slow encoder slows the caller instead of filling memory); close() resolves once the file is complete.
 */
export class VideoWriter {
  readonly #ffmpeg: ChildProcess;
  readonly #exited: Promise<{ code: number | null; error?: Error }>;
  #stderr = '';
  #failed: Error | null = null;

  readonly #label: string;

  /** Writes `path`; errors name `label` (the final name of a temporary file). */
  constructor(path: string, info: VideoInfo, container: string, label = path) {
    this.#label = label;
    const c = VIDEO_CONTAINERS[container]!;
    // 4:2:0 needs even sides: an odd side gets one black row or column rather than lose one.
    const even = info.width % 2 || info.height % 2 ? 'pad=ceil(iw/2)*2:ceil(ih/2)*2,' : '';
    const codec = c.vp9
      ? ['-c:v', 'libvpx-vp9', '-crf', '32', '-b:v', '0', '-row-mt', '1', '-deadline', 'good', '-cpu-used', '4']
      : ['-c:v', 'libx264', '-preset', 'medium', '-crf', '18'];
    const tags =
      info.color.matrix === 'bt709'
        ? ['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709']
        : ['-colorspace', 'smpte170m'];
    this.#ffmpeg = spawn(
      'ffmpeg',
      [
        '-v',
        'error',
        '-nostdin',
        '-y',
        '-f',
        'rawvideo',
        '-pix_fmt',
        'rgba',
        '-s',
        `${info.width}x${info.height}`,
        '-framerate',
        `${info.fps.num}/${info.fps.den}`,
        '-i',
        '-',
        '-vf',
        `${even}${colorFilter(info.color, 'out')},format=yuv420p`,
        ...codec,
        ...tags,
        '-color_range',
        info.color.range,
        '-map_metadata',
        '-1',
        '-f',
        c.muxer,
        ...(c.faststart ? ['-movflags', '+faststart'] : []),
        path,
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    this.#ffmpeg.stderr!.on('data', (d: Buffer) => {
      if (this.#stderr.length < 1 << 16) this.#stderr += String(d);
    });
    this.#ffmpeg.stdin!.on('error', (e) => {
      this.#failed ??= e;
    });
    this.#exited = exitOf(this.#ffmpeg);
  }

  #error(what: string, code: number | null): Error {
    return new CliError(`${this.#label}: ${what} (ffmpeg: ${errorLines(this.#stderr)[0] ?? `exit ${code}`})`, 'output');
  }

  async write(frame: Uint8Array): Promise<void> {
    const stdin = this.#ffmpeg.stdin!;
    if (this.#failed || stdin.destroyed) throw this.#error('the encoder stopped', (await this.#exited).code);
    if (!stdin.write(frame)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          stdin.off('drain', done);
          stdin.off('close', done);
          resolve();
        };
        stdin.on('drain', done);
        stdin.on('close', done);
      });
    }
  }

  async close(): Promise<void> {
    this.#ffmpeg.stdin!.end();
    const { code, error } = await this.#exited;
    if (error) throw new Error(`ffmpeg could not be started (${error.message}); veil needs ffmpeg on the PATH`);
    if (code !== 0) throw this.#error('the video could not be encoded', code);
  }

  kill(): void {
    if (this.#ffmpeg.exitCode === null) this.#ffmpeg.kill();
  }
}

/**
 * Writes `output`: the video of `videoOnly` and every audio stream of `input`, copied, or re-encoded when the
 * container cannot hold the input's codec. No metadata or chapters are carried over.
 */
export function muxAudio(
  videoOnly: string,
  input: string,
  output: string,
  container: string,
  label = output,
): { reencoded: boolean } {
  const c = VIDEO_CONTAINERS[container]!;
  const run = (audio: string[]) =>
    spawnSync(
      'ffmpeg',
      [
        '-v',
        'error',
        '-nostdin',
        '-y',
        '-i',
        videoOnly,
        '-i',
        input,
        '-map',
        '0:v:0',
        '-map',
        '1:a',
        '-c:v',
        'copy',
        ...audio,
        '-map_metadata',
        '-1',
        '-map_chapters',
        '-1',
        '-f',
        c.muxer,
        ...(c.faststart ? ['-movflags', '+faststart'] : []),
        output,
      ],
      { encoding: 'utf8' },
    );
  if (run(['-c:a', 'copy']).status === 0) return { reencoded: false };
  const r = run(c.audio);
  if (r.status !== 0) {
    throw new CliError(
      `${label}: the audio could not be added (ffmpeg: ${errorLines(r.stderr)[0] ?? `exit ${r.status}`}); ` +
        'try --no-audio',
      'output',
    );
  }
  return { reencoded: true };
}
