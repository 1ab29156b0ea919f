import { describe, expect, it } from 'vitest';
import { trustBudget } from './trust-budget';

describe('trustBudget', () => {
  it("is the user's when one was chosen, whatever the detector's pace", () => {
    expect(trustBudget(250, 600)).toBe(250);
    expect(trustBudget(2000, 50)).toBe(2000);
  });

  it('keeps the strict default for a fast detector and before any detection was timed', () => {
    expect(trustBudget(null, Number.NaN)).toBe(250);
    expect(trustBudget(null, 40)).toBe(250);
    expect(trustBudget(null, 100)).toBe(250);
  });

  it('follows a slower detector, so its results, one to two detections old, are still trusted', () => {
    for (const ms of [150, 250, 400]) expect(trustBudget(null, ms)).toBeGreaterThanOrEqual(2 * ms);
    expect(trustBudget(null, 300)).toBe(750);
  });

  it('stops at a ceiling: a detector slower than that gets whole frames', () => {
    // Reached at 400 ms a detection: a slower detector's results outlive it.
    expect(trustBudget(null, 400)).toBe(1000);
    expect(trustBudget(null, 600)).toBe(1000);
    expect(trustBudget(null, 600)).toBeLessThan(2 * 600);
  });
});
