/** What this browser's WebCodecs can encode, for the codecs an MP4 or WebM file would hold. */
export interface EncodeSupport {
  avc: boolean;
  vp9: boolean;
  vp8: boolean;
  aac: boolean;
  opus: boolean;
}

export type AudioPlan = 'copy' | 'aac' | 'opus' | 'none';

export interface OutputChoice {
  container: 'mp4' | 'webm';
  video: 'avc' | 'vp9' | 'vp8';
  /** copy: the original audio packets, untouched; aac/opus: re-encoded; none: no audio. */
  audio: AudioPlan;
  /** The original audio could not be kept (no encoder for it here). */
  audioDropped: boolean;
}

/** Audio codecs each container takes as they are (Mediabunny codec names). */
const COPYABLE: Record<OutputChoice['container'], readonly string[]> = { mp4: ['aac'], webm: ['opus', 'vorbis'] };

function audioFor(container: OutputChoice['container'], input: string | null, s: EncodeSupport): AudioPlan | null {
  if (input === null) return 'none';
  if (COPYABLE[container].includes(input)) return 'copy';
  if (container === 'mp4' && s.aac) return 'aac';
  if (container === 'webm' && s.opus) return 'opus';
  return null;
}

/**
 * MP4 (H.264, with AAC) where the browser can write it, else WebM (VP9 or VP8, with Opus). The original audio is
 * copied where the container takes it as it is (AAC into MP4: no AAC encoder needed), else re-encoded; where
 * neither works in either container, the video is still written, without audio, and the page says so. Null: no
 * video encoder at all.
 */
export function chooseOutput(s: EncodeSupport, inputAudio: string | null): OutputChoice | null {
  const webmVideo = s.vp9 ? 'vp9' : s.vp8 ? 'vp8' : null;
  const options: { container: OutputChoice['container']; video: OutputChoice['video'] | null }[] = [
    { container: 'mp4', video: s.avc ? 'avc' : null },
    { container: 'webm', video: webmVideo },
  ];
  const writable = options.filter(
    (o): o is { container: OutputChoice['container']; video: OutputChoice['video'] } => o.video !== null,
  );
  for (const o of writable) {
    const audio = audioFor(o.container, inputAudio, s);
    if (audio !== null) return { ...o, audio, audioDropped: false };
  }
  const first = writable[0];
  return first ? { ...first, audio: 'none', audioDropped: true } : null;
}

/** The choice in words, for the page. */
export function describeOutput(c: OutputChoice, inputAudio: string | null): string {
  const video = { avc: 'H.264', vp9: 'VP9', vp8: 'VP8' }[c.video];
  const audio = {
    copy: `the original ${inputAudio?.toUpperCase() ?? ''} audio, unchanged`,
    aac: 'the audio re-encoded as AAC',
    opus: 'the audio re-encoded as Opus',
    none: c.audioDropped
      ? `no audio: this browser cannot encode ${inputAudio?.toUpperCase() ?? 'it'} into MP4 or WebM`
      : 'no audio (the file has none)',
  }[c.audio];
  return `${c.container.toUpperCase()} (${video} video, ${audio})`;
}
