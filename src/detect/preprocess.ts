import type { InputSize, TensorFormat } from './model';
import type { Rect, RgbaImage } from '../core/types';

const f32 = Math.fround;

/** The square of side max(W, H) centred on the frame: the whole frame, undistorted, padded black. */
export function letterboxCrop(frameW: number, frameH: number): Rect {
  const side = Math.max(frameW, frameH);
  return { x: (frameW - side) / 2, y: (frameH - side) / 2, w: side, h: side };
}

/**
 * Where output pixel (i, j) samples the frame: origin + (i, j) * step, in frame pixels with texel centres at
 * integers. Rounded to f32 once here so that preprocess.wgsl and preprocessRef start from identical numbers.
 */
export interface CropSampling {
  origin: [number, number];
  step: [number, number];
}

export function cropSampling(crop: Rect, size: InputSize): CropSampling {
  const sx = crop.w / size.width;
  const sy = crop.h / size.height;
  return {
    origin: [f32(crop.x + 0.5 * sx - 0.5), f32(crop.y + 0.5 * sy - 0.5)],
    step: [f32(sx), f32(sy)],
  };
}

function lerp(a: number, b: number, t: number): number {
  return f32(a + f32(f32(b - a) * t));
}

/**
 * CPU twin of preprocess.wgsl: bilinear samples of `crop` (pixels outside the frame are black) into a tensor of
 * `size` in the model's format. Arithmetic is rounded to f32 step by step, in the shader's order, so the two agree
 * to about 1e-6 of the value range and not only to the f32-vs-f64 error of a coordinate near 1000 px.
 */
export function preprocessRef(img: RgbaImage, crop: Rect, size: InputSize, format: TensorFormat): Float32Array {
  const { origin, step } = cropSampling(crop, size);
  const { width, height } = size;
  const out = new Float32Array(width * height * 3);
  const texel = (x: number, y: number, c: number): number =>
    x < 0 || y < 0 || x >= img.width || y >= img.height ? 0 : f32(img.data[(y * img.width + x) * 4 + c] / 255);
  const plane = width * height;
  for (let j = 0; j < height; j++) {
    const sy = f32(origin[1] + f32(j * step[1]));
    const y0 = Math.floor(sy);
    const ty = f32(sy - y0);
    for (let i = 0; i < width; i++) {
      const sx = f32(origin[0] + f32(i * step[0]));
      const x0 = Math.floor(sx);
      const tx = f32(sx - x0);
      const pixel = j * width + i;
      for (let c = 0; c < 3; c++) {
        const top = lerp(texel(x0, y0, c), texel(x0 + 1, y0, c), tx);
        const bottom = lerp(texel(x0, y0 + 1, c), texel(x0 + 1, y0 + 1, c), tx);
        const v = f32(f32(lerp(top, bottom, ty) * format.scale) + format.offset);
        const channel = format.order === 'bgr' ? 2 - c : c;
        out[format.layout === 'nchw' ? channel * plane + pixel : pixel * 3 + channel] = v;
      }
    }
  }
  return out;
}
