/** What a file is, from its first bytes (names and MIME types lie; a renamed file is common). */
export type FileKind =
  | { kind: 'video'; container: VideoContainer }
  | { kind: 'photo'; format: PhotoFormat }
  /** Media we recognise but do not read, named for the message (e.g. "GIF", "HEIC photos"). */
  | { kind: 'unsupported'; what: string }
  | { kind: 'unknown' };

export type PhotoFormat = 'jpeg' | 'png' | 'webp';
export type VideoContainer = 'mp4' | 'mov' | 'webm';

/** Bytes sniffFile needs from the file's start. */
export const SNIFF_BYTES = 192;

const ascii = (b: Uint8Array, at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));
const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) => sig.every((v, i) => b[at + i] === v);

/** ISO base media brands of still images: a HEIC/AVIF photo is an "ftyp" file too. */
const STILL_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'mif1', 'msf1', 'avif', 'avis']);
/** Top-level boxes an MP4/MOV may start with when it has no ftyp (old QuickTime files). */
const BARE_QT_BOXES = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

export function sniffFile(head: Uint8Array): FileKind {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return { kind: 'photo', format: 'jpeg' };
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'photo', format: 'png' };
  if (ascii(head, 0, 4) === 'RIFF') {
    const form = ascii(head, 8, 4);
    if (form === 'WEBP') return { kind: 'photo', format: 'webp' };
    return {
      kind: 'unsupported',
      what: form === 'AVI ' ? 'AVI videos' : form === 'WAVE' ? 'WAV audio files' : 'RIFF files',
    };
  }
  if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) return { kind: 'video', container: 'webm' };
  const box = ascii(head, 4, 4);
  if (box === 'ftyp') {
    const brand = ascii(head, 8, 4);
    if (STILL_BRANDS.has(brand))
      return { kind: 'unsupported', what: `${brand.startsWith('avi') ? 'AVIF' : 'HEIC'} photos` };
    return { kind: 'video', container: brand === 'qt  ' ? 'mov' : 'mp4' };
  }
  if (BARE_QT_BOXES.has(box)) return { kind: 'video', container: 'mov' };
  if (ascii(head, 0, 4) === 'GIF8') return { kind: 'unsupported', what: 'GIF images' };
  if (ascii(head, 0, 2) === 'BM') return { kind: 'unsupported', what: 'BMP images' };
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a]))
    return { kind: 'unsupported', what: 'TIFF images' };
  if (ascii(head, 0, 3) === 'ID3' || ascii(head, 0, 4) === 'OggS' || ascii(head, 0, 4) === 'fLaC')
    return { kind: 'unsupported', what: 'audio files' };
  if (head[0] === 0x47 && head.length > 188 && head[188] === 0x47)
    return { kind: 'unsupported', what: 'MPEG transport streams' };
  return { kind: 'unknown' };
}

/**
 * Whether a photo's bytes run to its format's end marker. Browsers decode a cut-off JPEG or PNG without
 * complaint (the missing part comes out grey), and a photo with a missing part is not the photo the user has.
 */
export function photoIsComplete(format: PhotoFormat, bytes: Uint8Array): boolean {
  const n = bytes.length;
  switch (format) {
    case 'jpeg': {
      // EOI, allowing for the padding some cameras write after it.
      const tail = bytes.subarray(Math.max(0, n - 64));
      for (let i = tail.length - 2; i >= 0; i--) if (tail[i] === 0xff && tail[i + 1] === 0xd9) return true;
      return false;
    }
    case 'png':
      // The IEND chunk: length 0, type, CRC; nothing a decoder needs comes after it.
      return n >= 12 && ascii(bytes, n - 8, 4) === 'IEND';
    case 'webp': {
      const riffSize = bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24);
      return n >= 12 && n >= (riffSize >>> 0) + 8;
    }
  }
}

/** Reads `length` bytes at `offset` (fewer at the end of the file). */
export type ByteReader = (offset: number, length: number) => Promise<Uint8Array>;

/**
 * The types of an MP4/MOV file's top-level boxes, walking only their headers: an MP4 cut off before its index
 * has no "moov", one that was written with no frames has it. Stops at a header that makes no sense.
 */
export async function topLevelBoxes(read: ByteReader, size: number): Promise<string[]> {
  const types: string[] = [];
  for (let at = 0; at + 8 <= size; ) {
    const h = await read(at, 16);
    const v = new DataView(h.buffer, h.byteOffset, h.byteLength);
    const size32 = v.getUint32(0);
    const boxSize = size32 === 1 && h.length >= 16 ? Number(v.getBigUint64(8)) : size32 === 0 ? size - at : size32;
    if (boxSize < 8) break;
    types.push(ascii(h, 4, 4));
    at += boxSize;
  }
  return types;
}
