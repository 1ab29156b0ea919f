import { execFileSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import type { Rect, RgbaImage } from '../../src/core/types';

/**
 * Reads the output canvas's current picture the way a consumer does: through canvas.captureStream(), one frame
 * drawn into a 2D canvas. (drawImage of the WebGPU canvas itself reads back blank in headless Chromium here.)
 * A canvas with no picture yet reads as all zeros.
 */
export async function readOutput(page: Page): Promise<RgbaImage> {
  const { width, height, bytes } = await page.evaluate(async () => {
    const app = document.querySelector('veil-app')!;
    const canvas = app.shadowRoot!.querySelector<HTMLCanvasElement>('canvas[data-role="output"]')!;
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d')!;
    const stream = canvas.captureStream(0);
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = stream;
    const frame = new Promise<void>((resolve) => video.requestVideoFrameCallback(() => resolve()));
    // A canvas that never had a picture gives no frame, and play() then never settles: wait 3 s at most.
    const timeout = new Promise((r) => setTimeout(r, 3000));
    (stream.getVideoTracks()[0] as CanvasCaptureMediaStreamTrack).requestFrame();
    await Promise.race([video.play().then(() => frame), timeout]);
    if (video.videoWidth > 0) ctx.drawImage(video, 0, 0, copy.width, copy.height);
    stream.getTracks().forEach((t) => t.stop());
    const data = ctx.getImageData(0, 0, copy.width, copy.height).data;
    let bin = '';
    for (let i = 0; i < data.length; i++) bin += String.fromCharCode(data[i]);
    return { width: copy.width, height: copy.height, bytes: btoa(bin) };
  });
  return { width, height, data: new Uint8Array(Buffer.from(bytes, 'base64')) };
}

function luma(img: RgbaImage, x: number, y: number): number {
  const i = (y * img.width + x) * 4;
  return 0.299 * img.data[i] + 0.587 * img.data[i + 1] + 0.114 * img.data[i + 2];
}

/** Mean squared difference between neighbouring pixels' luma: detail that blurring removes. */
export function highFrequencyEnergy(img: RgbaImage, r: Rect = { x: 0, y: 0, w: img.width, h: img.height }): number {
  let sum = 0;
  let n = 0;
  for (let y = r.y; y < r.y + r.h - 1; y++) {
    for (let x = r.x; x < r.x + r.w - 1; x++) {
      const c = luma(img, x, y);
      sum += (luma(img, x + 1, y) - c) ** 2 + (luma(img, x, y + 1) - c) ** 2;
      n++;
    }
  }
  return sum / Math.max(1, n);
}

/** Mean absolute per-channel difference (RGB) inside a region. */
export function meanAbsDiff(a: RgbaImage, b: RgbaImage, r: Rect): number {
  let sum = 0;
  for (let y = r.y; y < r.y + r.h; y++) {
    for (let x = r.x; x < r.x + r.w; x++) {
      const i = (y * a.width + x) * 4;
      for (let c = 0; c < 3; c++) sum += Math.abs(a.data[i + c] - b.data[i + c]);
    }
  }
  return sum / (r.w * r.h * 3);
}

/** True when the canvas holds a picture (not the blank before the first frame). */
export function hasPicture(img: RgbaImage): boolean {
  for (let i = 0; i < img.data.length; i += 4) if (img.data[i] + img.data[i + 1] + img.data[i + 2] > 30) return true;
  return false;
}

/** Decodes a PNG (a screenshot) to RGBA with ffmpeg, alpha kept. */
export function decodePng(png: Buffer): RgbaImage {
  const size = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const raw = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-f', 'png_pipe', '-i', '-', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'],
    { input: png, maxBuffer: size * height * 4 + 1024 },
  );
  return { width: size, height, data: new Uint8Array(raw) };
}
