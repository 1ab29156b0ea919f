import type { OfflineFace } from '../offline/offline-track';
import type { EffectOptions } from '../offline/effect-params';
import { effectParams } from '../offline/effect-params';
import type { FileEngine, FrameImage } from '../offline/frame-engine';
import type { RgbaImage } from '../core/types';
import { planTracks, type FrameProgress, type TrackPlan } from './detect-pass';
import { frameMasks, type Edits, type MaskStyle } from './edits';
import { blurredShare, summarizeBlurred, type BlurredSummary } from '../render/mask-area';
import { SNIFF_BYTES, sniffFile } from './file-kind';
import { readBytes } from './file-read';
import { chooseOutput, describeOutput, type OutputChoice } from './output-choice';
import { encodePhoto, openPhoto, PHOTO_EXTENSION, type PhotoInput } from './photo-export';
import { ExportProblem } from './problems';
import { encodeSupport, exportVideo } from './video-export';
import { FrameSeeker, openVideo, type VideoInput } from './video-input';

/** How faces are covered: the effect, and the masks' size and shape. */
export type Look = EffectOptions & MaskStyle;

/** A file read, checked and analysed: every frame's faces known, ready for preview and export. */
export type OpenedMedia =
  | { kind: 'video'; video: VideoInput; plan: TrackPlan; seeker: FrameSeeker; choice: OutputChoice; output: string }
  | { kind: 'photo'; photo: PhotoInput; faces: OfflineFace[]; output: string };

export interface Steps {
  /** Called once the file is known good, before the long detection pass. */
  checked: (m: { kind: 'video' | 'photo'; frames: number; output: string }) => void;
  progress: FrameProgress;
  signal: AbortSignal;
}

const hasWebCodecs = () => typeof VideoDecoder === 'function' && typeof VideoEncoder === 'function';

/** Sniffs, checks and analyses a file; throws ExportProblem for a bad one. */
export async function openMedia(file: File, engine: FileEngine, steps: Steps): Promise<OpenedMedia> {
  if (file.size === 0) throw new ExportProblem({ kind: 'empty', name: file.name });
  const sniffed = sniffFile(await readBytes(file, 0, SNIFF_BYTES));
  switch (sniffed.kind) {
    case 'unknown':
      throw new ExportProblem({ kind: 'not-media', name: file.name });
    case 'unsupported':
      throw new ExportProblem({ kind: 'unsupported-format', name: file.name, what: sniffed.what });
    case 'photo': {
      const photo = await openPhoto(file, sniffed.format, engine.maxSide);
      const output = `${sniffed.format.toUpperCase()}, without metadata`;
      steps.checked({ kind: 'photo', frames: 1, output });
      // A photo has no time to track over: each detection is its own face.
      const faces = (await engine.detect(photoImage(photo), 'photo')).map((d, i) => ({ track: i + 1, box: d.box }));
      steps.progress(1, 1);
      return { kind: 'photo', photo, faces, output };
    }
    case 'video': {
      if (!hasWebCodecs()) throw new ExportProblem({ kind: 'no-webcodecs' });
      const video = await openVideo(file, sniffed.container, engine.maxSide);
      const choice = chooseOutput(await encodeSupport(video.width, video.height), video.audioCodec);
      if (!choice) throw new ExportProblem({ kind: 'cannot-encode' });
      const output = describeOutput(choice, video.audioCodec);
      steps.checked({ kind: 'video', frames: video.frames, output });
      const plan = await planTracks(video, engine, steps.progress, steps.signal);
      return { kind: 'video', video, plan, seeker: new FrameSeeker(video), choice, output };
    }
  }
}

const photoImage = (p: PhotoInput): FrameImage => ({ source: p.bitmap, width: p.width, height: p.height });

export function frameCount(m: OpenedMedia): number {
  return m.kind === 'video' ? m.plan.faces.length : 1;
}

export function facesOn(m: OpenedMedia, frame: number): readonly OfflineFace[] {
  return m.kind === 'video' ? (m.plan.faces[frame] ?? []) : m.faces;
}

export function frameSize(m: OpenedMedia): { width: number; height: number } {
  return m.kind === 'video' ? m.video : m.photo;
}

/**
 * Frame `frame` as the export will draw it, except that excluded faces are outlined: the preview. Null when the
 * decoder has no frame there. Never the raw frame: the picture only ever comes out of AnonymizePass.
 */
export async function renderPreview(
  m: OpenedMedia,
  frame: number,
  edits: Edits,
  engine: FileEngine,
  look: Look,
): Promise<RgbaImage | null> {
  const masks = frameMasks(facesOn(m, frame), edits, look, 'preview');
  if (m.kind === 'photo') return engine.render(photoImage(m.photo), effectParams(masks, look));
  const decoded = await m.seeker.frameAt(m.plan.timestamps[frame]!);
  if (!decoded) return null;
  return engine.render(
    { source: decoded.canvas, width: m.video.width, height: m.video.height },
    effectParams(masks, look),
  );
}

export interface Exported {
  blob: Blob;
  filename: string;
  /** How much of the picture the export blurred. */
  blurred: BlurredSummary;
}

const baseName = (name: string) => name.replace(/\.[^.]*$/, '') || 'file';

export async function exportMedia(
  m: OpenedMedia,
  edits: Edits,
  engine: FileEngine,
  look: Look,
  progress: FrameProgress,
  signal: AbortSignal,
): Promise<Exported> {
  const size = frameSize(m);
  const shares: number[] = [];
  // Each frame's masks, and the share of the picture they blur (excluded faces are drawn, not blurred).
  const masksOf = (faces: readonly OfflineFace[], i: number) => {
    const masks = frameMasks(faces, edits, look, 'export');
    shares[i] = blurredShare(
      masks.filter((mask) => !mask.excluded),
      size,
    );
    return masks;
  };
  if (m.kind === 'photo') {
    const out = await engine.render(photoImage(m.photo), effectParams(masksOf(m.faces, 0), look));
    const blob = await encodePhoto(out, m.photo.format);
    progress(1, 1);
    return {
      blob,
      filename: `${baseName(m.photo.name)}-veil.${PHOTO_EXTENSION[m.photo.format]}`,
      blurred: summarizeBlurred(shares),
    };
  }
  const blob = await exportVideo({
    video: m.video,
    choice: m.choice,
    engine,
    effect: look,
    frames: m.plan.faces.length,
    masksFor: (i) => masksOf(m.plan.faces[i]!, i),
    progress,
    signal,
  });
  return {
    blob,
    filename: `${baseName(m.video.name)}-veil.${m.choice.container}`,
    blurred: summarizeBlurred(Array.from(m.plan.faces, (_, i) => shares[i] ?? 0)),
  };
}

export function closeMedia(m: OpenedMedia): void {
  if (m.kind === 'photo') m.photo.bitmap.close();
  else m.video.input.dispose();
}
