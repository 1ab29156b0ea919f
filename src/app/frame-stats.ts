import { percentile } from './timing';

/** What the live pipeline did since the last look: the numbers a long run reports. */
export interface FrameStatsWindow {
  frames: number;
  /** Frames drawn with the whole picture anonymized because detections could not be trusted. */
  failClosedFrames: number;
  /** From a frame's arrival to the GPU finishing it, in ms. */
  frameMsP50: number;
  frameMsP95: number;
}

/** Counts frames and their times in windows; `take()` closes one window and starts the next. */
export class FrameStats {
  #frames = 0;
  #failClosedFrames = 0;
  #frameMs: number[] = [];

  record(frameMs: number, failClosed: boolean): void {
    this.#frames++;
    if (failClosed) this.#failClosedFrames++;
    this.#frameMs.push(frameMs);
  }

  take(): FrameStatsWindow {
    const sorted = this.#frameMs.sort((a, b) => a - b);
    const window = {
      frames: this.#frames,
      failClosedFrames: this.#failClosedFrames,
      frameMsP50: percentile(sorted, 0.5),
      frameMsP95: percentile(sorted, 0.95),
    };
    this.#frames = 0;
    this.#failClosedFrames = 0;
    this.#frameMs = [];
    return window;
  }
}
