// End to end: the built CLI (bin/veil.mjs, as `npx veil` runs it) on inputs made here with ffmpeg from the
// NASA astronaut photo (public domain). Dawn runs on SwiftShader where there is no GPU.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFileProblem, type FileProblem } from '../offline/file-problems';
import type { BoxesFile } from './boxes-json';
import {
  ASTRONAUT,
  ASTRONAUT_FACE,
  astronautChange,
  detailEnergy,
  ffmpeg,
  greyFrames,
  grown,
  hasExif,
  makeClip,
  meanDiffOutside,
  probe,
  run,
  scaled,
  withExif,
} from './test-media';

const CLIP = { seconds: 1, fps: 10, width: 160, height: 120, audio: true };
const SLOW = 180_000;
let dir: string;

type Run = { status: number | null; stdout: string; stderr: string };

/** Runs veil as another user (`uid`, `gid`), or as this one. */
function veilAs(user: { uid?: number; gid?: number }, ...args: string[]): Run {
  // Built once in beforeAll: a source edited meanwhile does not rebuild it in the middle of the tests.
  const env = { ...process.env, VEIL_BUILD: dir ? 'never' : 'auto' };
  const r = spawnSync(process.execPath, ['bin/veil.mjs', ...args], { encoding: 'utf8', env, ...user });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const veil = (...args: string[]): Run => veilAs({}, ...args);

/** The GPS tags ffmpeg's own EXIF reader finds in a photo. */
function gpsTags(path: string): string[] {
  return String(run('ffprobe', ['-v', 'error', '-show_frames', path]).stdout)
    .split('\n')
    .filter((l) => /TAG:GPS/.test(l));
}

beforeAll(() => {
  // Builds dist-cli/veil.js if it is missing or stale, so the runs below time the CLI, not the build.
  expect(veil('--version').stdout).toMatch(/^veil \d/);
  dir = mkdtempSync(join(tmpdir(), 'veil-cli-'));
  makeClip(join(dir, 'clip.mp4'), CLIP);
}, SLOW);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('veil anonymize (video)', () => {
  it(
    'keeps every frame, the duration and the audio, blurs the face, and writes --boxes',
    () => {
      const input = join(dir, 'clip.mp4');
      const output = join(dir, 'clip-out.mp4');
      const boxes = join(dir, 'clip-boxes.json');
      const r = veil('anonymize', input, '-o', output, '--boxes', boxes);
      expect(r.stderr).toMatch(/detect .*10\/10 frames .* fps {2}ETA/);
      expect(r.stderr).toMatch(/render .*10\/10 frames/);
      expect(r.status, r.stderr).toBe(0);

      // Plays: decodes with no error at all.
      const decode = run('ffmpeg', ['-v', 'error', '-nostdin', '-i', output, '-f', 'null', '-']);
      expect(decode.status).toBe(0);
      expect(decode.stderr).toBe('');
      const before = probe(input, true);
      const after = probe(output, true);
      const video = (p: typeof before) => p.streams.find((s) => s.codec_type === 'video')!;
      expect(video(after).codec_name).toBe('h264');
      expect(video(after).nb_read_frames).toBe(video(before).nb_read_frames);
      expect(Math.abs(Number(video(after).duration) - Number(video(before).duration))).toBeLessThanOrEqual(
        1 / CLIP.fps,
      );
      expect(after.streams.filter((s) => s.codec_type === 'audio').map((s) => s.codec_name)).toEqual(['aac']);

      const { width, height } = CLIP;
      const face = scaled(ASTRONAUT_FACE, width / 512, height / 512);
      const inFrames = greyFrames(input, width, height);
      const outFrames = greyFrames(output, width, height);
      expect(outFrames).toHaveLength(inFrames.length);
      for (const i of [0, 5, 9]) {
        const ratio = detailEnergy(inFrames[i]!, width, face) / detailEnergy(outFrames[i]!, width, face);
        expect(ratio, `frame ${i}: detail in the face down ${ratio.toFixed(1)}x`).toBeGreaterThanOrEqual(5);
        // Away from the face, only the re-encode changes pixels.
        expect(meanDiffOutside(inFrames[i]!, outFrames[i]!, width, grown(face, 1.2))).toBeLessThan(4);
      }

      const json = JSON.parse(readFileSync(boxes, 'utf8')) as BoxesFile;
      expect(json).toMatchObject({
        width,
        height,
        fps: CLIP.fps,
        frame_count: 10,
        mask: { shape: 'ellipse', scale: 1.3 },
      });
      expect(json.frames).toHaveLength(10);
      // One face on a 160x120 clip: its ellipse blurs a few percent of the picture, and the summary says so.
      expect(json.blurred.mean).toBeGreaterThan(0.01);
      expect(json.blurred.worst).toBeLessThan(0.5);
      expect(json.blurred.worst).toBeGreaterThanOrEqual(json.blurred.mean);
      expect(r.stdout).toContain(`blurred ${(100 * json.blurred.mean).toFixed(1)} % of the picture on average`);
      for (const f of json.frames) {
        expect(f.faces).toHaveLength(1);
        const [x, y, w, h] = f.faces[0]!;
        // The mask's box holds the face's centre.
        expect(
          x! < face.x + face.w / 2 &&
            face.x + face.w / 2 < x! + w! &&
            y! < face.y + face.h / 2 &&
            face.y + face.h / 2 < y! + h!,
        ).toBe(true);
        expect(f.detections[0]).toHaveLength(5);
      }
      expect(readdirSync(dir).filter((f) => f.includes('.veil-'))).toEqual([]);
    },
    SLOW,
  );
});

describe('veil anonymize (folder of photos)', () => {
  it(
    'writes the same names, upright, with EXIF and GPS stripped and the face blurred',
    () => {
      // The photo stored sideways with EXIF orientation 6 (shown upright) and a GPS position.
      const photos = join(dir, 'photos');
      mkdirSync(join(photos, 'trip'), { recursive: true });
      ffmpeg('-i', ASTRONAUT, '-vf', 'transpose=2', '-q:v', '2', join(dir, 'sideways.jpg'));
      const input = join(photos, 'trip', 'portrait.jpg');
      writeFileSync(
        input,
        withExif(readFileSync(join(dir, 'sideways.jpg')), { orientation: 6, gps: { lat: 48.8584, lon: 2.2945 } }),
      );
      writeFileSync(join(photos, 'notes.txt'), 'not a photo');
      expect(gpsTags(input).length).toBeGreaterThan(0);

      const out = join(dir, 'photos-out');
      const r = veil('anonymize', photos, '-o', out);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/skipping 1 file/);
      expect(readdirSync(out, { recursive: true }).map(String).sort()).toEqual(['trip', join('trip', 'portrait.jpg')]);

      const output = join(out, 'trip', 'portrait.jpg');
      expect(hasExif(readFileSync(output))).toBe(false);
      expect(gpsTags(output)).toEqual([]);
      expect(probe(output).streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 512, height: 512 });
      const { faceDetailDrop, diffAway } = astronautChange(output);
      expect(faceDetailDrop, `detail in the face down ${faceDetailDrop.toFixed(1)}x`).toBeGreaterThanOrEqual(5);
      // Upright: away from the face it is the original photo (a sideways output would differ everywhere).
      expect(diffAway).toBeLessThan(4);
    },
    SLOW,
  );
});

