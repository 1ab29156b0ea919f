import { anchorCentres, BLAZEFACE_BACK_256_ANCHORS, gridAnchorCount, type AnchorSpec } from './anchors';
import type { CpuOutputs, InputSize, ModelSpec } from './model';
import type { Detection, Rect } from '../core/types';

/** Box regressor layout per anchor: centre offset, size, then six (x, y) keypoint offsets, in input pixels. */
export const BOX_STRIDE = 16;
/** Keypoint slots in a candidate record (decode.wgsl): BlazeFace's six; YuNet fills five. */
export const KEYPOINTS = 6;

/** A face candidate in normalised model coordinates ([0, 1] across the crop, y down). */
export interface Candidate {
  /** Index in anchor order (all grids concatenated); identifies the candidate across CPU and GPU. */
  anchor: number;
  score: number;
  cx: number;
  cy: number;
  w: number;
  h: number;
  /** x0, y0, x1, y1, …: BlazeFace's right eye, left eye, nose, mouth, right ear, left ear; YuNet's right eye, left
   * eye, nose tip, right and left mouth corner. */
  keypoints: number[];
}

/** Raw model outputs, one array per anchor grid in spec order: scores [n], boxes [n * 16]. */
export interface RawOutputs {
  scores: Float32Array[];
  boxes: Float32Array[];
}

// BlazeFace has one class; the product is kept so a multi-class head slots in without changing the threshold.
const CLASS_PROB = 1;

/** Overflow-free logistic: exp only ever sees a non-positive argument. Mirrors sigmoid() in decode.wgsl. */
export function sigmoid(x: number): number {
  const e = Math.exp(-Math.abs(x));
  return x >= 0 ? 1 / (1 + e) : e / (1 + e);
}

const anchorCache = new WeakMap<AnchorSpec, Float32Array>();
function cachedAnchors(spec: AnchorSpec): Float32Array {
  let a = anchorCache.get(spec);
  if (!a) anchorCache.set(spec, (a = anchorCentres(spec)));
  return a;
}

function validate(raw: RawOutputs, spec: AnchorSpec): void {
  if (raw.scores.length !== spec.grids.length || raw.boxes.length !== spec.grids.length) {
    throw new RangeError(
      `decode: expected ${spec.grids.length} score and box outputs, ` +
        `got ${raw.scores.length} and ${raw.boxes.length}`,
    );
  }
  spec.grids.forEach((g, i) => {
    const n = gridAnchorCount(spec, g);
    if (raw.scores[i]?.length !== n || raw.boxes[i]?.length !== n * BOX_STRIDE) {
      throw new RangeError(
        `decode: grid ${i} needs ${n} scores and ${n * BOX_STRIDE} box values, ` +
          `got ${raw.scores[i]?.length ?? 'none'} and ${raw.boxes[i]?.length ?? 'none'}`,
      );
    }
  });
}

/** CPU twin of decode.wgsl: every anchor whose score reaches `threshold`, in anchor order. */
export function decodeRef(
  raw: RawOutputs,
  threshold: number,
  spec: AnchorSpec = BLAZEFACE_BACK_256_ANCHORS,
): Candidate[] {
  validate(raw, spec);
  const anchors = cachedAnchors(spec);
  const scale = 1 / spec.inputSize;
  const out: Candidate[] = [];
  let anchor = 0;
  spec.grids.forEach((_, g) => {
    const scores = raw.scores[g];
    const boxes = raw.boxes[g];
    for (let i = 0; i < scores.length; i++, anchor++) {
      const score = sigmoid(scores[i]) * CLASS_PROB;
      if (score < threshold) continue;
      const ax = anchors[2 * anchor];
      const ay = anchors[2 * anchor + 1];
      const b = boxes.subarray(i * BOX_STRIDE, (i + 1) * BOX_STRIDE);
      const keypoints: number[] = [];
      for (let k = 0; k < KEYPOINTS; k++) keypoints.push(ax + b[4 + 2 * k] * scale, ay + b[5 + 2 * k] * scale);
      out.push({
        anchor,
        score,
        cx: ax + b[0] * scale,
        cy: ay + b[1] * scale,
        w: b[2] * scale,
        h: b[3] * scale,
        keypoints,
      });
    }
  });
  return out;
}

/** The BlazeFace outputs of one crop (ModelSpec.outputs order: scores per grid, then boxes per grid). */
export function anchorOutputs(outputs: CpuOutputs): RawOutputs {
  const grids = outputs.length / 2;
  return { scores: outputs.slice(0, grids), boxes: outputs.slice(grids) };
}

/**
 * CPU twin of decode-grid.wgsl: every cell of YuNet's stride grids (outputs cls, obj, bbox, kps per stride, for an
 * input of `size`) whose score cls * obj reaches `threshold`, in anchor order (finer strides first), in fractions
 * of the input.
 */
export function decodeGrid(
  outputs: CpuOutputs,
  strides: readonly number[],
  size: InputSize,
  threshold: number,
): Candidate[] {
  const n = strides.length;
  if (outputs.length !== 4 * n) throw new RangeError(`decode: expected ${4 * n} outputs, got ${outputs.length}`);
  const out: Candidate[] = [];
  let first = 0;
  strides.forEach((s, l) => {
    const cols = size.width / s;
    const cells = cols * (size.height / s);
    const [cls, obj, bbox, kps] = [0, 1, 2, 3].map((k) => outputs[k * n + l]);
    if (cls.length !== cells || obj.length !== cells || bbox.length !== 4 * cells || kps.length !== 10 * cells) {
      throw new RangeError(`decode: stride ${s} of a ${size.width}x${size.height} input needs ${cells} cells`);
    }
    for (let i = 0; i < cells; i++) {
      const score = Math.fround(cls[i] * obj[i]);
      if (score < threshold) continue;
      const col = i % cols;
      const row = Math.floor(i / cols);
      const w = (Math.exp(bbox[4 * i + 2]) * s) / size.width;
      const h = (Math.exp(bbox[4 * i + 3]) * s) / size.height;
      const keypoints: number[] = [];
      for (let k = 0; k < 5; k++) {
        keypoints.push(
          ((col + kps[10 * i + 2 * k]) * s) / size.width,
          ((row + kps[10 * i + 2 * k + 1]) * s) / size.height,
        );
      }
      out.push({
        anchor: first + i,
        score,
        w,
        h,
        keypoints,
        cx: ((col + bbox[4 * i]) * s) / size.width,
        cy: ((row + bbox[4 * i + 1]) * s) / size.height,
      });
    }
    first += cells;
  });
  return out;
}

/** One crop's candidates from its raw outputs, whatever the model's head: the CPU path's decode. */
export function decodeOutputs(spec: ModelSpec, outputs: CpuOutputs, size: InputSize, threshold: number): Candidate[] {
  return spec.head.kind === 'anchors'
    ? decodeRef(anchorOutputs(outputs), threshold, spec.head.anchors)
    : decodeGrid(outputs, spec.head.strides, size, threshold);
}

/** Maps a candidate from normalised crop coordinates to frame pixels. */
export function candidateToDetection(c: Candidate, crop: Rect): Detection {
  const x = (u: number) => crop.x + u * crop.w;
  const y = (v: number) => crop.y + v * crop.h;
  const keypoints = [];
  for (let k = 0; k < c.keypoints.length; k += 2) keypoints.push({ x: x(c.keypoints[k]), y: y(c.keypoints[k + 1]) });
  return {
    box: { x: x(c.cx - c.w / 2), y: y(c.cy - c.h / 2), w: c.w * crop.w, h: c.h * crop.h },
    score: c.score,
    keypoints,
  };
}
