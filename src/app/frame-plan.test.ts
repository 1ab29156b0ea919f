import { describe, expect, it } from 'vitest';
import type { Rect } from '../core/types';
import type { Tracker } from '../track/tracker';
import { planFrame } from './frame-plan';
import { maskFromBox, maskFromRegion } from './masks';

const FACE: Rect = { x: 100, y: 80, w: 40, h: 50 };
const STRIP: Rect = { x: 0, y: 0, w: 20, h: 360 };
const O = { budgetMs: 250, maskScale: 1.3, unseenEdges: true };

/** A tracker that reports one face and one unseen strip, and counts how often it is asked and told of jumps. */
function fakeTracker() {
  const asked = { faces: 0, unseen: 0, jumped: [] as number[] };
  const tracker = {
    faces: () => (asked.faces++, [{ id: 1, box: FACE, lastSeenMs: 0, held: false }]),
    unseenEdges: () => (asked.unseen++, [STRIP]),
    jumped: (ms: number) => asked.jumped.push(ms),
  } as unknown as Tracker;
  return { tracker, asked };
}

const fresh = { ready: true, answered: true, lastResultCaptureMs: 100, failing: false };

describe('planFrame', () => {
  it('covers the tracked faces and the unseen strips while detections are fresh', () => {
    const { tracker } = fakeTracker();
    const plan = planFrame(tracker, fresh, 200, O);
    expect(plan.reason).toBeNull();
    expect(plan.masks).toEqual([maskFromBox(FACE, 1.3), maskFromRegion(STRIP)]);
    expect(plan.unseen).toEqual([STRIP]);
  });

  it('blurs the whole frame when the rule says so, and still asks the tracker for its faces', () => {
    const { tracker, asked } = fakeTracker();
    for (const [health, now, reason] of [
      [{ ...fresh, ready: false }, 200, 'detector-starting'],
      [fresh, 400, 'detector-stalled'],
      [{ ...fresh, failing: true }, 200, 'detector-error'],
      [{ ...fresh, moved: true }, 200, 'fast-motion'],
    ] as const) {
      const plan = planFrame(tracker, health, now, O);
      expect(plan.reason).toBe(reason);
      expect(plan.masks).toEqual([]);
      expect(plan.faces.map((f) => f.id)).toEqual([1]);
    }
    // Only the motion guard's frame is a jump: the tracker's held faces mean nothing after it.
    expect(asked).toEqual({ faces: 4, unseen: 0, jumped: [200] });
  });

  it("leaves the strips out when unseen edges are off, and takes the caller's face masks", () => {
    const { tracker, asked } = fakeTracker();
    const plan = planFrame(tracker, fresh, 200, { ...O, unseenEdges: false }, () => []);
    expect(plan.masks).toEqual([]);
    expect(asked.unseen).toBe(0);
  });
});
