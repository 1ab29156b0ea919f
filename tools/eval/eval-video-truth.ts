import { existsSync, readFileSync } from 'node:fs';
import type { TruthFace } from './leak';

/** Per-frame ground truth of a clip: frames[i] is decoded frame i. */
export interface VideoTruth {
  width: number;
  height: number;
  fps: number;
  frames: TruthFace[][];
}

/** The ground-truth file is missing or not in the eval's format: the message says which and how. */
export class TruthError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`eval:video: ${path}: ${reason}`);
    this.name = 'TruthError';
  }
}

const FORMAT =
  '{"width", "height", "fps", "frames": [{"faces": [[x, y, w, h], ...], "ids": [id, ...]}, ...]} ' +
  '(a face may also be {"box": [x, y, w, h], "id": n})';

const isBox = (b: unknown): b is [number, number, number, number] =>
  Array.isArray(b) && b.length === 4 && b.every((v) => typeof v === 'number' && Number.isFinite(v));

/**
 * Reads `{"width","height","fps","frames":[{"faces":[[x,y,w,h], ...]}, ...]}`. A face's id comes from the frame's
 * parallel "ids" array (the motion clips' layout) or from a face written as {"box", "id"}; other fields are ignored.
 */
export function readVideoTruth(path: string): VideoTruth {
  if (!existsSync(path)) throw new TruthError(path, `no such file. Pass ${FORMAT}.`);
  let data: { width?: unknown; height?: unknown; fps?: unknown; frames?: unknown };
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new TruthError(path, `not valid JSON (${(e as Error).message})`);
  }
  const { width, height, fps, frames } = data ?? {};
  if (!(Number(width) > 0 && Number(height) > 0 && Number(fps) > 0) || !Array.isArray(frames)) {
    throw new TruthError(path, `expected ${FORMAT}`);
  }
  return {
    width: Number(width),
    height: Number(height),
    fps: Number(fps),
    frames: frames.map((f: { faces?: unknown; ids?: unknown }, i) => {
      if (!Array.isArray(f?.faces)) throw new TruthError(path, `frame ${i} has no "faces" array`);
      const ids = Array.isArray(f.ids) ? f.ids : [];
      return f.faces.map((face: unknown, k): TruthFace => {
        const obj = face as { box?: unknown; id?: unknown };
        const box = isBox(face) ? face : obj?.box;
        if (!isBox(box))
          throw new TruthError(path, `frame ${i}, face ${k} is not [x, y, w, h] or {"box": [x, y, w, h]}`);
        const id = isBox(face) ? ids[k] : obj.id;
        const [x, y, w, h] = box;
        return { box: { x, y, w, h }, id: typeof id === 'number' ? id : undefined };
      });
    }),
  };
}
