import { BlobSource, CanvasSink, Input, MATROSKA, MP4, QTFF, WEBM, type InputVideoTrack } from 'mediabunny';
import { topLevelBoxes, type ByteReader, type VideoContainer } from './file-kind';
import { readBytes, refusedRead } from './file-read';
import { checkDuration, checkFrameSize } from './limits';
import { ExportProblem } from './problems';

/** A video file opened with Mediabunny and checked: it has frames this browser decodes, of a size we take. */
export interface VideoInput {
  name: string;
  input: Input;
  track: InputVideoTrack;
  /** Mediabunny's codec name of the primary audio track, or null without audio. */
  audioCodec: string | null;
  /** Upright (rotation applied) frame size. */
  width: number;
  height: number;
  /** Frames the container declares. */
  frames: number;
  fps: number;
  seconds: number;
}

const fileReader =
  (file: File): ByteReader =>
  (offset, length) =>
    readBytes(file, offset, offset + length);

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A read the browser refused is told as such; any other failure to parse or decode means damaged bytes. */
const damaged = (name: string, e: unknown) =>
  refusedRead(name, e) ?? new ExportProblem({ kind: 'truncated', name, detail: errorText(e) });

/** Opens and checks a file whose bytes said video; throws ExportProblem for what is wrong with it. */
export async function openVideo(file: File, container: VideoContainer, gpuMaxSide: number): Promise<VideoInput> {
  const name = file.name;
  // Only the containers sniffFile lets through as video.
  const input = new Input({ source: new BlobSource(file), formats: [MP4, QTFF, WEBM, MATROSKA] });
  try {
    const track = await input.getPrimaryVideoTrack().catch((e: unknown) => {
      // Its first bytes said MP4/MOV/WebM, so a file Mediabunny cannot parse is a damaged one.
      throw damaged(name, e);
    });
    const audio = await input.getPrimaryAudioTrack();
    if (
      !track &&
      !audio &&
      container !== 'webm' &&
      !(await topLevelBoxes(fileReader(file), file.size)).includes('moov')
    ) {
      // An MP4 or MOV cut off before its index (moov, often written last) reads as a file without tracks.
      throw new ExportProblem({ kind: 'truncated', name, detail: 'its index (moov) is missing: it ends early' });
    }
    if (!track) throw new ExportProblem({ kind: 'no-frames', name, audioOnly: audio !== null });
    if (track.codec === null || !(await track.canDecode())) {
      const codec = (await track.getCodecParameterString()) ?? track.codec ?? 'an unknown codec';
      throw new ExportProblem({ kind: 'unsupported-codec', name, codec });
    }
    const [width, height] = [await track.getDisplayWidth(), await track.getDisplayHeight()];
    checkFrameSize(name, width, height, gpuMaxSide, 'video');
    const stats = await track.computePacketStats().catch((e: unknown) => {
      throw damaged(name, e);
    });
    if (stats.packetCount === 0) throw new ExportProblem({ kind: 'no-frames', name, audioOnly: false });
    const seconds = await input.computeDuration();
    checkDuration(name, seconds);
    return {
      name,
      input,
      track,
      audioCodec: audio?.codec ?? null,
      width,
      height,
      frames: stats.packetCount,
      fps: stats.averagePacketRate,
      seconds,
    };
  } catch (e) {
    input.dispose();
    throw e;
  }
}

/** A decoded frame, drawn upright (rotation metadata applied) into a canvas that the next frame reuses. */
export interface DecodedFrame {
  canvas: HTMLCanvasElement | OffscreenCanvas;
  /** Seconds. */
  timestamp: number;
}

/** Every frame in presentation order; a decoding failure is reported as a damaged file. */
export async function* decodeFrames(v: VideoInput): AsyncGenerator<DecodedFrame> {
  const sink = new CanvasSink(v.track, { poolSize: 2 });
  try {
    for await (const c of sink.canvases()) yield c;
  } catch (e) {
    throw damaged(v.name, e);
  }
}

/** Random access for the preview: the frame shown at `timestamp`. */
export class FrameSeeker {
  readonly #sink: CanvasSink;

  constructor(v: VideoInput) {
    this.#sink = new CanvasSink(v.track, { poolSize: 1 });
  }

  async frameAt(timestamp: number): Promise<DecodedFrame | null> {
    return this.#sink.getCanvas(timestamp);
  }
}
