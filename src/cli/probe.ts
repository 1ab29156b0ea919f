import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { CliError, fileProblem } from './errors';
import {
  exifOrientationFilter,
  readExifOrientation,
  rotationFilter,
  swapsAxes,
  type UprightFilter,
} from './orientation';

export type PhotoFormat = 'jpeg' | 'png' | 'webp';

interface Picture {
  path: string;
  /** Upright size: what the detector and the output see. */
  width: number;
  height: number;
  /** Turns the stored picture upright while decoding (metadata that would do it is not carried over). */
  upright: UprightFilter;
}

export interface PhotoInfo extends Picture {
  kind: 'photo';
  format: PhotoFormat;
  /** The input has an alpha channel (PNG, WebP): kept in the output. */
  alpha: boolean;
  /** A lossless WebP stays lossless. */
  lossless: boolean;
  /** JPEG chroma subsampling to keep: '444' or '420'. */
  chroma: '444' | '420';
}

/** How the video's YUV maps to RGB; decoding and encoding use the same, so colours survive the round trip. */
export interface VideoColor {
  matrix: 'bt709' | 'bt601';
  range: 'tv' | 'pc';
}

export interface VideoInfo extends Picture {
  kind: 'video';
  /** Frames per second as a fraction, as the container gives it (the average rate for variable-rate video). */
  fps: { num: number; den: number };
  /** Frame count the container declares, if any: decoding fewer means the file is truncated. */
  declaredFrames: number | null;
  /** Frame count for the progress bar before decoding: declared, or duration x rate. */
  expectedFrames: number | null;
  audio: { index: number; codec: string }[];
  color: VideoColor;
  /** ffprobe's format_name, e.g. 'mov,mp4,m4a,3gp,3g2,mj2'. */
  container: string;
}

export type MediaInfo = PhotoInfo | VideoInfo;

interface ProbeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  duration?: string;
  color_space?: string;
  color_range?: string;
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number }[];
  disposition?: { attached_pic?: number };
}

interface ProbeResult {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string };
}

const PHOTO_CODECS: Record<string, PhotoFormat> = { mjpeg: 'jpeg', png: 'png', webp: 'webp' };

function fraction(text: string | undefined): { num: number; den: number } | null {
  const m = /^(\d+)\/(\d+)$/.exec(text ?? '');
  if (!m) return null;
  const num = Number(m[1]);
  const den = Number(m[2]);
  return num > 0 && den > 0 ? { num, den } : null;
}

/** ffprobe's error lines, without their "[demuxer @ 0x...]" prefixes and the path it repeats. */
function errorLines(text: string, path: string): string[] {
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(/^\[[^\]]*\]\s*/, '').replace(`${path}: `, ''));
}

/** Whether the file starts like an MP4/MOV (a box header of a known type): then a missing index means it was cut off. */
function isoMediaStart(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(8);
    readSync(fd, head, 0, 8, 0);
    return ['ftyp', 'mdat', 'moov', 'free', 'skip', 'wide'].includes(head.toString('latin1', 4, 8));
  } finally {
    closeSync(fd);
  }
}

/** Why the system refused to open a file for reading, in words (the error code says it to a programmer). */
function refusal(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'it is no longer there';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'EIO') return 'the disk reported an input/output error';
  return e instanceof Error ? e.message : String(e);
}

/**
 * Opens the file once before ffprobe does: ffprobe reports a file it may not read as it reports one it cannot
 * parse, and "not a video" would send the user after the wrong problem.
 */
function checkReadable(path: string): void {
  try {
    closeSync(openSync(path, 'r'));
  } catch (e) {
    throw fileProblem(path, { kind: 'unreadable', detail: refusal(e) });
  }
}