describe('veil anonymize (effects)', () => {
  it(
    'passes --effect, --color and --mask through: a PNG face covered by a solid box',
    () => {
      const input = join(dir, 'portrait.png');
      ffmpeg('-i', ASTRONAUT, input);
      const output = join(dir, 'portrait-solid.png');
      const r = veil(
        'anonymize',
        input,
        '-o',
        output,
        '--effect',
        'solid',
        '--color',
        '255,0,255',
        '--mask',
        'box',
        '-q',
      );
      expect(r.status, r.stderr).toBe(0);
      expect(probe(output).streams[0]).toMatchObject({ codec_name: 'png', width: 512, height: 512, pix_fmt: 'rgb24' });
      const rgb = run('ffmpeg', ['-v', 'error', '-i', output, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']).stdout;
      // The middle half of the face box is all fill.
      const { x, y, w, h } = ASTRONAUT_FACE;
      for (let py = Math.round(y + h / 4); py < y + (3 * h) / 4; py++) {
        for (let px = Math.round(x + w / 4); px < x + (3 * w) / 4; px++) {
          const i = (py * 512 + px) * 3;
          expect([rgb[i], rgb[i + 1], rgb[i + 2]], `pixel ${px},${py}`).toEqual([255, 0, 255]);
        }
      }
    },
    SLOW,
  );
});

interface BadCase {
  name: string;
  /** Makes the input in `dir`; returns the CLI arguments after `anonymize`. */
  make: () => string[];
  message: RegExp;
}

const BAD: BadCase[] = [
  {
    // The export page says the same (describeFileProblem): an empty file is a copy that never finished, not a format.
    name: 'empty',
    message:
      /empty\.mp4: the file is empty \(0 bytes\)\. There is nothing in it to anonymize: it was probably not copied/,
    make: () => {
      writeFileSync(join(dir, 'empty.mp4'), '');
      return [join(dir, 'empty.mp4')];
    },
  },
  {
    name: 'not a video',
    message: /notes\.mp4: the file is not a video or photo \(ffprobe: Invalid data found/,
    make: () => {
      writeFileSync(join(dir, 'notes.mp4'), 'hello, not a video\n');
      return [join(dir, 'notes.mp4')];
    },
  },
  {
    name: 'truncated (index at the end)',
    message: /cut\.mp4: the file is truncated or damaged \(its index \(moov\) is missing/,
    make: () => {
      const bytes = readFileSync(join(dir, 'clip.mp4'));
      writeFileSync(join(dir, 'cut.mp4'), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      return [join(dir, 'cut.mp4')];
    },
  },
  {
    name: 'truncated (index first)',
    message: /cut-fast\.mp4: the file is truncated or damaged \(\d of 10 frames decoded; ffmpeg: .*partial file/,
    make: () => {
      ffmpeg('-i', join(dir, 'clip.mp4'), '-c', 'copy', '-movflags', '+faststart', join(dir, 'fast.mp4'));
      const bytes = readFileSync(join(dir, 'fast.mp4'));
      writeFileSync(join(dir, 'cut-fast.mp4'), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      return [join(dir, 'cut-fast.mp4')];
    },
  },
  {
    name: 'truncated photo',
    message: /cut\.jpg: the file is truncated or damaged \(ffmpeg: /,
    make: () => {
      writeFileSync(join(dir, 'cut.jpg'), readFileSync(ASTRONAUT).subarray(0, 20_000));
      return [join(dir, 'cut.jpg')];
    },
  },
  {
    name: 'zero frames',
    message: /empty\.mp4: has no video frames/,
    make: () => {
      ffmpeg('-f', 'lavfi', '-i', 'color=c=red:s=64x48', '-frames:v', '0', join(dir, 'empty.mp4'));
      return [join(dir, 'empty.mp4')];
    },
  },
  {
    name: 'audio only',
    message: /tone\.m4a: has no video frames, only audio/,
    make: () => {
      ffmpeg('-f', 'lavfi', '-i', 'sine', '-t', '0.5', join(dir, 'tone.m4a'));
      return [join(dir, 'tone.m4a'), '-o', join(dir, 'tone-out.mp4')];
    },
  },
  {
    name: 'unsupported photo format',
    message: /photo\.bmp: BMP photos are not supported \(JPEG, PNG and WebP are\)/,
    make: () => {
      ffmpeg('-i', ASTRONAUT, join(dir, 'photo.bmp'));
      return [join(dir, 'photo.bmp')];
    },
  },
  {
    name: 'output folder missing',
    message: /no\/such\/folder\/out\.mp4: cannot write here: the folder .* does not exist/,
    make: () => [join(dir, 'clip.mp4'), '-o', join(dir, 'no', 'such', 'folder', 'out.mp4')],
  },
  {
    name: 'output type',
    message: /clip\.txt: a video is written as \.mp4, .*not \.txt/,
    make: () => [join(dir, 'clip.mp4'), '-o', join(dir, 'clip.txt')],
  },
  {
    name: 'missing input',
    message: /nothing-here\.mp4: no such file or folder/,
    make: () => [join(dir, 'nothing-here.mp4')],
  },
];

interface UnusableCase {
  name: string;
  /** Makes the input in `dir`; returns its path. */
  make: () => string;
  problem: FileProblem;
  /** What the message says happened, after the path. */
  title: RegExp;
}

/** The same bytes on every run: random data that no reader should take for media. */
const randomBytes = (n: number) => {
  const blocks: Buffer[] = [];
  for (let h = Buffer.from('veil'); blocks.length * 32 < n; )
    blocks.push((h = createHash('sha256').update(h).digest()));
  return Buffer.concat(blocks).subarray(0, n);
};

// Root reads any file whatever its mode, so as root the unreadable case runs veil as nobody.
const ROOT = process.getuid?.() === 0;
const NOBODY = ROOT ? { uid: 65534, gid: 65534 } : {};

const UNUSABLE: UnusableCase[] = [
  {
    name: 'empty',
    problem: { kind: 'empty' },
    title: /the file is empty \(0 bytes\)\./,
    make: () => {
      writeFileSync(join(dir, 'zero.mp4'), '');
      return join(dir, 'zero.mp4');
    },
  },
  {
    name: 'a video cut in half',
    problem: { kind: 'truncated', detail: '' },
    title: /the file is truncated or damaged \(its index \(moov\) is missing: it ends early\)\./,
    make: () => {
      const bytes = readFileSync(join(dir, 'clip.mp4'));
      writeFileSync(join(dir, 'half.mp4'), bytes.subarray(0, bytes.length >> 1));
      return join(dir, 'half.mp4');
    },
  },
  {
    name: 'random bytes',
    problem: { kind: 'not-media' },
    title: /the file is not a video or photo \(ffprobe: Invalid data found when processing input\)\./,
    make: () => {
      writeFileSync(join(dir, 'random.mp4'), randomBytes(64 << 10));
      return join(dir, 'random.mp4');
    },
  },
  {
    name: 'no read permission',
    problem: { kind: 'unreadable', detail: '' },
    title: /the file cannot be read \(permission denied\)\./,
    make: () => {
      copyFileSync(join(dir, 'clip.mp4'), join(dir, 'locked.mp4'));
      chmodSync(join(dir, 'locked.mp4'), 0o000);
      // nobody must reach the file to be refused it, and the output beside it.
      if (ROOT) chmodSync(dir, 0o711);
      return join(dir, 'locked.mp4');
    },
  },
];

describe('veil anonymize (empty, truncated and unreadable files)', () => {
  it.each(UNUSABLE)(
    "$name: its own message, in the export page's words; an existing output is left as it was",
    ({ name, make, problem, title }) => {
      const input = make();
      const output = join(dir, `kept-${name.replace(/\W+/g, '-')}.mp4`);
      writeFileSync(output, 'an earlier result');
      const before = new Set(readdirSync(dir));
      const r =
        problem.kind === 'unreadable'
          ? veilAs(NOBODY, 'anonymize', input, '-o', output)
          : veil('anonymize', input, '-o', output);
      expect(r.status, r.stderr).toBe(2);
      const [line, ...more] = r.stderr.trim().split('\n');
      expect(more, r.stderr).toEqual([]);
      expect(line!.startsWith(`veil: ${input}: `), line).toBe(true);
      expect(line).toMatch(title);
      // The words the export page shows for the same problem (src/offline/file-problems.ts).
      expect(line!.endsWith(` ${describeFileProblem('the file', problem).action}`), line).toBe(true);
      expect(readFileSync(output, 'utf8')).toBe('an earlier result');
      expect(readdirSync(dir).filter((f) => !before.has(f))).toEqual([]);
    },
    SLOW,
  );
});

describe('veil anonymize (bad inputs)', () => {
  it.each(BAD)(
    '$name: one message, exit 2, nothing written',
    ({ make, message }) => {
      const before = new Set(readdirSync(dir));
      const args = make();
      const made = readdirSync(dir).filter((f) => !before.has(f));
      const r = veil('anonymize', ...args, '-q');
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stdout).toBe('');
      // No output and no temporary file: only the inputs this case made are new.
      expect(readdirSync(dir).filter((f) => !before.has(f) && !made.includes(f))).toEqual([]);
    },
    SLOW,
  );

  it('rejects a bad command line with exit 2', () => {
    copyFileSync(join(dir, 'clip.mp4'), join(dir, 'c.mp4'));
    const r = veil('anonymize', join(dir, 'c.mp4'), '--blur', '3');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown option --blur/);
    expect(veil('anonymize', join(dir, 'c.mp4'), '--threshold', '2').stderr).toMatch(
      /--threshold 2: expected a number from/,
    );
  });
});
