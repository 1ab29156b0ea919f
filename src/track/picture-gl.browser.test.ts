// The WebGL2 pass of the tracker's picture (picture.glsl) against its CPU twin (pictureOf: thumbnail.wgsl's cell
// means), in Chromium through Vitest's browser mode.
import { describe, expect, it } from 'vitest';
import { acquireGl, GlFrame } from '../gpu/gl-context';
import { randomImage } from '../testing/random';
import { lumaSize } from './patch-motion';
import { PictureGl } from './picture-gl';
import { pictureOf } from './thumbnail';

describe('PictureGl against pictureOf', () => {
  for (const [width, height] of [
    [640, 360],
    [333, 517],
    [200, 120],
  ] as const) {
    it(`${width}x${height}: every cell's mean luma within one level`, () => {
      const img = randomImage(width, height, width, { opaque: true });
      const { gl } = acquireGl(new OffscreenCanvas(1, 1), false);
      const frame = new GlFrame(gl, { uploadOnce: true });
      const picture = new PictureGl(gl);
      try {
        frame.import(new ImageData(new Uint8ClampedArray(img.data), width), width, height);
        const size = lumaSize(img);
        const got = picture.read(frame.raw!, size);
        const want = pictureOf(img);
        expect([want.width, want.height]).toEqual([size.width, size.height]);
        let worst = 0;
        for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want.data[i]!));
        expect(worst).toBeLessThanOrEqual(1);
      } finally {
        picture.destroy();
        frame.destroy();
        gl.getExtension('WEBGL_lose_context')?.loseContext();
      }
    });
  }
});
