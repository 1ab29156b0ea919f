import type { Page } from '@playwright/test';
import type { RgbaImage } from '../../src/core/types';

/** Frames of a MediaStream as a consumer sees them, from its very first frame, read in the page. */
export async function streamFrames(page: Page, expr: string, count: number): Promise<RgbaImage[]> {
  const frames = await page.evaluate(
    async ({ expr, count }) => {
      // biome-ignore lint/security/noGlobalEval: the test names a page global by an expression string, in the page.
      const stream = (0, eval)(expr) as MediaStream;
      const video = document.createElement('video');
      video.muted = true;
      video.srcObject = stream;
      await video.play();
      const canvas = document.createElement('canvas');
      const out: { width: number; height: number; bytes: string }[] = [];
      await new Promise<void>((resolve) => {
        const grab = () => {
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
          const ctx = canvas.getContext('2d')!;
          ctx.drawImage(video, 0, 0);
          const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
          let bin = '';
          for (let i = 0; i < data.length; i++) bin += String.fromCharCode(data[i]);
          out.push({ width: canvas.width, height: canvas.height, bytes: btoa(bin) });
          if (out.length >= count) resolve();
          else video.requestVideoFrameCallback(grab);
        };
        video.requestVideoFrameCallback(grab);
      });
      return out;
    },
    { expr, count },
  );
  return frames.map((f) => ({
    width: f.width,
    height: f.height,
    data: new Uint8Array(Buffer.from(f.bytes, 'base64')),
  }));
}
