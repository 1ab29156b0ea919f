import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffmpeg } from '../../src/cli/test-media';
import { videoFrames } from '../eval/eval-video-frames';
import { type CameraPlan, type Crop, truthAt } from './camera-plan';
import { renderClip } from './render-clip';

const VIDEO = { width: 640, height: 360 };

/** Where the frame is brighter than mid-grey: the bounding box of those pixels. */
function brightBox(rgba: Uint8Array, width: number, height: number): [number, number, number, number] {
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (rgba[4 * (y * width + x)]! > 128)
        [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  return [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}

describe('renderClip', () => {
  it('draws the photo where the truth says: a white square in the video where its box maps through the crop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'motion-clip-'));
    try {
      const photo = join(dir, 'photo.png');
      ffmpeg(
        ...['-f', 'lavfi', '-i', 'color=black:s=400x300', '-frames:v', '1'],
        ...['-vf', 'drawbox=x=200:y=100:w=40:h=40:color=white:t=fill', photo],
      );
      // A still camera: 320x180 of the photo, 2 video pixels a photo pixel.
      const crop: Crop = { x: 80, y: 50, w: 320, h: 180 };
      const plan: CameraPlan = {
        segments: [],
        frames: 3,
        cropAt: () => crop,
        shake: { swayPx: 0, jitterPx: 0 },
      };
      const out = join(dir, 'clip.mp4');
      await renderClip(plan, photo, { width: 400, height: 300 }, VIDEO, out);
      const [box] = truthAt(crop, [[200, 100, 40, 40]], VIDEO).faces;
      expect(box).toEqual([240, 100, 80, 80]);
      let frames = 0;
      for await (const f of videoFrames(out, VIDEO)) {
        const seen = brightBox(f.data, VIDEO.width, VIDEO.height);
        seen.forEach((v, i) => expect(Math.abs(v - box![i]!)).toBeLessThanOrEqual(2));
        frames++;
      }
      expect(frames).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
