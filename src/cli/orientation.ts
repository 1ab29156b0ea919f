// Which way up a picture is meant to be seen. ffmpeg 5 ignores a photo's EXIF orientation, and a phone video's
// rotation is side data that only the ffmpeg command line applies: veil applies both itself (and turns ffmpeg's
// own autorotation off), so the detector sees faces upright and the output, stripped of that metadata, shows
// the picture the way the input did.

/** An ffmpeg filter chain that turns the stored picture upright, or null when it already is. */
export type UprightFilter = string | null;

/** EXIF orientation 1..8 -> filter (ffmpeg transpose: 0 = transpose, 1 = clock, 2 = cclock, 3 = transverse). */
const EXIF_FILTERS: Record<number, UprightFilter> = {
  1: null,
  2: 'hflip',
  3: 'hflip,vflip',
  4: 'vflip',
  5: 'transpose=0',
  6: 'transpose=1',
  7: 'transpose=3',
  8: 'transpose=2',
};

export function exifOrientationFilter(orientation: number | null): UprightFilter {
  return orientation === null ? null : (EXIF_FILTERS[orientation] ?? null);
}

/**
 * A video's display rotation as ffprobe reports it (the display matrix's angle, counter-clockwise degrees, e.g.
 * -90 for a portrait phone clip), to the filter that the ffmpeg command line's autorotation would insert.
 */
export function rotationFilter(rotation: number): UprightFilter {
  const clockwise = (((Math.round(-rotation / 90) * 90) % 360) + 360) % 360;
  return (
    ({ 0: null, 90: 'transpose=1', 180: 'hflip,vflip', 270: 'transpose=2' } as Record<number, UprightFilter>)[
      clockwise
    ] ?? null
  );
}

/** Whether the filter swaps width and height. */
export function swapsAxes(filter: UprightFilter): boolean {
  return filter?.startsWith('transpose') === true;
}

/** Orientation tag (0x0112) of the first IFD of a TIFF block (EXIF's payload), or null. */
function tiffOrientation(b: Uint8Array, start: number, end: number): number | null {
  if (end - start < 8) return null;
  const little = b[start] === 0x49 && b[start + 1] === 0x49;
  if (!little && !(b[start] === 0x4d && b[start + 1] === 0x4d)) return null;
  const view = new DataView(b.buffer, b.byteOffset + start, end - start);
  const u16 = (o: number) => view.getUint16(o, little);
  const u32 = (o: number) => view.getUint32(o, little);
  if (u16(2) !== 42) return null;
  const ifd = u32(4);
  if (ifd + 2 > view.byteLength) return null;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > view.byteLength) return null;
    if (u16(entry) === 0x0112 && u16(entry + 2) === 3) {
      const v = u16(entry + 8);
      return v >= 1 && v <= 8 ? v : null;
    }
  }
  return null;
}

const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"

function startsWith(b: Uint8Array, at: number, bytes: readonly number[]): boolean {
  return bytes.every((v, i) => b[at + i] === v);
}

function ascii(b: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...b.subarray(at, at + n));
}

/** EXIF orientation of a JPEG, PNG (eXIf) or WebP (EXIF chunk) file's bytes; null when it has none. */
export function readExifOrientation(b: Uint8Array): number | null {
  if (b[0] === 0xff && b[1] === 0xd8) {
    // JPEG: marker segments up to the start of scan.
    for (let at = 2; at + 4 <= b.length && b[at] === 0xff; ) {
      const marker = b[at + 1]!;
      if (marker === 0xda || marker === 0xd9) break;
      const length = (b[at + 2]! << 8) | b[at + 3]!;
      if (marker === 0xe1 && startsWith(b, at + 4, EXIF_HEADER)) {
        const found = tiffOrientation(b, at + 10, Math.min(b.length, at + 2 + length));
        if (found !== null) return found;
      }
      at += 2 + length;
    }
    return null;
  }
  if (startsWith(b, 0, [0x89, 0x50, 0x4e, 0x47])) {
    for (let at = 8; at + 8 <= b.length; ) {
      const length = new DataView(b.buffer, b.byteOffset + at, 4).getUint32(0);
      const type = ascii(b, at + 4, 4);
      if (type === 'eXIf') return tiffOrientation(b, at + 8, Math.min(b.length, at + 8 + length));
      if (type === 'IEND') break;
      at += 12 + length;
    }
    return null;
  }
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') {
    for (let at = 12; at + 8 <= b.length; ) {
      const length = new DataView(b.buffer, b.byteOffset + at + 4, 4).getUint32(0, true);
      if (ascii(b, at, 4) === 'EXIF') {
        const payload = startsWith(b, at + 8, EXIF_HEADER) ? at + 14 : at + 8;
        return tiffOrientation(b, payload, Math.min(b.length, at + 8 + length));
      }
      at += 8 + length + (length & 1);
    }
  }
  return null;
}
