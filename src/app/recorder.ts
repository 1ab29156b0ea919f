/** Container/codec pairs to try, best first; the browser's MediaRecorder decides which it can write. */
const RECORDING_TYPES = [
  'video/mp4;codecs=avc1',
  'video/webm;codecs=vp9',
  'video/webm;codecs=vp8',
  'video/webm',
  'video/mp4',
];

export function pickRecordingType(isSupported = (t: string) => MediaRecorder.isTypeSupported(t)): string | undefined {
  return RECORDING_TYPES.find(isSupported);
}

export function extensionFor(mimeType: string): string {
  return mimeType.startsWith('video/mp4') ? 'mp4' : 'webm';
}

/** Records a stream (the anonymized canvas's) into one Blob, in memory: nothing is uploaded anywhere. */
export class ClipRecorder {
  readonly #recorder: MediaRecorder;
  readonly #chunks: Blob[] = [];
  #startedAt = 0;
  #stoppedAt = 0;
  bytes = 0;

  constructor(
    stream: MediaStream,
    readonly mimeType = pickRecordingType() ?? '',
  ) {
    this.#recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
    this.#recorder.addEventListener('dataavailable', (e) => {
      if (e.data.size > 0) {
        this.#chunks.push(e.data);
        this.bytes += e.data.size;
      }
    });
  }

  start(): void {
    this.#startedAt = performance.now();
    this.#recorder.start(1000);
  }

  get durationMs(): number {
    if (!this.#startedAt) return 0;
    return (this.#stoppedAt || performance.now()) - this.#startedAt;
  }

  stop(): Promise<Blob> {
    return new Promise((resolve) => {
      this.#recorder.addEventListener(
        'stop',
        () => {
          this.#stoppedAt = performance.now();
          resolve(new Blob(this.#chunks, { type: this.#recorder.mimeType || this.mimeType || 'video/webm' }));
        },
        { once: true },
      );
      this.#recorder.stop();
    });
  }
}
