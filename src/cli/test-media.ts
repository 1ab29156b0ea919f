// Test inputs made at test time with ffmpeg from tests/fixtures/astronaut.jpg (NASA, public domain), and the
// measurements the CLI tests make on outputs. Not part of the CLI bundle.
import { spawnSync } from 'node:child_process';
import type { Rect } from '../core/types';

export const ASTRONAUT = 'tests/fixtures/astronaut.jpg';
/** The astronaut's face in the 512x512 photo. */
export const ASTRONAUT_FACE: Rect = { x: 178, y: 80, w: 94, h: 100 };

export const scaled = (b: Rect, sx: number, sy: number): Rect => ({
  x: b.x * sx,
  y: b.y * sy,
  w: b.w * sx,
  h: b.h * sy,
});
/** `b` grown by `f` of its size, around its centre. */
export const grown = (b: Rect, f: number): Rect => ({
  x: b.x - (b.w * f) / 2,
  y: b.y - (b.h * f) / 2,
  w: b.w * (1 + f),
  h: b.h * (1 + f),
});

export function run(
  cmd: string,
  args: string[],
  input?: Uint8Array,
): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync(cmd, args, { input, maxBuffer: 256 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: String(r.stderr) };
}

export function ffmpeg(...args: string[]): void {
  const r = run('ffmpeg', ['-v', 'error', '-nostdin', '-y', ...args]);
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr}`);
}

/** ffprobe -show_streams -show_format (-count_frames with `count`) as JSON. */
export function probe(
  path: string,
  count = false,
): { streams: Record<string, string | number>[]; format: Record<string, string> } {
  const r = run('ffprobe', [
    '-v',
    'error',
    ...(count ? ['-count_frames'] : []),
    '-print_format',
    'json',
    '-show_streams',
    '-show_format',
    path,
  ]);
  if (r.status !== 0) throw new Error(`ffprobe ${path}: ${r.stderr}`);
  return JSON.parse(String(r.stdout));
}

/** A still photo looped into a clip at `fps`, scaled to width x height, with a 440 Hz sine as AAC audio. */
export function makeClip(
  path: string,
  o: { seconds: number; fps: number; width: number; height: number; audio: boolean },
): void {
  ffmpeg(
    '-loop',
    '1',
    '-framerate',
    String(o.fps),
    '-i',
    ASTRONAUT,
    ...(o.audio ? ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100'] : []),
    '-t',
    String(o.seconds),
    '-vf',
    `scale=${o.width}:${o.height},setsar=1`,
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    ...(o.audio ? ['-c:a', 'aac'] : []),
    '-shortest',
    path,
  );
}

/** Every frame of a video or photo as 8-bit grey, rows top to bottom. */
export function greyFrames(path: string, width: number, height: number): Uint8Array[] {
  const r = run('ffmpeg', ['-v', 'error', '-nostdin', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'gray', '-']);
  if (r.status !== 0) throw new Error(`decode ${path}: ${r.stderr}`);
  const size = width * height;
  return Array.from(
    { length: Math.floor(r.stdout.length / size) },
    (_, i) => new Uint8Array(r.stdout.subarray(i * size, (i + 1) * size)),
  );
}

/** High-frequency energy of a grey image inside `box`: the mean squared Laplacian. Blurring removes most of it. */
export function detailEnergy(grey: Uint8Array, width: number, box: Rect): number {
  let sum = 0;
  let n = 0;
  const x0 = Math.max(1, Math.round(box.x));
  const y0 = Math.max(1, Math.round(box.y));
  const height = grey.length / width;
  for (let y = y0; y < Math.min(height - 1, Math.round(box.y + box.h)); y++) {
    for (let x = x0; x < Math.min(width - 1, Math.round(box.x + box.w)); x++) {
      const i = y * width + x;
      const lap = 4 * grey[i]! - grey[i - 1]! - grey[i + 1]! - grey[i - width]! - grey[i + width]!;
      sum += lap * lap;
      n++;
    }
  }
  return n > 0 ? sum / n : 0;
}

/** Mean absolute difference of two grey images outside `box`. */
export function meanDiffOutside(a: Uint8Array, b: Uint8Array, width: number, box: Rect): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    if (x >= box.x && x < box.x + box.w && y >= box.y && y < box.y + box.h) continue;
    sum += Math.abs(a[i]! - b[i]!);
    n++;
  }
  return sum / n;
}

/**
 * An anonymized copy of the 512x512 astronaut photo against the original: how many times less detail its face
 * has, and the mean difference away from the face (small only when the copy is upright).
 */
export function astronautChange(path: string): { faceDetailDrop: number; diffAway: number } {
  const [original] = greyFrames(ASTRONAUT, 512, 512);
  const [anonymized] = greyFrames(path, 512, 512);
  return {
    faceDetailDrop: detailEnergy(original!, 512, ASTRONAUT_FACE) / detailEnergy(anonymized!, 512, ASTRONAUT_FACE),
    diffAway: meanDiffOutside(original!, anonymized!, 512, grown(ASTRONAUT_FACE, 0.8)),
  };
}

export interface ExifTags {
  /** 1..8; omitted: no orientation tag. */
  orientation?: number;
  /** Degrees, north and east positive. */
  gps?: { lat: number; lon: number };
}

/**
 * A JPEG with an EXIF APP1 segment (big-endian TIFF) inserted after SOI: IFD0 with Make, Orientation and a GPS
 * IFD pointer; the GPS IFD with latitude and longitude (degrees, minutes, seconds as rationals).
 */
export function withExif(jpeg: Uint8Array, tags: ExifTags): Uint8Array {
  const tiff = new Uint8Array(512);
  const v = new DataView(tiff.buffer);
  let data = 0; // where out-of-line values go, after both IFDs
  const entry = (at: number, tag: number, type: number, count: number, value: number) => {
    v.setUint16(at, tag);
    v.setUint16(at + 2, type);
    v.setUint32(at + 4, count);
    if (type === 3 && count === 1) v.setUint16(at + 8, value);
    else v.setUint32(at + 8, value);
  };
  const ascii = (text: string) => {
    const at = data;
    [...`${text}\0`].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
    data += text.length + 1 + ((text.length + 1) & 1);
    return at;
  };
  const dms = (deg: number) => {
    const at = data;
    const d = Math.floor(deg);
    const m = Math.floor((deg - d) * 60);
    const s = Math.round(((deg - d) * 60 - m) * 60 * 100);
    [
      [d, 1],
      [m, 1],
      [s, 100],
    ].forEach(([num, den], i) => {
      v.setUint32(at + i * 8, num!);
      v.setUint32(at + i * 8 + 4, den!);
    });
    data += 24;
    return at;
  };
  tiff.set([0x4d, 0x4d, 0, 42, 0, 0, 0, 8]); // "MM", 42, IFD0 at 8
  const ifd0: [number, number, number, () => number][] = [[0x010f, 2, 9, () => ascii('VeilTest')]];
  if (tags.orientation !== undefined) ifd0.push([0x0112, 3, 1, () => tags.orientation!]);
  if (tags.gps) ifd0.push([0x8825, 4, 1, () => gpsAt]);
  const gpsAt = 8 + 2 + 12 * ifd0.length + 4;
  data = gpsAt + (tags.gps ? 2 + 12 * 4 + 4 : 0);
  v.setUint16(8, ifd0.length);
  ifd0.forEach(([tag, type, count, value], i) => entry(10 + i * 12, tag, type, count, value()));
  if (tags.gps) {
    const { lat, lon } = tags.gps;
    v.setUint16(gpsAt, 4);
    entry(gpsAt + 2, 0x0001, 2, 2, 0);
    v.setUint8(gpsAt + 2 + 8, (lat >= 0 ? 'N' : 'S').charCodeAt(0));
    entry(gpsAt + 14, 0x0002, 5, 3, dms(Math.abs(lat)));
    entry(gpsAt + 26, 0x0003, 2, 2, 0);
    v.setUint8(gpsAt + 26 + 8, (lon >= 0 ? 'E' : 'W').charCodeAt(0));
    entry(gpsAt + 38, 0x0004, 5, 3, dms(Math.abs(lon)));
  }
  const payload = [...'Exif\0\0'].map((c) => c.charCodeAt(0));
  const segmentLength = 2 + payload.length + data;
  const app1 = new Uint8Array([
    0xff,
    0xe1,
    segmentLength >> 8,
    segmentLength & 0xff,
    ...payload,
    ...tiff.subarray(0, data),
  ]);
  const out = new Uint8Array(jpeg.length + app1.length);
  out.set(jpeg.subarray(0, 2));
  out.set(app1, 2);
  out.set(jpeg.subarray(2), 2 + app1.length);
  return out;
}

/** Whether the bytes hold an EXIF block (APP1 "Exif", PNG eXIf or WebP EXIF) or a GPS IFD tag anywhere. */
export function hasExif(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes).toString('latin1');
  return (
    text.includes('Exif\0\0') || text.includes('eXIf') || /EXIF/.test(text.slice(0, 64)) || text.includes('VeilTest')
  );
}
