import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exifOrientationFilter, readExifOrientation, rotationFilter, swapsAxes } from './orientation';
import { ASTRONAUT, withExif } from './test-media';

describe('readExifOrientation', () => {
  const jpeg = new Uint8Array(readFileSync(ASTRONAUT));

  it('finds no orientation in a JPEG without EXIF', () => {
    expect(readExifOrientation(jpeg)).toBeNull();
  });

  it('reads the tag from an APP1 EXIF segment, beside a GPS IFD', () => {
    for (const orientation of [1, 3, 6, 8]) {
      expect(readExifOrientation(withExif(jpeg, { orientation, gps: { lat: 48.8584, lon: 2.2945 } }))).toBe(
        orientation,
      );
    }
    expect(readExifOrientation(withExif(jpeg, { gps: { lat: 1, lon: 2 } }))).toBeNull();
  });

  it('reads a PNG eXIf chunk and a WebP EXIF chunk', () => {
    const app1 = withExif(jpeg, { orientation: 8 });
    const tiffBytes = app1.subarray(2 + 4 + 6, 2 + 2 + ((app1[4]! << 8) | app1[5]!)); // the APP1 segment's TIFF block
    const u32be = (n: number) => [n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255];
    const png = new Uint8Array([
      0x89,
      0x50,
      0x4e,
      0x47,
      13,
      10,
      26,
      10,
      ...u32be(tiffBytes.length),
      ...Buffer.from('eXIf'),
      ...tiffBytes,
      0,
      0,
      0,
      0,
    ]);
    expect(readExifOrientation(png)).toBe(8);
    const u32le = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24];
    const chunk = [...Buffer.from('EXIF'), ...u32le(tiffBytes.length), ...tiffBytes];
    const webp = new Uint8Array([...Buffer.from('RIFF'), ...u32le(4 + chunk.length), ...Buffer.from('WEBP'), ...chunk]);
    expect(readExifOrientation(webp)).toBe(8);
  });

  it('survives garbage', () => {
    expect(readExifOrientation(new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0, 4, 1, 2]))).toBeNull();
    expect(readExifOrientation(new Uint8Array(0))).toBeNull();
  });
});

describe('upright filters', () => {
  it('maps EXIF orientations to ffmpeg filters', () => {
    expect(exifOrientationFilter(1)).toBeNull();
    expect(exifOrientationFilter(3)).toBe('hflip,vflip');
    expect(exifOrientationFilter(6)).toBe('transpose=1');
    expect(exifOrientationFilter(8)).toBe('transpose=2');
    expect(swapsAxes(exifOrientationFilter(5))).toBe(true);
    expect(swapsAxes(exifOrientationFilter(2))).toBe(false);
  });

  it('maps display-matrix rotations as ffmpeg autorotation does', () => {
    expect(rotationFilter(0)).toBeNull();
    expect(rotationFilter(-90)).toBe('transpose=1');
    expect(rotationFilter(270)).toBe('transpose=1');
    expect(rotationFilter(90)).toBe('transpose=2');
    expect(rotationFilter(180)).toBe('hflip,vflip');
    expect(rotationFilter(-180)).toBe('hflip,vflip');
  });
});
