import type { DetectorAssets, LiveSettings, LiveStats, LiveStatus } from '../app/live-pipeline';

/** What the page says to the pipeline worker (pipeline-worker.ts). */
export type ToWorker =
  /** The camera's frames, a stream transferred to the worker. */
  | { type: 'start'; frames: ReadableStream<VideoFrame>; settings: LiveSettings; assets: DetectorAssets }
  | { type: 'update'; settings: Partial<LiveSettings> }
  | { type: 'lose-device' }
  | { type: 'take-stats' }
  | { type: 'stop' };

/** What the worker says back: each anonymized frame (transferred), the status, statistics asked for. */
export type FromWorker =
  | { type: 'frame'; frame: VideoFrame }
  | { type: 'status'; status: LiveStatus }
  | { type: 'stats'; stats: LiveStats };
