import type { AppError } from './errors';
import type { DetectorHealth, FailClosedReason } from './fail-closed';

export type VeilState = 'starting' | 'fail-closed' | 'running' | 'error';

type FrameSkip = 'frames-refused' | 'draw-failed';

/**
 * What has gone wrong in the live loop and how far it has come back: the detector's answers and failures, a lost
 * GPU being rebuilt, frames the browser would not hand over, and the page state and message that follow from them.
 * It decides no frame's cover (planFrame does, from detectorHealth()); it keeps what that decision needs.
 */
export class RecoveryState {
  #error: AppError | null = null;
  #lastFailClosed: FailClosedReason | null = 'detector-starting';
  #rebuilding = false;
  /** The last detection attempt threw, and none has succeeded since. */
  #failing = false;
  /** Whether any detection has reached the tracker: after that, a missing result means a new picture, not start-up. */
  #answered = false;
  #lastResultCaptureMs: number | null = null;
  #epoch = 0;
  /** Frame time since which every frame was skipped (its import refused, or drawing it threw); null while frames are drawn. */
  #skippedSinceMs: number | null = null;

  /** The newest problem worth telling the user; cleared when it no longer holds. */
  get error(): AppError | null {
    return this.#error;
  }

  /** The device is being rebuilt after a loss: nothing is drawn until it is back. */
  get rebuilding(): boolean {
    return this.#rebuilding;
  }

  /** Bumped when the picture changes (new source, new frame size): detections of the old one are dropped. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Why the newest frame was blurred whole (a lost GPU while it is rebuilt); null: only its faces were. */
  get failClosed(): FailClosedReason | null {
    return this.#rebuilding ? 'gpu-lost' : this.#lastFailClosed;
  }

  /** The detector's side of the fail-closed rule; `movedSince` asks the motion guard about a result's frame. */
  detectorHealth(ready: boolean, movedSince: (captureMs: number) => boolean): DetectorHealth {
    const last = this.#lastResultCaptureMs;
    return {
      ready,
      answered: this.#answered,
      lastResultCaptureMs: last,
      failing: this.#failing,
      moved: last !== null && movedSince(last),
    };
  }

  /** The page state outside checks read; `hasDevice`: the GPU resources exist. */
  state(hasDevice: boolean): VeilState {
    if (!hasDevice) return this.#error && !this.#rebuilding ? 'error' : 'starting';
    if (this.#lastFailClosed === 'detector-starting' && this.#lastResultCaptureMs === null) {
      return this.#error?.kind === 'model-load' ? 'error' : 'starting';
    }
    return this.#lastFailClosed ? 'fail-closed' : 'running';
  }

  /** A failure to report as it is: the GPU or the model could not be had, or a rebuild attempt failed. */
  fail(error: AppError): void {
    this.#error = error;
  }

  detectorLoaded(): void {
    this.#clear('model-load');
  }

  /** A detection of the frame captured at `captureMs` reached the tracker. */
  detectionAnswered(captureMs: number): void {
    this.#lastResultCaptureMs = Math.max(this.#lastResultCaptureMs ?? captureMs, captureMs);
    this.#answered = true;
    this.#failing = false;
    this.#clear('detector-error');
  }

  /** A detector that throws may be broken in ways that spoil its other answers too: fail closed until one succeeds. */
  detectionFailed(detail: string): void {
    this.#failing = true;
    this.#error = { kind: 'detector-error', detail };
  }

  /** A new source or frame size: boxes of the old picture mean nothing there, and results still coming are dropped. */
  newPicture(): void {
    this.#lastResultCaptureMs = null;
    this.#epoch++;
  }

  /** A frame was drawn, blurred whole for `reason` or not. */
  frameDrawn(reason: FailClosedReason | null): void {
    this.#skippedSinceMs = null;
    this.#clear('frames-refused');
    this.#clear('draw-failed');
    this.#lastFailClosed = reason;
  }

  /**
   * A frame was not drawn; the canvas keeps its last anonymized frame. Frames skipped for longer than the budget
   * are a freeze, not a blip: true when that makes a new message to show.
   */
  frameSkipped(frameMs: number, kind: FrameSkip, detail: string, budgetMs: number): boolean {
    this.#skippedSinceMs ??= frameMs;
    if (frameMs - this.#skippedSinceMs <= budgetMs || this.#error?.kind === kind) return false;
    this.#error = { kind, detail };
    return true;
  }

  deviceLost(detail: string): void {
    this.#error = { kind: 'device-lost', detail };
    this.#lastFailClosed = 'gpu-lost';
  }

  /** The rebuild starts: the new device's detector starts from nothing, as at start-up. */
  rebuildStarted(): void {
    this.#rebuilding = true;
    this.#lastResultCaptureMs = null;
    this.#answered = false;
  }

  rebuilt(): void {
    this.#rebuilding = false;
    this.#clear('device-lost');
  }

  #clear(kind: AppError['kind']): void {
    if (this.#error?.kind === kind) this.#error = null;
  }
}

/** Wait before rebuild attempt `attempt` (0 first) after it failed: doubling from 250 ms, at most 5 s. */
export function rebuildDelayMs(attempt: number): number {
  return Math.min(5000, 250 * 2 ** attempt);
}

/**
 * Tries `create` until it succeeds or `stopped()` says to give up (null then), waiting longer after each failure,
 * each failure told to `failed` first.
 */
export async function rebuild<T>(
  create: () => Promise<T>,
  {
    stopped,
    failed,
    wait = (ms) => new Promise((r) => setTimeout(r, ms)),
  }: {
    stopped: () => boolean;
    failed: (e: unknown) => void;
    wait?: (ms: number) => Promise<unknown>;
  },
): Promise<T | null> {
  for (let attempt = 0; !stopped(); attempt++) {
    try {
      return await create();
    } catch (e) {
      failed(e);
      await wait(rebuildDelayMs(attempt));
    }
  }
  return null;
}
