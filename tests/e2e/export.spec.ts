// The export page (export.html) end to end: files made here with ffmpeg from the NASA astronaut photo (public
// domain) go through the browser's detect -> track -> effect -> encode, and the downloads are checked with
// ffprobe/ffmpeg as the CLI tests check theirs.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Rect } from '../../src/core/types';
import { describeFileProblem, type FileProblem } from '../../src/offline/file-problems';
import {
  ASTRONAUT,
  astronautChange,
  detailEnergy,
  ffmpeg,
  greyFrames,
  grown,
  hasExif,
  makeClip,
  probe,
  run,
  withExif,
} from '../../src/cli/test-media';
import { CLIP, expectAnonymizedClip, FACE, video } from './export-checks';
import { screenshot } from './live-helpers';
import { expectLocalOnly, recordRequests } from './network';

/** A face-free corner of the clip: the helmet, bottom right. */
const CORNER: Rect = { x: 120, y: 88, w: 36, h: 28 };

/**
 * The export page on WebGPU by name: on a software adapter `auto` takes whichever backend measures faster, which may
 * differ from run to run; the WebGL2 engine is tested in tests/e2e/webgl.spec.ts and the Firefox tests.
 */
const EXPORT_PAGE = '/export.html?backend=webgpu';

let dir: string;

test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'veil-export-'));
  makeClip(join(dir, 'clip.mp4'), CLIP);
});

test.afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openFile(page: Page, path: string): Promise<void> {
  await page.locator('veil-export [data-control="file"]').setInputFiles(path);
}

async function waitPreview(page: Page): Promise<void> {
  await expect(page.locator('veil-export')).toHaveAttribute('data-phase', 'preview', { timeout: 90_000 });
  await expect(page.locator('veil-export canvas[data-role="preview"]')).toHaveAttribute('data-frame', /\d+/);
}

/** Exports, downloads and saves the result; returns its path. */
async function exportAndSave(page: Page, name: string): Promise<string> {
  await page.locator('veil-export [data-control="export"]').click();
  const link = page.locator('veil-export [data-role="download"]');
  await expect(link).toBeVisible({ timeout: 90_000 });
  // Once on CI a click as soon as the link appeared started no download (the link was shown, its click never became
  // one): a second click, as a user would give, is taken as the same; what the page said is kept for the report.
  for (let attempt = 1; ; attempt++) {
    try {
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), link.click()]);
      const path = join(dir, name);
      await download.saveAs(path);
      return path;
    } catch (e) {
      const href = await link.getAttribute('href').catch(() => null);
      console.warn(`no download after click ${attempt} on ${href}: ${(e as Error).message.split('\n')[0]}`);
      if (attempt === 3) throw e;
    }
  }
}

/** Clicks (or drags between) points given in frame pixels on the preview canvas. */
async function onPreview(page: Page, from: { x: number; y: number }, to = from): Promise<void> {
  const box = (await page.locator('veil-export canvas[data-role="preview"]').boundingBox())!;
  const at = (p: { x: number; y: number }) =>
    [box.x + (p.x / CLIP.width) * box.width, box.y + (p.y / CLIP.height) * box.height] as const;
  await page.mouse.move(...at(from));
  await page.mouse.down();
  await page.mouse.move(...at(to), { steps: 4 });
  await page.mouse.up();
}

test('a clip with audio: every frame, the duration and the audio kept, the face blurred, nothing sent anywhere', async ({
  page,
  baseURL,
}) => {
  test.slow();
  const requests = recordRequests(page);
  await page.goto(EXPORT_PAGE);
  // With the tags a phone writes: where and what.
  const input = join(dir, 'clip-tagged.mp4');
  ffmpeg(
    '-i',
    join(dir, 'clip.mp4'),
    '-c',
    'copy',
    '-metadata',
    'location=+48.8584+002.2945/',
    '-metadata',
    'title=holiday',
    input,
  );
  expect(probe(input).format.tags).toMatchObject({ location: '+48.8584+002.2945/', title: 'holiday' });
  await openFile(page, input);
  await waitPreview(page);
  // Debian's Chromium encodes H.264 but not AAC: the AAC track is copied into MP4 as it is.
  await expect(page.locator('veil-export [data-role="format"]')).toContainText(
    'MP4 (H.264 video, the original AAC audio, unchanged)',
  );
  await expect(page.locator('veil-export [data-control="track"]')).toHaveText(['Face 1: blurred']);
  // As live mode: on this software GPU the decoded frames are converted on the CPU (faster here: the bench's import table).
  await expect(page.locator('veil-export [data-role="status"]')).toContainText('frames converted on the CPU');
  await expect(page.locator('veil-export [data-role="status"]')).toContainText('detector: yunet on wasm');
  await screenshot(page, 'export-preview');
  const output = await exportAndSave(page, 'clip-tagged-veil.mp4');
  // It says how much of the picture it blurred: one face on a small clip, a small share, never the whole frame.
  const done = await page.locator('veil-export [data-role="blurred"]').textContent();
  const [, mean, worst] =
    /blurred ([\d.]+) % of the picture on average \(at most ([\d.]+) %, frame \d+\)/.exec(done ?? '') ?? [];
  expect(Number(mean), done ?? '').toBeGreaterThan(1);
  expect(Number(worst)).toBeLessThan(60);
  await screenshot(page, 'export-done');
  expectAnonymizedClip(input, output, { video: 'h264', audio: 'aac' });
  const tags = Object.keys(probe(output).format.tags ?? {});
  expect(tags.filter((t) => /location|title/.test(t))).toEqual([]);
  expectLocalOnly(requests, new URL(baseURL!).origin);
});

