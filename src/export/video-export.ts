import {
  BufferTarget,
  canEncodeAudio,
  canEncodeVideo,
  Conversion,
  type ConversionAudioOptions,
  Mp4OutputFormat,
  Output,
  QUALITY_HIGH,
  VideoSample,
  WebMOutputFormat,
} from 'mediabunny';
import { effectParams, type EffectOptions } from '../offline/effect-params';
import type { FileEngine } from '../offline/frame-engine';
import type { FaceMask } from '../render/anonymize-pass';
import type { FrameProgress } from './detect-pass';
import type { EncodeSupport, OutputChoice } from './output-choice';
import type { VideoInput } from './video-input';

/** What WebCodecs encodes here, at this frame size. */
export async function encodeSupport(width: number, height: number): Promise<EncodeSupport> {
  const video = (codec: 'avc' | 'vp9' | 'vp8') => canEncodeVideo(codec, { width, height });
  const [avc, vp9, vp8, aac, opus] = await Promise.all([
    video('avc'),
    video('vp9'),
    video('vp8'),
    canEncodeAudio('aac'),
    canEncodeAudio('opus'),
  ]);
  return { avc, vp9, vp8, aac, opus };
}

function audioOptions(c: OutputChoice): ConversionAudioOptions {
  switch (c.audio) {
    case 'none':
      return { discard: true };
    case 'copy':
      return {};
    case 'aac':
    case 'opus':
      return { codec: c.audio, forceTranscode: true };
  }
}

export interface VideoExportJob {
  video: VideoInput;
  choice: OutputChoice;
  engine: FileEngine;
  effect: EffectOptions;
  /** Frames pass 1 planned (decoded). */
  frames: number;
  /** Frame i's masks. */
  masksFor: (frame: number) => readonly FaceMask[];
  progress: FrameProgress;
  signal: AbortSignal;
}

/**
 * Pass 2: decode again, draw each frame's masks with AnonymizePass, encode, and mux with the audio, in memory.
 * Every frame is re-encoded (no packet of the original video reaches the output) at its original timestamp;
 * rotation is baked into the pixels, as the detector saw them. Only the primary video and audio tracks are
 * written, and no metadata (tags: location, device, dates). A frame beyond the plan (the decoder gave more frames than in pass 1) is blurred whole, and the export
 * fails unless exactly the planned number of frames was written.
 */
export async function exportVideo(job: VideoExportJob): Promise<Blob> {
  const { video: v, choice, engine } = job;
  const target = new BufferTarget();
  const format = choice.container === 'mp4' ? new Mp4OutputFormat({ fastStart: 'in-memory' }) : new WebMOutputFormat();
  let frame = 0;
  const anonymize = async (sample: VideoSample, i: number): Promise<VideoSample> => {
    const fullFrame = i >= job.frames;
    const masks = fullFrame ? [] : job.masksFor(i);
    // With no mask the pass is an exact copy: skip it (and the GPU round trip).
    if (masks.length === 0 && !fullFrame) return sample;
    const source = sample.toVideoFrame();
    try {
      const out = await engine.render(
        { source, width: v.width, height: v.height },
        { ...effectParams(masks, job.effect), fullFrame },
      );
      return new VideoSample(out.data, {
        format: 'RGBA',
        codedWidth: out.width,
        codedHeight: out.height,
        timestamp: sample.timestamp,
        duration: sample.duration,
      });
    } finally {
      source.close();
    }
  };
  const conversion = await Conversion.init({
    input: v.input,
    output: new Output({ format, target }),
    // The video and audio the choice was made for; other audio, subtitle and data tracks are left out.
    tracks: 'primary',
    video: {
      codec: choice.video,
      quality: QUALITY_HIGH,
      forceTranscode: true,
      allowTransformationMetadata: false,
      processedWidth: v.width,
      processedHeight: v.height,
      process: async (sample) => {
        const out = await anonymize(sample, frame++);
        job.progress(frame, job.frames);
        return out;
      },
    },
    audio: audioOptions(choice),
    tags: {},
    showWarnings: false,
  });
  if (!conversion.isValid || !conversion.utilizedTracks.some((t) => t.isVideoTrack())) {
    const reasons = conversion.discardedTracks.map((d) => `${d.track.type} ${d.reason}`).join(', ');
    throw new Error(`the video cannot be converted here (${reasons || 'no video track'})`);
  }
  const cancel = () => void conversion.cancel();
  job.signal.addEventListener('abort', cancel, { once: true });
  try {
    await conversion.execute();
  } finally {
    job.signal.removeEventListener('abort', cancel);
  }
  job.signal.throwIfAborted();
  if (frame !== job.frames) throw new Error(`decoded ${frame} frames the second time, ${job.frames} the first`);
  const mime = choice.container === 'mp4' ? 'video/mp4' : 'video/webm';
  return new Blob([target.buffer!], { type: mime });
}
