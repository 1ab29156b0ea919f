import { describe, expect, it } from 'vitest';
import { chooseOutput, describeOutput, type EncodeSupport } from './output-choice';

const ALL: EncodeSupport = { avc: true, vp9: true, vp8: true, aac: true, opus: true };
/** Debian's Chromium, measured: H.264, VP9, VP8 and Opus encode; AAC does not. */
const DEBIAN: EncodeSupport = { ...ALL, aac: false };

describe('chooseOutput', () => {
  it('writes MP4 with H.264 and AAC where the browser can', () => {
    expect(chooseOutput(ALL, 'aac')).toEqual({ container: 'mp4', video: 'avc', audio: 'copy', audioDropped: false });
    expect(chooseOutput(ALL, 'opus')).toEqual({ container: 'mp4', video: 'avc', audio: 'aac', audioDropped: false });
    expect(chooseOutput(ALL, null)).toEqual({ container: 'mp4', video: 'avc', audio: 'none', audioDropped: false });
  });

  it('copies AAC into MP4 without an AAC encoder, and otherwise falls back to WebM with Opus', () => {
    expect(chooseOutput(DEBIAN, 'aac')).toMatchObject({ container: 'mp4', audio: 'copy' });
    expect(chooseOutput(DEBIAN, 'mp3')).toEqual({
      container: 'webm',
      video: 'vp9',
      audio: 'opus',
      audioDropped: false,
    });
    expect(chooseOutput(DEBIAN, 'opus')).toMatchObject({ container: 'webm', audio: 'copy' });
    expect(chooseOutput({ ...DEBIAN, avc: false, vp9: false }, null)).toMatchObject({
      container: 'webm',
      video: 'vp8',
    });
  });

  it('keeps the video when no container can take the audio, and says so', () => {
    const noAudio = { ...ALL, aac: false, opus: false };
    const c = chooseOutput(noAudio, 'mp3')!;
    expect(c).toEqual({ container: 'mp4', video: 'avc', audio: 'none', audioDropped: true });
    expect(describeOutput(c, 'mp3')).toBe(
      'MP4 (H.264 video, no audio: this browser cannot encode MP3 into MP4 or WebM)',
    );
  });

  it('gives up only without any video encoder', () => {
    expect(chooseOutput({ avc: false, vp9: false, vp8: false, aac: true, opus: true }, 'aac')).toBeNull();
  });

  it('tells the user what they get', () => {
    expect(describeOutput(chooseOutput(DEBIAN, 'aac')!, 'aac')).toBe(
      'MP4 (H.264 video, the original AAC audio, unchanged)',
    );
    expect(describeOutput(chooseOutput(DEBIAN, null)!, null)).toBe('MP4 (H.264 video, no audio (the file has none))');
  });
});
