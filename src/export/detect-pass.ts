import type { Detection } from '../core/types';
import type { FileEngine } from '../offline/frame-engine';
import { trackOfflineFaces, type OfflineFace } from '../offline/offline-track';
import { type Luma, lumaSize } from '../track/patch-motion';
import { pictureOf } from '../track/thumbnail';
import { ExportProblem } from './problems';
import { decodeFrames, type VideoInput } from './video-input';

/** Every frame's faces, with track ids for the whole clip. */
export interface TrackPlan {
  /** Presentation timestamps, seconds, frame by frame. */
  timestamps: number[];
  faces: OfflineFace[][];
}

/**
 * The most memory the frames' small pictures may take (57.6 KB a frame at 320x180: about 2.5 minutes at 30 fps);
 * a longer clip is tracked from its detections alone, as the page has no file to keep them in.
 */
const PICTURES_BUDGET_BYTES = 256 * 1024 * 1024;

/** The tracker's picture of a decoded frame (lumaSize()): scaled down by the canvas, then pictureOf's luma. */
function pictureOfCanvas(source: CanvasImageSource, frame: { width: number; height: number }): Luma {
  const { width, height } = lumaSize(frame);
  const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2D canvas for the tracker pictures');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, width, height);
  // Already at the picture's size: pictureOf takes each pixel's luma, in thumbnail.wgsl's weights.
  return pictureOf({ width, height, data: new Uint8Array(ctx.getImageData(0, 0, width, height).data.buffer) });
}

export type FrameProgress = (done: number, total: number) => void;

/**
 * Pass 1: decode every frame, detect faces in each (whole frame and tiles), then track them forward and backward
 * (a face found in frame N is covered in the frames before it where it was missed). Also proves the whole file
 * decodes before anything is encoded.
 */
export async function planTracks(
  v: VideoInput,
  engine: FileEngine,
  progress: FrameProgress,
  signal: AbortSignal,
): Promise<TrackPlan> {
  const dets: Detection[][] = [];
  const timestamps: number[] = [];
  const { width, height } = lumaSize(v);
  let pictures: Luma[] | undefined = v.frames * width * height <= PICTURES_BUDGET_BYTES ? [] : undefined;
  for await (const frame of decodeFrames(v)) {
    signal.throwIfAborted();
    dets.push(await engine.detect({ source: frame.canvas, width: v.width, height: v.height }, 'video'));
    pictures?.push(pictureOfCanvas(frame.canvas, v));
    if (pictures && pictures.length * width * height > PICTURES_BUDGET_BYTES) pictures = undefined;
    timestamps.push(frame.timestamp);
    progress(dets.length, v.frames);
  }
  signal.throwIfAborted();
  if (dets.length === 0) throw new ExportProblem({ kind: 'no-frames', name: v.name, audioOnly: false });
  if (dets.length < v.frames) {
    throw new ExportProblem({
      kind: 'truncated',
      name: v.name,
      detail: `${dets.length} of ${v.frames} frames decoded`,
    });
  }
  const faces = trackOfflineFaces(dets, v, {
    fps: v.fps > 0 ? v.fps : 30,
    lookahead: true,
    ...(pictures ? { pictures: (i: number) => pictures[i]! } : {}),
  });
  return { timestamps, faces };
}
