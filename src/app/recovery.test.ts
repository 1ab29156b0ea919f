import { describe, expect, it } from 'vitest';
import { failClosedReason } from './fail-closed';
import { rebuild, rebuildDelayMs, RecoveryState } from './recovery';

const still: (captureMs: number) => boolean = () => false;
/** The reason planFrame gives a frame at `nowMs` (budget 250 ms) with the detector ready. */
const reason = (r: RecoveryState, nowMs: number, moved = still) =>
  failClosedReason(r.detectorHealth(true, moved), nowMs, 250);

describe('RecoveryState', () => {
  it('starts blurred whole, and runs once a detection has answered', () => {
    const r = new RecoveryState();
    expect(r.state(false)).toBe('starting');
    expect(r.state(true)).toBe('starting');
    expect(r.failClosed).toBe('detector-starting');
    expect(reason(r, 100)).toBe('detector-starting');
    r.detectionAnswered(100);
    r.frameDrawn(reason(r, 120));
    expect(r.failClosed).toBeNull();
    expect(r.state(true)).toBe('running');
  });

  it('is an error when the GPU or the model cannot be had', () => {
    const noGpu = new RecoveryState();
    noGpu.fail({ kind: 'no-webgpu', detail: '' });
    expect(noGpu.state(false)).toBe('error');
    const noModel = new RecoveryState();
    noModel.fail({ kind: 'model-load', detail: '' });
    expect(noModel.state(true)).toBe('error');
    noModel.detectorLoaded();
    expect(noModel.error).toBeNull();
    expect(noModel.state(true)).toBe('starting');
  });

  it('fails closed from a detector error until a detection succeeds, and clears its message then', () => {
    const r = new RecoveryState();
    r.detectionAnswered(100);
    r.detectionFailed('broken');
    expect(r.error).toEqual({ kind: 'detector-error', detail: 'broken' });
    expect(reason(r, 110)).toBe('detector-error');
    r.detectionAnswered(120);
    expect(r.error).toBeNull();
    expect(reason(r, 130)).toBeNull();
  });

  it("drops the old picture's results: a new picture is blurred whole until it has been searched", () => {
    const r = new RecoveryState();
    r.detectionAnswered(100);
    const epoch = r.epoch;
    r.newPicture();
    expect(r.epoch).not.toBe(epoch);
    expect(reason(r, 110)).toBe('new-picture');
  });

  it("asks the motion guard about the newest result's frame", () => {
    const r = new RecoveryState();
    const asked: number[] = [];
    const moved = (ms: number) => (asked.push(ms), true);
    expect(reason(r, 50, moved)).toBe('detector-starting');
    expect(asked).toEqual([]); // no result yet: nothing to compare with
    r.detectionAnswered(100);
    r.detectionAnswered(90); // an older frame's answer arriving late does not move the newest result back
    expect(reason(r, 110, moved)).toBe('fast-motion');
    expect(asked).toEqual([100]);
  });

  it('says frames are refused only once they have been for longer than the budget, and forgets it on a drawn frame', () => {
    const r = new RecoveryState();
    expect(r.frameSkipped(1000, 'frames-refused', 'no frame', 250)).toBe(false);
    expect(r.frameSkipped(1250, 'frames-refused', 'no frame', 250)).toBe(false);
    expect(r.frameSkipped(1251, 'frames-refused', 'no frame', 250)).toBe(true);
    expect(r.frameSkipped(1300, 'frames-refused', 'no frame', 250)).toBe(false); // already said
    expect(r.error?.kind).toBe('frames-refused');
    r.frameDrawn(null);
    expect(r.error).toBeNull();
    expect(r.frameSkipped(2000, 'draw-failed', 'threw', 250)).toBe(false); // a new run of skips starts its own clock
  });

  it('a lost GPU: blurred whole and starting while rebuilt, then starting over as at start-up', () => {
    const r = new RecoveryState();
    r.detectionAnswered(100);
    r.frameDrawn(null);
    r.deviceLost('destroyed: gone');
    expect(r.failClosed).toBe('gpu-lost');
    expect(r.error?.kind).toBe('device-lost');
    r.rebuildStarted();
    expect(r.rebuilding).toBe(true);
    r.fail({ kind: 'no-adapter', detail: '' }); // a failed attempt is told, and the rebuild goes on
    expect(r.state(false)).toBe('starting');
    r.rebuilt();
    expect(r.rebuilding).toBe(false);
    expect(r.failClosed).toBe('gpu-lost');
    expect(reason(r, 200)).toBe('detector-starting'); // the old device's answers count for nothing
  });

  it("clears the loss's message once rebuilt", () => {
    const r = new RecoveryState();
    r.deviceLost('destroyed: gone');
    r.rebuildStarted();
    r.rebuilt();
    expect(r.error).toBeNull();
  });
});

describe('rebuild', () => {
  it('retries with doubling waits up to 5 s, telling each failure, until it succeeds', async () => {
    const waits: number[] = [];
    const failures: unknown[] = [];
    let attempts = 0;
    const made = await rebuild(
      async () => {
        if (++attempts < 7) throw new Error(`attempt ${attempts}`);
        return 'device';
      },
      { stopped: () => false, failed: (e) => failures.push(e), wait: async (ms) => waits.push(ms) },
    );
    expect(made).toBe('device');
    expect(waits).toEqual([250, 500, 1000, 2000, 4000, 5000]);
    expect(failures).toHaveLength(6);
    expect(rebuildDelayMs(20)).toBe(5000);
  });

  it('gives up when stopped', async () => {
    let stopped = false;
    const made = await rebuild(
      async () => {
        throw new Error('no GPU');
      },
      { stopped: () => stopped, failed: () => (stopped = true), wait: async () => undefined },
    );
    expect(made).toBeNull();
  });
});
