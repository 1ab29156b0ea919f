// What an exported clip must be, for the export page's tests in Chromium (tests/e2e) and Firefox (tests/firefox).
import { expect } from '@playwright/test';
import {
  ASTRONAUT_FACE,
  detailEnergy,
  greyFrames,
  grown,
  meanDiffOutside,
  probe,
  run,
  scaled,
} from '../../src/cli/test-media';

/** The clip the tests make with makeClip from the astronaut photo, and where its face is. */
export const CLIP = { seconds: 1, fps: 10, width: 160, height: 120, audio: true };
export const FACE = scaled(ASTRONAUT_FACE, CLIP.width / 512, CLIP.height / 512);

export const video = (p: ReturnType<typeof probe>) => p.streams.find((s) => s.codec_type === 'video')!;

/**
 * What every exported clip must be: it plays, with the input's frame count, duration (within a frame) and audio,
 * the face blurred on sampled frames and the rest as it was (so also upright). `input` decodes upright (ffmpeg
 * applies rotation metadata).
 */
export function expectAnonymizedClip(input: string, output: string, codecs: { video: string; audio: string }): void {
  const decode = run('ffmpeg', ['-v', 'error', '-nostdin', '-i', output, '-f', 'null', '-']);
  expect(decode.status).toBe(0);
  expect(decode.stderr).toBe('');
  const before = probe(input, true);
  const after = probe(output, true);
  expect(video(after)).toMatchObject({ codec_name: codecs.video, width: CLIP.width, height: CLIP.height });
  expect(video(after).nb_read_frames).toBe(video(before).nb_read_frames);
  const duration = (p: typeof before) => Number(video(p).duration ?? p.format.duration);
  expect(Math.abs(duration(after) - duration(before))).toBeLessThanOrEqual(1 / CLIP.fps);
  expect(after.streams.filter((s) => s.codec_type === 'audio').map((s) => s.codec_name)).toEqual([codecs.audio]);

  const inFrames = greyFrames(input, CLIP.width, CLIP.height);
  const outFrames = greyFrames(output, CLIP.width, CLIP.height);
  expect(outFrames).toHaveLength(inFrames.length);
  for (const i of [0, 5, 9]) {
    const ratio = detailEnergy(inFrames[i]!, CLIP.width, FACE) / detailEnergy(outFrames[i]!, CLIP.width, FACE);
    expect(ratio, `frame ${i}: detail in the face down ${ratio.toFixed(1)}x`).toBeGreaterThanOrEqual(5);
    // Measured 3.3 (VP9) to 6.1 (H.264 from a rotated input): the browser's colour conversions and the re-encode.
    // A sideways or shifted frame differs by about 80.
    expect(
      meanDiffOutside(inFrames[i]!, outFrames[i]!, CLIP.width, grown(FACE, 1.2)),
      `frame ${i} away from the face`,
    ).toBeLessThan(8);
  }
}
