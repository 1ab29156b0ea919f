import { frameTextureUsage, type FrameImporter } from '../../src/gpu/frame-import';
import { AnonymizePass } from '../../src/render/anonymize-pass';
import { sigmaForFace } from '../../src/render/anonymize-plan';
import { DEFAULT_SETTINGS } from '../../src/app/settings';
import { benchFaces } from './blur-bench';
import { summarize, type Summary } from './stats';

export interface CanvasBlurResult {
  width: number;
  height: number;
  faces: number;
  /** Wall time: live mode's frame import, AnonymizePass (Gaussian, box masks), until the GPU is done. */
  ours: Summary;
  /** Wall time: drawImage of the frame, then each face rectangle drawn again through `filter: blur()`, until a pixel reads back. */
  canvas: Summary;
}

/**
 * Our blur against the plain way to blur rectangles in a page, on the same frames and faces (benchFaces, the blur
 * bench's), the same Gaussian sigma (the app's default strength) and rectangles on both sides. Each side's time
 * runs from the frame to a finished result, since Canvas2D has no GPU timestamps: ours waits for
 * onSubmittedWorkDone, the canvas for a one-pixel getImageData.
 */
export async function compareCanvasBlur(
  device: GPUDevice,
  importer: FrameImporter,
  frames: readonly ImageBitmap[],
  o: { frames: number; warmup: number; faces: number },
): Promise<CanvasBlurResult> {
  const { width, height } = frames[0];
  const masks = benchFaces(o.faces, width, height);
  const strength = DEFAULT_SETTINGS.strength;
  const ours: number[] = [];
  const canvasMs: number[] = [];

  const anonymize = await AnonymizePass.create(device);
  const src = device.createTexture({
    label: 'canvas-blur-src',
    size: [width, height],
    format: 'rgba8unorm',
    usage: frameTextureUsage(),
  });
  const dst = device.createTexture({
    label: 'canvas-blur-dst',
    size: [width, height],
    format: 'rgba8unorm',
    usage: GPUTextureUsage.STORAGE_BINDING,
  });
  try {
    for (let i = 0; i < o.warmup + o.frames; i++) {
      const t0 = performance.now();
      await importer.import(frames[i % frames.length], src);
      const encoder = device.createCommandEncoder({ label: 'canvas-blur-ours' });
      anonymize.encode(encoder, src, dst, {
        masks,
        fullFrame: false,
        effect: 'gaussian',
        strength,
        shape: 'box',
        featherPx: 0,
        outlines: false,
      });
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
      if (i >= o.warmup) ours.push(performance.now() - t0);
    }
  } finally {
    anonymize.destroy();
    src.destroy();
    dst.destroy();
  }

  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: false });
  if (!ctx) throw new Error('canvas blur: no 2d context');
  for (let i = 0; i < o.warmup + o.frames; i++) {
    const frame = frames[i % frames.length];
    const t0 = performance.now();
    ctx.filter = 'none';
    ctx.drawImage(frame, 0, 0);
    for (const m of masks) {
      const [x, y, w, h] = [m.cx - m.rx, m.cy - m.ry, 2 * m.rx, 2 * m.ry];
      ctx.save();
      ctx.beginPath();
      ctx.rect(x, y, w, h);
      ctx.clip();
      ctx.filter = `blur(${sigmaForFace(strength, m.rx, m.ry)}px)`;
      ctx.drawImage(frame, x, y, w, h, x, y, w, h);
      ctx.restore();
    }
    ctx.getImageData(0, 0, 1, 1);
    if (i >= o.warmup) canvasMs.push(performance.now() - t0);
  }
  return { width, height, faces: o.faces, ours: summarize(ours), canvas: summarize(canvasMs) };
}
