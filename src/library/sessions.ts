import type { DetectorAssets, LiveSettings, LiveStats, LiveStatus } from '../app/live-pipeline';
import { LivePipeline } from '../app/live-pipeline';
import { StreamFeed, trackFrames, VideoElementFeed } from '../source/frame-feed';
import { drawnFrame } from './drawn-frame';
import { hiddenVideo } from './hidden-holder';
import type { FromWorker, ToWorker } from './worker-protocol';

/** A track the library hands out, and what works behind it. */
export interface Session {
  readonly output: MediaStreamTrack;
  /** Changes the look from the next frame (`settings` is changed in place already, for a pipeline on this thread). */
  update(settings: Partial<LiveSettings>): void;
  loseDevice(): void;
  takeStats(): Promise<LiveStats>;
  stop(): void;
}

/** The pipeline behind an output, wherever it runs. */
type Work = Omit<Session, 'output'>;

interface Job {
  clone: MediaStreamTrack;
  settings: LiveSettings;
  assets: DetectorAssets;
  onStatus: (s: LiveStatus) => void;
  /** Sends an anonymized frame on (and owns it from then): dropped when the consumer does not keep up. */
  send: (frame: VideoFrame) => void;
}

/** Whether this browser has insertable streams on the main thread (Chromium): frames in, frames out. */
const insertableStreams = () =>
  typeof MediaStreamTrackProcessor === 'function' && typeof MediaStreamTrackGenerator === 'function';

/** The pipeline on this thread, the camera's frames in, each drawn frame sent on. */
function onThisThread(job: Job): Work {
  const canvas = document.createElement('canvas');
  const pipeline = new LivePipeline(
    canvas,
    new StreamFeed(trackFrames(job.clone)),
    job.settings,
    job.onStatus,
    job.assets,
    (drawn) => job.send(drawnFrame(canvas, drawn)),
  );
  void pipeline.start();
  return {
    update: () => undefined,
    loseDevice: () => pipeline.testHooks.loseDevice(),
    takeStats: async () => pipeline.takeStats(),
    stop: () => pipeline.stop(),
  };
}

/**
 * The pipeline in a worker (`pipeline-worker.js`, served from the assets folder): the camera's frames cross as a
 * transferred stream, the anonymized ones come back one by one. A worker that cannot start (the script missing,
 * or on another origin) hands the job to this thread.
 */
function inWorker(job: Job, base: string): Work {
  let work: Work | null = null;
  const fallBack = (why: string) => {
    console.warn(`veil: the pipeline worker could not start (${why}); running on the page's thread`);
    worker?.terminate();
    work = onThisThread(job);
  };
  let worker: Worker | null = null;
  try {
    worker = new Worker(new URL('pipeline-worker.js', base), { type: 'module', name: 'veil' });
  } catch (e) {
    fallBack(e instanceof Error ? e.message : String(e));
    return work!;
  }
  const running = worker;
  const post = (message: ToWorker, transfer: Transferable[] = []) => running.postMessage(message, transfer);
  const stats: ((s: LiveStats) => void)[] = [];
  let heard = false;
  running.addEventListener('error', (e) => {
    if (!heard) fallBack(e.message || 'the worker script failed to load');
  });
  running.addEventListener('message', (e: MessageEvent<FromWorker>) => {
    heard = true;
    const m = e.data;
    if (m.type === 'frame') job.send(m.frame);
    else if (m.type === 'status') job.onStatus(m.status);
    else stats.shift()?.(m.stats);
  });
  const frames = trackFrames(job.clone);
  post({ type: 'start', frames, settings: job.settings, assets: job.assets }, [frames as unknown as Transferable]);
  const inTheWorker: Work = {
    update: (changed) => post({ type: 'update', settings: changed }),
    loseDevice: () => post({ type: 'lose-device' }),
    takeStats: () =>
      new Promise((resolve) => {
        stats.push(resolve);
        post({ type: 'take-stats' });
      }),
    stop: () => post({ type: 'stop' }),
  };
  // Whichever runs the job now: the worker, or this thread after a fall-back.
  return {
    update: (changed) => (work ?? inTheWorker).update(changed),
    loseDevice: () => (work ?? inTheWorker).loseDevice(),
    takeStats: () => (work ?? inTheWorker).takeStats(),
    stop: () => (work ?? inTheWorker).stop(),
  };
}

/** With insertable streams: VideoFrames in, each anonymized frame out with its camera timestamp. */
function streamsSession(
  clone: MediaStreamTrack,
  thread: 'worker' | 'main',
  settings: LiveSettings,
  assets: DetectorAssets,
  onStatus: (s: LiveStatus) => void,
): Session {
  const generator = new MediaStreamTrackGenerator({ kind: 'video' });
  const writer = generator.writable.getWriter();
  const send = (frame: VideoFrame) => {
    // A consumer that does not keep up loses frames rather than queueing them.
    if ((writer.desiredSize ?? 1) <= 0) frame.close();
    else writer.write(frame).catch(() => undefined);
  };
  const job = { clone, settings, assets, onStatus, send };
  const work = thread === 'worker' && 'base' in assets ? inWorker(job, assets.base) : onThisThread(job);
  return {
    ...work,
    output: generator,
    stop() {
      work.stop();
      void writer.close().catch(() => undefined);
      generator.stop();
      clone.stop();
    },
  };
}

/** Without insertable streams: a hidden video plays the camera, and the output is a capture of the canvas. */
function elementSession(
  clone: MediaStreamTrack,
  settings: LiveSettings,
  assets: DetectorAssets,
  onStatus: (s: LiveStatus) => void,
): Session {
  const { video, holder } = hiddenVideo(clone);
  const canvas = document.createElement('canvas');
  holder.append(canvas);
  const pipeline = new LivePipeline(canvas, new VideoElementFeed(video), settings, onStatus, assets);
  // No frame rate: a frame is sent each time one is drawn, so a slow machine sends fewer, never queued ones.
  const [output] = canvas.captureStream().getVideoTracks();
  if (!output) throw new Error('veil: the canvas gave no video track');
  void pipeline.start();
  return {
    output,
    update: () => undefined,
    loseDevice: () => pipeline.testHooks.loseDevice(),
    takeStats: async () => pipeline.takeStats(),
    stop() {
      pipeline.stop();
      output.stop();
      clone.stop();
      holder.remove();
    },
  };
}

/**
 * One camera track anonymized, on its clone, by the best path this browser has: with insertable streams, the
 * camera's VideoFrames go in and each anonymized frame goes out with the camera's timestamp, in hidden tabs too, in
 * a worker off the page's main thread (`thread: 'worker'`, where the assets are a folder to load it from) or on it;
 * elsewhere a hidden video element and a canvas capture. Whatever the path, the output carries only frames the
 * anonymize pass drew.
 */
export function startSession(
  camera: MediaStreamTrack,
  thread: 'worker' | 'main',
  settings: LiveSettings,
  assets: DetectorAssets,
  onStatus: (s: LiveStatus) => void,
): Session {
  const clone = camera.clone();
  const session = insertableStreams()
    ? streamsSession(clone, thread, settings, assets, onStatus)
    : elementSession(clone, settings, assets, onStatus);
  // The camera ending ends the output: the consumer sees a stopped camera, not a frozen last frame.
  clone.addEventListener('ended', () => session.stop(), { once: true });
  return session;
}
