import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Tracker } from '../../src/track/tracker';
import { frameLumas } from './eval-video-motion';
import { probeSize } from '../../src/testing/image-io';

// The bundled demo clip: a still webcam, a person moving and leaning in. ffmpeg decodes it; without ffmpeg, skipped.
const CLIP = 'public/demo/demo-webcam.webm';
const ffmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
if (!ffmpeg) console.warn('unseen-edges-webcam.test: skipped, ffmpeg not found');

describe.skipIf(!ffmpeg)('unseen edges on a still webcam', () => {
  it('blur a border strip on few frames: a person moving is not a pan', () => {
    const size = probeSize(CLIP);
    const lumas = frameLumas(CLIP, size);
    const tracker = new Tracker();
    const frameMs = 40;
    let withStrips = 0;
    let area = 0;
    // Live timing at the eval's defaults: a result every 3rd frame, 3 frames late; pictures a frame late.
    for (let i = 1; i < lumas.length; i++) {
      const c = i - 3;
      if (c >= 0 && c % 3 === 0) tracker.update([], c * frameMs, size);
      tracker.see((i - 1) * frameMs, lumas[i - 1]!);
      const strips = tracker.unseenEdges(i * frameMs);
      if (strips.length > 0) withStrips++;
      area += strips.reduce((a, r) => a + r.w * r.h, 0);
    }
    console.log(
      `unseen edges on ${CLIP}: strips on ${withStrips} of ${lumas.length} frames, ${((100 * area) / (lumas.length * size.width * size.height)).toFixed(2)} % of the area`,
    );
    expect(lumas.length).toBeGreaterThan(1000);
    expect(withStrips / lumas.length).toBeLessThan(0.1);
  }, 60_000);
});
