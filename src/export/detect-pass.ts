import type { Detection } from '../core/types';
import type { FrameEngine } from '../offline/frame-engine';
import { trackOfflineFaces, type OfflineFace } from '../offline/offline-track';
import { ExportProblem } from './problems';
import { decodeFrames, type VideoInput } from './video-input';

/** Every frame's faces, with track ids for the whole clip. */
export interface TrackPlan {
  /** Presentation timestamps, seconds, frame by frame. */
  timestamps: number[];
  faces: OfflineFace[][];
}

export type FrameProgress = (done: number, total: number) => void;

/**
 * Pass 1: decode every frame, detect faces in each (whole frame and tiles), then track them forward and backward
 * (a face found in frame N is covered in the frames before it where it was missed). Also proves the whole file
 * decodes before anything is encoded.
 */
export async function planTracks(
  v: VideoInput,
  engine: FrameEngine,
  progress: FrameProgress,
  signal: AbortSignal,
): Promise<TrackPlan> {
  const dets: Detection[][] = [];
  const timestamps: number[] = [];
  for await (const frame of decodeFrames(v)) {
    signal.throwIfAborted();
    dets.push(await engine.detect({ source: frame.canvas, width: v.width, height: v.height }));
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
  const faces = trackOfflineFaces(dets, v, { fps: v.fps > 0 ? v.fps : 30, lookahead: true });
  return { timestamps, faces };
}
