import { summarize, type Summary } from './stats';

/** MediaPipe Face Detection's two models: short range (faces within about 2 m) and full range (sparse). */
export type PeerModel = 'short' | 'full';

/** The part of @mediapipe/face_detection's FaceDetection (a global of its classic script) that the bench uses. */
interface FaceDetection {
  setOptions(o: { model: PeerModel; minDetectionConfidence: number; selfieMode: boolean }): void;
  onResults(listener: (r: { detections: unknown[] }) => void): void;
  initialize(): Promise<void>;
  send(input: { image: ImageBitmap }): Promise<void>;
  close(): Promise<void>;
}
type FaceDetectionClass = new (config: { locateFile: (file: string) => string }) => FaceDetection;

export interface PeerResult {
  model: PeerModel;
  width: number;
  height: number;
  /** Wall time of send(): MediaPipe's upload, inference and post-processing, until its results are out. */
  detect: Summary;
  detections: Summary;
}

/** Loads the package's script from our own origin (`base`, where the bench page's build put its files). */
async function loadFaceDetection(base: string): Promise<FaceDetectionClass> {
  const global = globalThis as { FaceDetection?: FaceDetectionClass };
  if (!global.FaceDetection) {
    const script = document.createElement('script');
    script.src = `${base}face_detection.js`;
    const loaded = new Promise((done, fail) => {
      script.onload = done;
      script.onerror = () => fail(new Error(`${script.src} did not load`));
    });
    document.head.append(script);
    await loaded;
  }
  if (!global.FaceDetection) throw new Error('@mediapipe/face_detection defined no FaceDetection');
  return global.FaceDetection;
}

/**
 * Times MediaPipe's detector on the same frames as ours: `warmup` untimed sends, then one send per frame,
 * cycling through `frames`, one at a time. minDetectionConfidence is 0.5, MediaPipe's default.
 */
export async function runPeer(
  base: string,
  model: PeerModel,
  frames: readonly ImageBitmap[],
  o: { frames: number; warmup: number },
): Promise<PeerResult> {
  const FaceDetectionCtor = await loadFaceDetection(base);
  const detector = new FaceDetectionCtor({ locateFile: (file) => `${base}${file}` });
  let found = 0;
  detector.setOptions({ model, minDetectionConfidence: 0.5, selfieMode: false });
  detector.onResults((r) => (found = r.detections.length));
  await detector.initialize();
  const times: number[] = [];
  const detections: number[] = [];
  try {
    for (let i = 0; i < o.warmup + o.frames; i++) {
      const t0 = performance.now();
      await detector.send({ image: frames[i % frames.length] });
      if (i < o.warmup) continue;
      times.push(performance.now() - t0);
      detections.push(found);
    }
  } finally {
    await detector.close();
  }
  const { width, height } = frames[0];
  return { model, width, height, detect: summarize(times), detections: summarize(detections) };
}
