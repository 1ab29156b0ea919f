import { describe, expect, it } from 'vitest';
import { InputSideChooser, LIVE_SIDES } from './input-side';

/** Feeds detections whose time scales with the input's area: `msAt640` at 640. */
function settle(chooser: InputSideChooser, msAt640: number, frameLong = 1280, detections = 40): number[] {
  const sides: number[] = [];
  for (let i = 0; i < detections; i++) {
    const side = chooser.side(frameLong);
    sides.push(side);
    chooser.record(side, msAt640 * (side / 640) ** 2, frameLong);
  }
  return sides;
}

describe('InputSideChooser', () => {
  it('starts at 640 and keeps it where 640 fits and 960 would not', () => {
    const sides = settle(new InputSideChooser(100), 60);
    expect(sides.every((s) => s === 640)).toBe(true);
  });

  it('steps down on a slow machine until the detections fit the target', () => {
    const sides = settle(new InputSideChooser(100), 250);
    expect(sides[0]).toBe(640);
    expect(sides.at(-1)).toBe(320); // 250 ms at 640 -> 62 ms at 320, 141 ms at 480
  });

  it('steps up on a fast machine, never past the frame', () => {
    expect(settle(new InputSideChooser(100), 10).at(-1)).toBe(1280);
    expect(settle(new InputSideChooser(100), 10, 960).at(-1)).toBe(960);
    expect(settle(new InputSideChooser(100), 10, 500).at(-1)).toBe(500);
  });

  it('does not swing between two sides at the boundary', () => {
    const sides = settle(new InputSideChooser(100), 45, 1280, 100);
    const tail = sides.slice(20);
    expect(new Set(tail).size).toBe(1);
  });

  it('ignores a time measured at a side it has since left', () => {
    const chooser = new InputSideChooser(100);
    for (let i = 0; i < 3; i++) chooser.record(640, 500, 1280);
    expect(chooser.side(1280)).toBe(480);
    chooser.record(640, 1, 1280);
    chooser.record(640, 1, 1280);
    chooser.record(640, 1, 1280);
    expect(chooser.side(1280)).toBe(480);
    expect(LIVE_SIDES).toContain(480);
  });
});
