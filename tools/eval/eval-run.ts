import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { frameTextureUsage } from '../../src/gpu/frame-import';
import { uploadRgba } from '../../src/gpu/readback';
import { FaceDetector, type DetectorOptions } from '../../src/detect/detector';
import type { ImageResult } from '../../src/detect/eval-metrics';
import { BLAZEFACE_BACK_256, BLAZEFACE_FRONT_128, FaceModel, YUNET_N, type ModelSpec } from '../../src/detect/model';
import type { Rect } from '../../src/core/types';
import { readImageRgba } from '../../src/testing/image-io';
import { requestNodeDevice } from '../../src/gpu/webgpu-node';
import { configureOrtForNode } from '../../src/detect/ort-node';

export const EVAL_MODELS = {
  yunet: YUNET_N,
  blazeface: BLAZEFACE_BACK_256,
  front128: BLAZEFACE_FRONT_128,
} as const satisfies Record<string, ModelSpec>;
export type EvalModel = keyof typeof EVAL_MODELS;

/** One image of an annotation file; other fields are ignored. */
export interface Annotation {
  /** Path relative to the annotation file. */
  image: string;
  width: number;
  height: number;
  /** [x, y, w, h] in pixels of the stored image. */
  faces: [number, number, number, number][];
}

/** The annotation file is missing or not in the eval's format: the message says which and how. */
export class AnnotationsError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`eval: ${path}: ${reason}`);
    this.name = 'AnnotationsError';
  }
}

export function readAnnotations(path: string): Annotation[] {
  if (!existsSync(path)) {
    throw new AnnotationsError(
      path,
      'no such file. Pass a JSON array of {"image", "width", "height", "faces": [[x, y, w, h], ...]} ' +
        '(e.g. ../shared/data/faces/wider_val_public/annotations.json).',
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new AnnotationsError(path, `not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(data)) throw new AnnotationsError(path, 'expected a JSON array of images');
  data.forEach((a: Partial<Annotation>, i) => {
    const box = (f: unknown) => Array.isArray(f) && f.length === 4 && f.every((v) => typeof v === 'number');
    if (
      typeof a?.image !== 'string' ||
      !(Number(a.width) > 0) ||
      !(Number(a.height) > 0) ||
      !Array.isArray(a.faces) ||
      !a.faces.every(box)
    ) {
      throw new AnnotationsError(path, `entry ${i} lacks "image", "width", "height" or "faces": [[x, y, w, h], ...]`);
    }
  });
  return data as Annotation[];
}

export interface EvalRunOptions {
  model: EvalModel;
  detector: Partial<DetectorOptions>;
  /** Only the first `limit` images. */
  limit?: number;
  onImage?: (index: number, total: number, result: ImageResult) => void;
}

export interface EvalRun {
  results: ImageResult[];
  /** The detector's effective options, model and crops per image, for the result file. */
  config: Record<string, unknown>;
}

const toRect = ([x, y, w, h]: readonly number[]): Rect => ({ x, y, w, h });

/**
 * Runs the app's FaceDetector (same preprocess, decode, NMS, tiling and defaults; ORT's wasm provider, as Node
 * has no WebGPU provider) on every image of an annotation file. Timings exclude decoding and uploading the image;
 * the first image is run once untimed first, so the timings exclude ORT's warm-up.
 */
export async function runEval(annotationsPath: string, o: EvalRunOptions): Promise<EvalRun> {
  const entries = readAnnotations(annotationsPath).slice(0, o.limit);
  const root = dirname(resolve(annotationsPath));
  const spec = EVAL_MODELS[o.model];
  const modelPath = resolve('public', spec.url);
  if (!existsSync(modelPath)) throw new Error(`eval: model ${modelPath} not found (run from the repository root)`);

  const threads = configureOrtForNode();
  const device = await requestNodeDevice();
  const model = await FaceModel.create(spec, readFileSync(modelPath), 'wasm');
  const detector = await FaceDetector.create(device, model, o.detector);
  const results: ImageResult[] = [];
  let crops = 0;
  try {
    for (const [i, a] of entries.entries()) {
      const img = readImageRgba(resolve(root, a.image));
      if (img.width !== a.width || img.height !== a.height) {
        throw new AnnotationsError(
          annotationsPath,
          `${a.image} is ${img.width}x${img.height}, annotated as ${a.width}x${a.height}`,
        );
      }
      const frame = uploadRgba(device, img, frameTextureUsage());
      try {
        if (i === 0) await detector.detect(frame);
        const t0 = performance.now();
        const dets = await detector.detect(frame);
        const result: ImageResult = {
          faces: a.faces.map(toRect),
          boxes: dets.map((d) => d.box),
          ms: performance.now() - t0,
        };
        results.push(result);
        crops += detector.crops(img.width, img.height).length;
        o.onImage?.(i, entries.length, result);
      } finally {
        frame.destroy();
      }
    }
  } finally {
    detector.destroy();
    await model.release();
    device.destroy();
  }
  const { threshold, tall, nms, tiles, edge, inputSide } = detector.options;
  return {
    results,
    config: {
      model: o.model,
      provider: 'wasm',
      threshold,
      tall,
      edge,
      nms,
      tiles,
      input_side: inputSide ?? 'native',
      crops_per_image: entries.length > 0 ? crops / entries.length : 0,
      annotations: annotationsPath,
      runtime: `Node, onnxruntime-web wasm (${threads} thread${threads > 1 ? 's' : ''}), Dawn`,
    },
  };
}
