import type { FrameImportSource } from '../gpu/frame-import';

/** A frame handed to the live loop: what to import, its displayed size, when it arrived. */
export interface LiveFrame {
  source: FrameImportSource;
  width: number;
  height: number;
  /** When it arrived, on performance.now()'s clock: what the tracker times it by. */
  now: number;
  /** The camera's own timestamp, µs (a VideoFrame's); null where the source has none. */
  timestamp: number | null;
  /** Lets go of the frame (closes a VideoFrame): called once, when the loop has imported it or dropped it. */
  release(): void;
}

/** Where the live loop's frames come from. `start` hands each new frame to `onFrame` until its result is called. */
export interface FrameFeed {
  start(onFrame: (frame: LiveFrame) => void): () => void;
}

/**
 * Frames of a <video>, as it presents them (requestVideoFrameCallback): the app's source (the camera or the demo
 * clip). The element must stay in the document, where frame callbacks keep firing; none fire while the tab is hidden.
 */
export class VideoElementFeed implements FrameFeed {
  readonly #video: HTMLVideoElement;

  constructor(video: HTMLVideoElement) {
    this.#video = video;
  }

  start(onFrame: (frame: LiveFrame) => void): () => void {
    const video = this.#video;
    let handle = 0;
    let stopped = false;
    const next = () => {
      if (stopped) return;
      handle = video.requestVideoFrameCallback((now) => {
        // Rescheduled whatever this frame did: a throw here once ended the loop, and the app with it.
        try {
          onFrame({
            source: video,
            width: video.videoWidth,
            height: video.videoHeight,
            now,
            timestamp: null,
            release: () => undefined,
          });
        } finally {
          next();
        }
      });
    };
    next();
    return () => {
      stopped = true;
      video.cancelVideoFrameCallback(handle);
    };
  }
}

/**
 * VideoFrames from a stream (a camera track's, through MediaStreamTrackProcessor, here or handed to a worker), with
 * the camera's timestamps, in hidden tabs too, and with no element in any document. Each is read as soon as it
 * comes: a frame the loop does not take is closed at once, so none wait behind a slow one.
 */
export class StreamFeed implements FrameFeed {
  readonly #frames: ReadableStream<VideoFrame>;

  constructor(frames: ReadableStream<VideoFrame>) {
    this.#frames = frames;
  }

  start(onFrame: (frame: LiveFrame) => void): () => void {
    const reader = this.#frames.getReader();
    let stopped = false;
    const pump = async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        if (stopped) {
          value.close();
          return;
        }
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          value.close();
        };
        try {
          onFrame({
            source: value,
            width: value.displayWidth,
            height: value.displayHeight,
            now: performance.now(),
            timestamp: value.timestamp,
            release,
          });
        } catch (e) {
          release();
          console.warn('Frame skipped:', e);
        }
      }
    };
    // A track that ends, or a reader cancelled by stop, ends the pump; nothing is left to report.
    pump().catch(() => undefined);
    return () => {
      stopped = true;
      void reader.cancel().catch(() => undefined);
    };
  }
}

/** A camera track's frames (MediaStreamTrackProcessor, on this thread). */
export const trackFrames = (track: MediaStreamTrack): ReadableStream<VideoFrame> =>
  new MediaStreamTrackProcessor({ track: track as MediaStreamVideoTrack }).readable;
