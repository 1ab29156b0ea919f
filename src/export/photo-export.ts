import type { RgbaImage } from '../core/types';
import { photoIsComplete, type PhotoFormat } from './file-kind';
import { readBytes } from './file-read';
import { checkFrameSize } from './limits';
import { ExportProblem } from './problems';

const PHOTO_MIME: Record<PhotoFormat, string> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };
export const PHOTO_EXTENSION: Record<PhotoFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp' };
/** Re-encoding costs a little quality; this keeps it invisible at a sane size. PNG ignores it (lossless). */
const QUALITY = 0.92;

export interface PhotoInput {
  name: string;
  format: PhotoFormat;
  /** Decoded upright: createImageBitmap applies the EXIF orientation. */
  bitmap: ImageBitmap;
  width: number;
  height: number;
}

/** Decodes and checks a file whose bytes said JPEG, PNG or WebP; throws ExportProblem for what is wrong with it. */
export async function openPhoto(file: File, format: PhotoFormat, gpuMaxSide: number): Promise<PhotoInput> {
  const name = file.name;
  if (!photoIsComplete(format, await readBytes(file))) {
    throw new ExportProblem({ kind: 'truncated', name, detail: `its ${format.toUpperCase()} data ends early` });
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image', premultiplyAlpha: 'none' });
  } catch (e) {
    throw new ExportProblem({
      kind: 'truncated',
      name,
      detail: `the browser could not decode it: ${(e as Error).message}`,
    });
  }
  try {
    checkFrameSize(name, bitmap.width, bitmap.height, gpuMaxSide, 'photo');
  } catch (e) {
    bitmap.close();
    throw e;
  }
  return { name, format, bitmap, width: bitmap.width, height: bitmap.height };
}

/**
 * The anonymized pixels in the input's format. Drawn into a fresh canvas and encoded from there, the file holds
 * nothing of the original's metadata: no EXIF (GPS, camera, time), XMP or ICC profile.
 */
export async function encodePhoto(img: RgbaImage, format: PhotoFormat): Promise<Blob> {
  const canvas = new OffscreenCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('the browser refused a 2D canvas to encode the photo');
  ctx.putImageData(new ImageData(new Uint8ClampedArray(img.data.buffer), img.width, img.height), 0, 0);
  const blob = await canvas.convertToBlob({ type: PHOTO_MIME[format], quality: QUALITY });
  // Browsers fall back to PNG for a type they cannot write: that would be a different format under the same name.
  if (blob.type !== PHOTO_MIME[format]) throw new Error(`this browser cannot write ${format.toUpperCase()} photos`);
  return blob;
}