/** ffprobe's view of a file, or a CliError naming the file and what is wrong with it. */
export function probeMedia(path: string): MediaInfo {
  if (existsSync(path) && statSync(path).size === 0) throw fileProblem(path, { kind: 'empty' });
  checkReadable(path);
  const r = spawnSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.error)
    throw new Error(`ffprobe could not be started (${r.error.message}); veil needs ffmpeg and ffprobe on the PATH`);
  if (r.status !== 0) {
    const lines = errorLines(r.stderr, path);
    const verdict = (line: string | undefined) => `ffprobe: ${line ?? `exit ${r.status}`}`;
    // An MP4/MOV cut off before its index gets the words the export page uses for it. Otherwise the first line
    // says what is missing from a cut file; the last one is ffprobe's verdict on anything else.
    if (/moov atom not found/.test(r.stderr) && isoMediaStart(path))
      throw fileProblem(path, { kind: 'truncated', detail: 'its index (moov) is missing: it ends early' });
    if (/end of file|partial file|truncat/i.test(r.stderr))
      throw fileProblem(path, { kind: 'truncated', detail: verdict(lines[0]) });
    throw fileProblem(path, { kind: 'not-media', detail: verdict(lines.at(-1)) });
  }
  const info = JSON.parse(r.stdout) as ProbeResult;
  const streams = info.streams ?? [];
  const container = info.format?.format_name ?? '';
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const audio = streams
    .filter((s) => s.codec_type === 'audio')
    .map((s) => ({ index: s.index, codec: s.codec_name ?? '?' }));
  if (!video) {
    throw new CliError(
      audio.length > 0
        ? `${path}: has no video frames, only audio: there is nothing to anonymize`
        : `${path}: has no video frames (no video stream in ${container || 'the file'})`,
    );
  }
  const storedW = video.width ?? 0;
  const storedH = video.height ?? 0;
  if (!(storedW > 0 && storedH > 0) || !video.codec_name) {
    throw new CliError(
      `${path}: ffmpeg cannot decode its video (codec ${video.codec_name ?? 'unknown'}, size unknown)`,
    );
  }

  const isStill = container === 'image2' || container.endsWith('_pipe');
  if (isStill) {
    const format = PHOTO_CODECS[video.codec_name];
    if (!format) {
      throw new CliError(
        `${path}: ${video.codec_name.toUpperCase()} photos are not supported (JPEG, PNG and WebP are)`,
      );
    }
    const upright = exifOrientationFilter(readExifOrientation(readFileSync(path)));
    const pixFmt = video.pix_fmt ?? '';
    const [width, height] = swapsAxes(upright) ? [storedH, storedW] : [storedW, storedH];
    return {
      kind: 'photo',
      path,
      width,
      height,
      upright,
      format,
      alpha: /^(rgba|bgra|argb|abgr|ya|yuva|pal8|gbrap)/.test(pixFmt),
      lossless: format === 'webp' && /^(argb|bgra|rgba)/.test(pixFmt),
      chroma: /444/.test(pixFmt) ? '444' : '420',
    };
  }

  const fps = fraction(video.avg_frame_rate) ?? fraction(video.r_frame_rate);
  if (!fps) throw new CliError(`${path}: its frame rate is unknown, so frames cannot be timed`);
  const rotation =
    video.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation ??
    (video.tags?.rotate ? -Number(video.tags.rotate) : 0);
  const upright = rotationFilter(rotation);
  const [width, height] = swapsAxes(upright) ? [storedH, storedW] : [storedW, storedH];
  const declared = Number(video.nb_frames);
  const declaredFrames = Number.isInteger(declared) && declared >= 0 && video.nb_frames !== undefined ? declared : null;
  if (declaredFrames === 0) throw new CliError(`${path}: has no video frames (its video stream is empty)`);
  const duration = Number(video.duration ?? info.format?.duration);
  const expectedFrames = declaredFrames ?? (duration > 0 ? Math.round((duration * fps.num) / fps.den) : null);
  const space = video.color_space ?? '';
  const color: VideoColor = {
    // Untagged video is what players assume: BT.709 from HD up, BT.601 below.
    matrix:
      space === 'bt709'
        ? 'bt709'
        : ['bt470bg', 'smpte170m', 'fcc'].includes(space)
          ? 'bt601'
          : storedW >= 1280 || storedH >= 720
            ? 'bt709'
            : 'bt601',
    range: video.color_range === 'pc' || (video.pix_fmt ?? '').startsWith('yuvj') ? 'pc' : 'tv',
  };
  return { kind: 'video', path, width, height, upright, fps, declaredFrames, expectedFrames, audio, color, container };
}
