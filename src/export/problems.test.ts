import { describe, expect, it } from 'vitest';
import { GpuUnavailableError } from '../gpu/device';
import { describeFileProblem, type FileProblem } from '../offline/file-problems';
import { checkDuration, checkFrameSize } from './limits';
import { describeProblem, ExportProblem, toProblem, type Problem } from './problems';

const problemOf = (f: () => void): Problem => {
  try {
    f();
  } catch (e) {
    return toProblem(e);
  }
  throw new Error('did not throw');
};

describe('problems', () => {
  it('says what happened and what to do, naming the file', () => {
    const cases: [Problem, RegExp, RegExp][] = [
      [{ kind: 'empty', name: 'clip.mp4' }, /clip\.mp4 is empty \(0 bytes\)/, /not copied or downloaded completely/],
      [{ kind: 'not-media', name: 'notes.mp4' }, /notes\.mp4 is not a video or photo\./, /opens in a media player/],
      [
        { kind: 'truncated', name: 'a.mp4', detail: '12 of 30 frames decoded' },
        /a\.mp4 is truncated or damaged \(12 of 30/,
        /complete file/,
      ],
      [
        { kind: 'unsupported-codec', name: 'a.mp4', codec: 'mp4v' },
        /cannot decode its video \(mp4v\)/,
        /ffmpeg .*libx264/,
      ],
      [{ kind: 'no-frames', name: 'a.m4a', audioOnly: true }, /has no video frames, only audio/, /pick a video/],
      [
        { kind: 'too-large', name: 'a.mp4', width: 7680, height: 4320, max: 'video up to 4K, 4096x2160' },
        /7680x4320.*4K/,
        /scale=/,
      ],
      [{ kind: 'too-long', name: 'a.mp4', seconds: 3600, maxSeconds: 1800 }, /1:00:00 long.*30:00/, /npx veil/],
    ];
    for (const [p, title, action] of cases) {
      const text = describeProblem(p);
      expect(text.title).toMatch(title);
      expect(text.action).toMatch(action);
    }
  });

  it('tells an empty, cut-off, unknown or unreadable file in the same words as the CLI, each its own', () => {
    const cases: (FileProblem & { name: string })[] = [
      { kind: 'empty', name: 'a.mp4' },
      { kind: 'truncated', name: 'a.mp4', detail: 'its index (moov) is missing: it ends early' },
      { kind: 'not-media', name: 'a.mp4' },
      { kind: 'unreadable', name: 'a.mp4', detail: 'it was moved or deleted after it was picked' },
    ];
    const texts = cases.map((p) => describeProblem(p));
    expect(texts).toEqual(cases.map((p) => describeFileProblem(p.name, p)));
    expect(new Set(texts.map((t) => t.action)).size).toBe(cases.length);
    expect(texts[3]!.title).toBe('a.mp4 cannot be read (it was moved or deleted after it was picked).');
    expect(texts[3]!.action).toMatch(/allowed to read it/);
  });

  it('keeps a problem through a throw, and turns anything else into failed', () => {
    expect(toProblem(new ExportProblem({ kind: 'cannot-encode' }))).toEqual({ kind: 'cannot-encode' });
    expect(toProblem(new Error('boom'))).toEqual({ kind: 'failed', detail: 'boom' });
    const noGpu = toProblem(new GpuUnavailableError('no-webgpu', 'navigator.gpu is missing'));
    expect(noGpu).toEqual({ kind: 'setup', error: { kind: 'no-webgpu', detail: 'navigator.gpu is missing' } });
    expect(describeProblem(noGpu).title).toMatch(/no WebGPU/);
  });
});

describe('limits', () => {
  it('takes 4K video, refuses 8K, and any frame the GPU cannot hold', () => {
    expect(() => checkFrameSize('a', 3840, 2160, 8192, 'video')).not.toThrow();
    expect(problemOf(() => checkFrameSize('a', 7680, 4320, 8192, 'video'))).toMatchObject({
      kind: 'too-large',
      width: 7680,
    });
    expect(() => checkFrameSize('a', 7680, 4320, 8192, 'photo')).not.toThrow();
    expect(problemOf(() => checkFrameSize('a', 9000, 6000, 8192, 'photo'))).toMatchObject({
      max: 'this GPU takes 8192 px a side',
    });
  });

  it('refuses clips longer than the page keeps in memory', () => {
    expect(() => checkDuration('a', 600)).not.toThrow();
    expect(problemOf(() => checkDuration('a', 7200))).toMatchObject({ kind: 'too-long' });
  });
});