test('a WebM clip with Opus audio comes out as WebM, its Opus copied', async ({ page }) => {
  const input = join(dir, 'clip.webm');
  ffmpeg('-i', join(dir, 'clip.mp4'), '-c:v', 'libvpx-vp9', '-b:v', '0', '-crf', '30', '-c:a', 'libopus', input);
  await page.goto(EXPORT_PAGE);
  await openFile(page, input);
  await waitPreview(page);
  await expect(page.locator('veil-export [data-role="format"]')).toContainText(
    'WEBM (VP9 video, the original OPUS audio, unchanged)',
  );
  expectAnonymizedClip(input, await exportAndSave(page, 'clip-veil.webm'), { video: 'vp9', audio: 'opus' });
});

test('a phone clip stored sideways with rotation metadata is detected and written upright', async ({ page }) => {
  // Frames stored turned a quarter left, with a display rotation that turns them back.
  ffmpeg(
    '-i',
    join(dir, 'clip.mp4'),
    '-vf',
    'transpose=2',
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'copy',
    join(dir, 'side.mp4'),
  );
  const input = join(dir, 'rotated.mp4');
  ffmpeg('-i', join(dir, 'side.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=270', input);
  expect(JSON.stringify(video(probe(input)))).toMatch(/"rotation":\s*-?90/);
  await page.goto(EXPORT_PAGE);
  await openFile(page, input);
  await waitPreview(page);
  const output = await exportAndSave(page, 'rotated-veil.mp4');
  expect(JSON.stringify(video(probe(output)))).not.toMatch(/rotation/);
  expectAnonymizedClip(input, output, { video: 'h264', audio: 'aac' });
});

test('preview edits: a clicked face is shown for the whole clip, a drawn region is always blurred', async ({
  page,
}) => {
  test.slow();
  await page.goto(EXPORT_PAGE);
  const input = join(dir, 'clip.mp4');
  await openFile(page, input);
  await waitPreview(page);
  await page.locator('veil-export [data-control="scrub"]').fill('4');
  await expect(page.locator('veil-export [data-role="frame"]')).toHaveText('frame 5 of 10');
  await onPreview(page, { x: FACE.x + FACE.w / 2, y: FACE.y + FACE.h / 2 });
  await expect(page.locator('veil-export [data-control="track"]')).toHaveText(['Face 1: shown']);
  await onPreview(page, { x: CORNER.x, y: CORNER.y }, { x: CORNER.x + CORNER.w, y: CORNER.y + CORNER.h });
  await expect(page.locator('veil-export [data-control="remove-region"]')).toHaveCount(1);
  await screenshot(page, 'export-edits');
  const output = await exportAndSave(page, 'clip-edited.mp4');

  const inFrames = greyFrames(input, CLIP.width, CLIP.height);
  const outFrames = greyFrames(output, CLIP.width, CLIP.height);
  expect(outFrames).toHaveLength(inFrames.length);
  const inner = grown(CORNER, -0.3);
  for (const i of [0, 5, 9]) {
    const face = detailEnergy(inFrames[i]!, CLIP.width, FACE) / detailEnergy(outFrames[i]!, CLIP.width, FACE);
    expect(face, `frame ${i}: the excluded face keeps its detail (${face.toFixed(2)}x)`).toBeLessThan(2);
    const corner = detailEnergy(inFrames[i]!, CLIP.width, inner) / detailEnergy(outFrames[i]!, CLIP.width, inner);
    expect(corner, `frame ${i}: the region's detail down ${corner.toFixed(1)}x`).toBeGreaterThanOrEqual(3);
  }
});

test('a cut in a clip: the face is blurred up to the cut, and nothing of it is carried into the next shot', async ({
  page,
}) => {
  // One second of the astronaut, then one of the helmet and suit below her (no face), cut straight together.
  const input = join(dir, 'cut-shots.mp4');
  const scale = `scale=${CLIP.width}:${CLIP.height},setsar=1`;
  ffmpeg(
    ...['-loop', '1', '-framerate', String(CLIP.fps), '-t', '1', '-i', ASTRONAUT],
    ...['-loop', '1', '-framerate', String(CLIP.fps), '-t', '1', '-i', ASTRONAUT],
    '-filter_complex',
    `[0]${scale}[a];[1]crop=256:192:256:320,${scale}[b];[a][b]concat=n=2:v=1[v]`,
    ...['-map', '[v]', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', input],
  );
  await page.goto(EXPORT_PAGE);
  await openFile(page, input);
  await waitPreview(page);
  await expect(page.locator('veil-export [data-control="track"]')).toHaveText(['Face 1: blurred']);
  const output = await exportAndSave(page, 'cut-shots-veil.mp4');
  const inFrames = greyFrames(input, CLIP.width, CLIP.height);
  const outFrames = greyFrames(output, CLIP.width, CLIP.height);
  expect(outFrames).toHaveLength(2 * CLIP.fps);
  const kept = (i: number, box: Rect) =>
    detailEnergy(outFrames[i]!, CLIP.width, box) / detailEnergy(inFrames[i]!, CLIP.width, box);
  for (let i = 0; i < inFrames.length; i++) {
    // Before the cut the face is covered; after it, where the face's mask was is the new shot as it came (the
    // re-encode keeps about all of its detail), not a mask held over from the old shot.
    if (i < CLIP.fps) expect(kept(i, FACE), `frame ${i} (first shot): detail kept in the face`).toBeLessThan(0.2);
    else
      expect(kept(i, grown(FACE, 1.3)), `frame ${i} (second shot): detail kept where the face was`).toBeGreaterThan(
        0.7,
      );
  }
});

test('a photo: same format out, upright, face blurred, EXIF and GPS gone', async ({ page }) => {
  // Stored sideways with EXIF orientation 6 (shown upright) and a GPS position.
  ffmpeg('-i', ASTRONAUT, '-vf', 'transpose=2', '-q:v', '2', join(dir, 'sideways.jpg'));
  const input = join(dir, 'portrait.jpg');
  writeFileSync(
    input,
    withExif(readFileSync(join(dir, 'sideways.jpg')), { orientation: 6, gps: { lat: 48.8584, lon: 2.2945 } }),
  );
  expect(hasExif(readFileSync(input))).toBe(true);

  await page.goto(EXPORT_PAGE);
  await openFile(page, input);
  await waitPreview(page);
  await expect(page.locator('veil-export [data-role="format"]')).toContainText('JPEG, without metadata');
  const output = await exportAndSave(page, 'portrait-veil.jpg');

  expect(hasExif(readFileSync(output))).toBe(false);
  expect(String(run('ffprobe', ['-v', 'error', '-show_frames', output]).stdout)).not.toMatch(/GPS/);
  expect(probe(output).streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 512, height: 512 });
  const { faceDetailDrop, diffAway } = astronautChange(output);
  expect(faceDetailDrop, `detail in the face down ${faceDetailDrop.toFixed(1)}x`).toBeGreaterThanOrEqual(5);
  // Upright: away from the face it is the original photo (a sideways output would differ everywhere).
  expect(diffAway).toBeLessThan(4);
});

interface BadCase {
  name: string;
  /** Makes the file in `dir`; returns its path. */
  make: () => string;
  error: string;
  message: RegExp;
}

const cut = (from: string, to: string, fraction: number) => {
  const bytes = readFileSync(join(dir, from));
  writeFileSync(join(dir, to), bytes.subarray(0, Math.floor(bytes.length * fraction)));
  return join(dir, to);
};

const BAD: BadCase[] = [
  {
    name: 'empty',
    error: 'empty',
    message: /empty\.mp4 is empty \(0 bytes\)/,
    make: () => {
      writeFileSync(join(dir, 'empty.mp4'), '');
      return join(dir, 'empty.mp4');
    },
  },
  {
    name: 'not a video',
    error: 'not-media',
    message: /notes\.mp4 is not a video or photo/,
    make: () => {
      writeFileSync(join(dir, 'notes.mp4'), 'hello, not a video\n');
      return join(dir, 'notes.mp4');
    },
  },
  {
    name: 'truncated (index at the end)',
    error: 'truncated',
    message: /cut\.mp4 is truncated or damaged/,
    make: () => cut('clip.mp4', 'cut.mp4', 0.6),
  },
  {
    name: 'truncated (index first)',
    error: 'truncated',
    message: /cut-fast\.mp4 is truncated or damaged/,
    make: () => {
      ffmpeg('-i', join(dir, 'clip.mp4'), '-c', 'copy', '-movflags', '+faststart', join(dir, 'fast.mp4'));
      return cut('fast.mp4', 'cut-fast.mp4', 0.6);
    },
  },
  {
    name: 'truncated photo',
    error: 'truncated',
    message: /cut\.jpg is truncated or damaged \(its JPEG data ends early\)/,
    make: () => {
      writeFileSync(join(dir, 'cut.jpg'), readFileSync(ASTRONAUT).subarray(0, 20_000));
      return join(dir, 'cut.jpg');
    },
  },
  {
    name: 'unsupported codec',
    error: 'unsupported-codec',
    message: /mpeg4\.mp4: this browser cannot decode its video/,
    make: () => {
      ffmpeg('-f', 'lavfi', '-i', 'testsrc=s=160x120:d=0.5', '-c:v', 'mpeg4', join(dir, 'mpeg4.mp4'));
      return join(dir, 'mpeg4.mp4');
    },
  },
  {
    name: 'zero frames',
    error: 'no-frames',
    message: /empty\.mp4 has no video frames/,
    make: () => {
      ffmpeg('-f', 'lavfi', '-i', 'color=c=red:s=64x48', '-frames:v', '0', join(dir, 'empty.mp4'));
      return join(dir, 'empty.mp4');
    },
  },
  {
    name: 'audio only',
    error: 'no-frames',
    message: /tone\.m4a has no video frames, only audio/,
    make: () => {
      ffmpeg('-f', 'lavfi', '-i', 'sine', '-t', '0.5', join(dir, 'tone.m4a'));
      return join(dir, 'tone.m4a');
    },
  },
  {
    name: '8K',
    error: 'too-large',
    message: /eight-k\.mp4 is 7680x4320: larger than this page handles/,
    make: () => {
      ffmpeg(
        '-f',
        'lavfi',
        '-i',
        'color=c=gray:s=7680x4320',
        '-frames:v',
        '1',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-pix_fmt',
        'yuv420p',
        join(dir, 'eight-k.mp4'),
      );
      return join(dir, 'eight-k.mp4');
    },
  },
  {
    name: 'unsupported format',
    error: 'unsupported-format',
    message: /photo\.gif: GIF images are not supported/,
    make: () => {
      ffmpeg('-i', ASTRONAUT, join(dir, 'photo.gif'));
      return join(dir, 'photo.gif');
    },
  },
];

test('each bad file gets its message, and nothing is offered for download', async ({ page }) => {
  test.slow();
  await page.goto(EXPORT_PAGE);
  for (const c of BAD) {
    await openFile(page, c.make());
    const error = page.locator('veil-export [data-role="error"]');
    // The message names the file, so an earlier case's message cannot pass for this one's.
    await expect.soft(error, c.name).toContainText(c.message, { timeout: 60_000 });
    await expect.soft(error, c.name).toHaveAttribute('data-error', c.error);
    await expect(page.locator('veil-export [data-role="download"]'), c.name).toHaveCount(0);
    await expect(page.locator('veil-export canvas[data-role="preview"]'), c.name).toHaveCount(0);
  }
  await screenshot(page, 'export-error');
});

/**
 * Drops `path` on the page as a file that changed on disk after it was picked. The browser then refuses to read it,
 * as it refuses a file whose read permission was taken away; a test running as root cannot take that from itself.
 */
async function dropChangedFile(page: Page, path: string): Promise<void> {
  const picker = await page.evaluateHandle(() => Object.assign(document.createElement('input'), { type: 'file' }));
  await picker.setInputFiles(path);
  // Chromium records a picked file's size and modification time the first time either is asked for, and checks a
  // read against them only once recorded: ask now, before the change, or the read could see the changed file as
  // the one picked and succeed.
  await picker.evaluate((input) => [input.files![0]!.size, input.files![0]!.lastModified]);
  appendFileSync(path, 'written after it was picked');
  // The browser tells a changed file by its modification time; an append within the same tick of the clock it
  // keeps would go unseen (the read then succeeds): move the time well away from the one it recorded.
  const later = new Date(Date.now() + 60_000);
  utimesSync(path, later, later);
  await page.locator('veil-export [data-role="drop"]').evaluate((drop, input) => {
    const data = new DataTransfer();
    data.items.add(input.files![0]!);
    drop.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, picker);
}

interface UnusableCase {
  name: string;
  /** Makes the file in `dir`, gives it to the page. */
  give: (page: Page) => Promise<void>;
  problem: FileProblem;
  /** What the page says happened. */
  title: RegExp;
}

const UNUSABLE: UnusableCase[] = [
  {
    name: 'zero.mp4',
    problem: { kind: 'empty' },
    title: /^zero\.mp4 is empty \(0 bytes\)\.$/,
    give: async (page) => {
      writeFileSync(join(dir, 'zero.mp4'), '');
      await openFile(page, join(dir, 'zero.mp4'));
    },
  },
  {
    name: 'half.mp4',
    problem: { kind: 'truncated', detail: '' },
    title: /^half\.mp4 is truncated or damaged \(.+\)\.$/,
    give: (page) => openFile(page, cut('clip.mp4', 'half.mp4', 0.5)),
  },
  {
    name: 'random.mp4',
    problem: { kind: 'not-media' },
    title: /^random\.mp4 is not a video or photo\.$/,
    give: async (page) => {
      const blocks: Buffer[] = [];
      for (let h = Buffer.from('veil'); blocks.length < 2048; )
        blocks.push((h = createHash('sha256').update(h).digest()));
      writeFileSync(join(dir, 'random.mp4'), Buffer.concat(blocks));
      await openFile(page, join(dir, 'random.mp4'));
    },
  },
  {
    name: 'changed.mp4',
    problem: { kind: 'unreadable', detail: '' },
    title:
      /^changed\.mp4 cannot be read \(the browser was refused it: permission denied, or it changed after it was picked\)\.$/,
    give: async (page) => {
      writeFileSync(join(dir, 'changed.mp4'), readFileSync(join(dir, 'clip.mp4')));
      await dropChangedFile(page, join(dir, 'changed.mp4'));
    },
  },
];

test("empty, truncated, random and unreadable files: each its own message, in the CLI's words", async ({ page }) => {
  await page.goto(EXPORT_PAGE);
  for (const c of UNUSABLE) {
    await c.give(page);
    const error = page.locator('veil-export [data-role="error"]');
    await expect(error, c.name).toHaveAttribute('data-error', c.problem.kind, { timeout: 60_000 });
    await expect(error.locator('strong'), c.name).toHaveText(c.title);
    // What to do, word for word as the CLI prints it (src/offline/file-problems.ts).
    await expect(error, c.name).toContainText(describeFileProblem(c.name, c.problem).action);
    await expect(page.locator('veil-export [data-role="download"]'), c.name).toHaveCount(0);
    await expect(page.locator('veil-export canvas[data-role="preview"]'), c.name).toHaveCount(0);
  }
});

test('progress while working; cancel (searching or exporting) leaves nothing behind, and the page goes on', async ({
  page,
}) => {
  test.slow();
  // Long enough that neither pass can finish between the progress check and the click (10 frames once did).
  const long = join(dir, 'long.mp4');
  makeClip(long, { ...CLIP, seconds: 12 });
  await page.goto(EXPORT_PAGE);
  await openFile(page, long);
  await expect(page.locator('veil-export [data-role="progress-text"]')).toHaveText(
    /^Finding faces: \d+ of 120 frames · \d+\.\d fps · (\d+:\d\d|-:--) left$/,
  );
  await page.locator('veil-export [data-control="cancel"]').click();
  await expect(page.locator('veil-export [data-role="notice"]')).toHaveText('Canceled. Nothing was written.');
  await expect(page.locator('veil-export')).toHaveAttribute('data-phase', 'idle');
  await expect(page.locator('veil-export [data-role="download"]')).toHaveCount(0);
  await openFile(page, long);
  await waitPreview(page);
  // And while exporting: back to the preview, no download.
  await page.locator('veil-export [data-control="export"]').click();
  await expect(page.locator('veil-export [data-role="progress-text"]')).toContainText('Anonymizing and encoding');
  await page.locator('veil-export [data-control="cancel"]').click();
  await expect(page.locator('veil-export [data-role="notice"]')).toHaveText('Canceled. Nothing was written.');
  await waitPreview(page);
  await expect(page.locator('veil-export [data-role="download"]')).toHaveCount(0);
});
