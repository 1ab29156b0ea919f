import { PreprocessPass } from '../gpu/preprocess-pass';
import { DecodePass } from '../gpu/decode-pass';
import { readBuffer } from '../gpu/readback';
import { decodeRef, candidateToDetection, type Candidate } from './decode';
import { letterboxCrop } from './preprocess';
import { anchorCount } from './anchors';
import { nms, type NmsOptions } from './nms';
import type { FaceModel } from './model';
import type { Detection, Rect } from './types';

export interface DetectorOptions {
  /** Minimum sigmoid score of a kept anchor. */
  threshold: number;
  nms: NmsOptions;
}

export const DEFAULT_DETECTOR_OPTIONS: DetectorOptions = {
  threshold: 0.5,
  nms: { iouThreshold: 0.3, maxFaces: 64, weighted: true },
};


/**
 * Frame texture -> detections in frame pixels. Preprocessing is encoded and submitted before detect() returns its
 * promise, so the caller may overwrite the frame texture with the next camera frame at once.
 */
export class FaceDetector {
  private readonly preprocess: PreprocessPass;
  private readonly decode: DecodePass;
  private readonly input: GPUBuffer;

  constructor(
    private readonly device: GPUDevice,
    readonly model: FaceModel,
    readonly options: DetectorOptions = DEFAULT_DETECTOR_OPTIONS,
  ) {
    const size = model.spec.inputSize;
    this.preprocess = new PreprocessPass(device, size);
    // Room for every anchor: appends land in no fixed order, so a smaller cap would drop faces at random.
    this.decode = new DecodePass(device, { maxCandidates: anchorCount(model.spec.anchors), spec: model.spec.anchors });
    this.input = device.createBuffer({
      label: 'model-input', size: size * size * 3 * 4,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
  }

  detect(frame: GPUTexture): Promise<Detection[]> {
    const crop = letterboxCrop(frame.width, frame.height);
    const encoder = this.device.createCommandEncoder({ label: 'detect-preprocess' });
    this.preprocess.encode(encoder, frame, crop, this.input);
    this.device.queue.submit([encoder.finish()]);
    return this.model.provider === 'webgpu' ? this.runOnGpu(crop) : this.runOnCpu(crop);
  }

  private async runOnGpu(crop: Rect): Promise<Detection[]> {
    const outputs = await this.model.runGpu(this.input);
    try {
      const encoder = this.device.createCommandEncoder({ label: 'detect-decode' });
      this.decode.encode(encoder, outputs, this.options.threshold);
      this.device.queue.submit([encoder.finish()]);
    } finally {
      outputs.release();
    }
    return this.finish(await this.decode.readCandidates(), crop);
  }

  private async runOnCpu(crop: Rect): Promise<Detection[]> {
    const input = new Float32Array(await readBuffer(this.device, this.input));
    const raw = await this.model.runCpu(input);
    return this.finish(decodeRef(raw, this.options.threshold, this.model.spec.anchors), crop);
  }

  private finish(candidates: Candidate[], crop: Rect): Detection[] {
    return nms(candidates.map((c) => candidateToDetection(c, crop)), this.options.nms);
  }

  destroy(): void {
    this.input.destroy();
    this.preprocess.destroy();
    this.decode.destroy();
  }
}
