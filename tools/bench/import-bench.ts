import {
  FrameImporter,
  frameTextureUsage,
  type FrameImportPath,
  type FrameImportSource,
} from '../../src/gpu/frame-import';
import { summarize, type Summary } from './stats';

/** ImageBitmaps (RGBA, as the pipeline bench's frames), or frames a video decoder hands over (a camera's are alike). */
export type ImportSourceKind = 'bitmap' | 'video';

export interface ImportBenchResult {
  width: number;
  height: number;
  source: ImportSourceKind;
  /** The VideoFrame pixel format the CPU path converts from (NV12, I420, RGBX...). */
  format: string;
  /** Wall time of one import until the queue is done, per path. */
  ms: Record<FrameImportPath, Summary>;
}

/** The bitmaps as a video decoder gives them: encoded (VP8) and decoded again by WebCodecs, in software here. */
export async function decodedVideoFrames(bitmaps: readonly ImageBitmap[]): Promise<VideoFrame[]> {
  const { width, height } = bitmaps[0];
  const chunks: EncodedVideoChunk[] = [];
  let decoderConfig: VideoDecoderConfig = { codec: 'vp8' };
  const fail = (e: DOMException) => console.error(`import bench: ${e.message}`);
  const encoder = new VideoEncoder({
    output: (chunk, meta) => {
      chunks.push(chunk);
      if (meta?.decoderConfig) decoderConfig = meta.decoderConfig;
    },
    error: fail,
  });
  encoder.configure({ codec: 'vp8', width, height, bitrate: 4_000_000 });
  bitmaps.forEach((bitmap, i) => {
    const frame = new VideoFrame(bitmap, { timestamp: i * 40_000 });
    encoder.encode(frame, { keyFrame: i === 0 });
    frame.close();
  });
  await encoder.flush();
  encoder.close();
  const frames: VideoFrame[] = [];
  const decoder = new VideoDecoder({ output: (f) => frames.push(f), error: fail });
  decoder.configure(decoderConfig);
  for (const chunk of chunks) decoder.decode(chunk);
  await decoder.flush();
  decoder.close();
  return frames;
}

/**
 * Times both FrameImporter paths on the same frames: each import plus the wait for the queue, since the CPU path's
 * conversion is invisible to GPU timestamps. `frames` imports per path after `warmup`.
 */
export async function compareImports(
  device: GPUDevice,
  sources: readonly (ImageBitmap | VideoFrame)[],
  source: ImportSourceKind,
  o: { frames: number; warmup: number },
): Promise<ImportBenchResult> {
  const first = sources[0];
  const [width, height] =
    first instanceof VideoFrame ? [first.displayWidth, first.displayHeight] : [first.width, first.height];
  const texture = device.createTexture({
    label: 'import-bench',
    size: [width, height],
    format: 'rgba8unorm',
    usage: frameTextureUsage(),
  });
  const ms = {} as Record<FrameImportPath, Summary>;
  try {
    for (const path of ['gpu', 'cpu'] as const) {
      const importer = new FrameImporter(device, path);
      const times: number[] = [];
      for (let i = 0; i < o.warmup + o.frames; i++) {
        const frame: FrameImportSource = sources[i % sources.length];
        const t0 = performance.now();
        await importer.import(frame, texture);
        await device.queue.onSubmittedWorkDone();
        if (i >= o.warmup) times.push(performance.now() - t0);
      }
      ms[path] = summarize(times);
    }
  } finally {
    texture.destroy();
  }
  const probe = first instanceof VideoFrame ? first : new VideoFrame(first, { timestamp: 0 });
  const format = probe.format ?? 'unknown';
  if (probe !== first) probe.close();
  return { width, height, source, format, ms };
}
