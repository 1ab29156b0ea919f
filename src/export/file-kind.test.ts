import { describe, expect, it } from 'vitest';
import { photoIsComplete, sniffFile, topLevelBoxes } from './file-kind';

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const box = (type: string, brand: string) => bytes([0, 0, 0, 24], type, brand, [0, 0, 2, 0]);

describe('sniffFile', () => {
  it('knows the videos and photos the page reads, by their bytes', () => {
    expect(sniffFile(box('ftyp', 'isom'))).toEqual({ kind: 'video', container: 'mp4' });
    expect(sniffFile(box('ftyp', 'qt  '))).toEqual({ kind: 'video', container: 'mov' });
    expect(sniffFile(box('moov', 'mvhd'))).toEqual({ kind: 'video', container: 'mov' });
    expect(sniffFile(bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f]))).toEqual({ kind: 'video', container: 'webm' });
    expect(sniffFile(bytes([0xff, 0xd8, 0xff, 0xe0]))).toEqual({ kind: 'photo', format: 'jpeg' });
    expect(sniffFile(bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]))).toEqual({ kind: 'photo', format: 'png' });
    expect(sniffFile(bytes('RIFF', [1, 0, 0, 0], 'WEBPVP8 '))).toEqual({ kind: 'photo', format: 'webp' });
  });

  it('names media it recognises but does not read', () => {
    expect(sniffFile(box('ftyp', 'heic'))).toEqual({ kind: 'unsupported', what: 'HEIC photos' });
    expect(sniffFile(box('ftyp', 'avif'))).toEqual({ kind: 'unsupported', what: 'AVIF photos' });
    expect(sniffFile(bytes('GIF89a'))).toEqual({ kind: 'unsupported', what: 'GIF images' });
    expect(sniffFile(bytes('RIFF', [1, 0, 0, 0], 'AVI LIST'))).toEqual({ kind: 'unsupported', what: 'AVI videos' });
    expect(sniffFile(bytes('ID3', [4, 0]))).toEqual({ kind: 'unsupported', what: 'audio files' });
  });

  it('calls anything else unknown, whatever its name says', () => {
    expect(sniffFile(bytes('hello, this is text'))).toEqual({ kind: 'unknown' });
    expect(sniffFile(new Uint8Array(0))).toEqual({ kind: 'unknown' });
  });
});

describe('photoIsComplete', () => {
  it('finds the JPEG end marker, also before trailing padding', () => {
    expect(photoIsComplete('jpeg', bytes([0xff, 0xd8, 0xff, 1, 2, 0xff, 0xd9]))).toBe(true);
    expect(photoIsComplete('jpeg', bytes([0xff, 0xd8, 0xff, 1, 2, 0xff, 0xd9, 0, 0, 0]))).toBe(true);
    expect(photoIsComplete('jpeg', bytes([0xff, 0xd8, 0xff, 1, 2, 3]))).toBe(false);
  });

  it('wants PNG to end with IEND and WebP to hold its RIFF size', () => {
    const png = bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a], [0, 0, 0, 0], 'IEND', [0xae, 0x42, 0x60, 0x82]);
    expect(photoIsComplete('png', png)).toBe(true);
    expect(photoIsComplete('png', png.subarray(0, png.length - 4))).toBe(false);
    const webp = bytes('RIFF', [8, 0, 0, 0], 'WEBPVP8 ');
    expect(photoIsComplete('webp', webp)).toBe(true);
    expect(photoIsComplete('webp', webp.subarray(0, 14))).toBe(false);
  });
});

describe('topLevelBoxes', () => {
  const reader = (b: Uint8Array) => async (offset: number, length: number) => b.subarray(offset, offset + length);
  const mp4 = bytes(
    [0, 0, 0, 16],
    'ftypisom',
    [0, 0, 0, 0],
    [0, 0, 0, 8],
    'free',
    [0, 0, 0, 12],
    'mdat',
    [1, 2, 3, 4],
    [0, 0, 0, 8],
    'moov',
  );

  it('lists the boxes of a whole file', async () => {
    expect(await topLevelBoxes(reader(mp4), mp4.length)).toEqual(['ftyp', 'free', 'mdat', 'moov']);
  });

  it('has no moov when the file was cut before it, and stops at a broken header', async () => {
    const cut = mp4.subarray(0, 34);
    expect(await topLevelBoxes(reader(cut), cut.length)).toEqual(['ftyp', 'free', 'mdat']);
    const broken = bytes([0, 0, 0, 16], 'ftypisom', [0, 0, 0, 0], [0, 0, 0, 3], 'junk');
    expect(await topLevelBoxes(reader(broken), broken.length)).toEqual(['ftyp']);
  });

  it('reads 64-bit and to-the-end sizes', async () => {
    const big = bytes([0, 0, 0, 1], 'mdat', [0, 0, 0, 0, 0, 0, 0, 16], [0, 0, 0, 0], 'moov');
    expect(await topLevelBoxes(reader(big), big.length)).toEqual(['mdat', 'moov']);
  });
});
