import type { Detection } from '../core/types';

/**
 * Failures a real machine has, on demand (window.veil, src/ui/veil-app.ts), so that end-to-end tests and a console
 * can drive the live loop into its fail-closed and recovery paths: a lost GPU, a detector that throws, a GPU whose
 * detections lag the picture more.
 */
export class LiveTestHooks {
  /** Detections still to fail on purpose. */
  #faults = 0;
  /** Extra milliseconds before each detection's result is used. */
  #delayMs = 0;
  readonly #lose: () => void;

  /** `lose`: loses the live loop's device or context now (nothing while it is being rebuilt). */
  constructor(lose: () => void) {
    this.#lose = lose;
  }

  /**
   * Simulates a lost GPU: a destroyed WebGPU device reports itself lost, as one whose driver crashed does; a WebGL
   * context is lost through WEBGL_lose_context and then restored, as the browser restores one.
   */
  loseDevice(): void {
    this.#lose();
  }

  /** The next `count` detections throw, as a broken model or driver would. */
  injectDetectorFaults(count: number): void {
    this.#faults = count;
  }

  /** Each detection's result is used `ms` later, as on a GPU whose detections lag the picture more. */
  slowDetections(ms: number): void {
    this.#delayMs = ms;
  }

  /** A detection as the hooks leave it: refused without running while faults remain, its result held back by the delay. */
  detect(run: () => Promise<Detection[]>): Promise<Detection[]> {
    const delay = this.#delayMs;
    let detection: Promise<Detection[]>;
    if (this.#faults > 0) {
      this.#faults--;
      detection = Promise.reject(new Error('injected detector fault (test hook)'));
    } else {
      detection = run();
    }
    return delay > 0
      ? detection.then((dets) => new Promise<Detection[]>((r) => setTimeout(() => r(dets), delay)))
      : detection;
  }
}
