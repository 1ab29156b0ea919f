import { describe, expect, it } from 'vitest';
import { DetectSchedule, tilesPerDetection } from './detect-schedule';

const HD = { width: 1280, height: 720 };
/** A frame's tiles as the detector reports them: `n` tiles, each costing `cost` whole-frame runs. */
const tiles =
  (n: number, cost = 1) =>
  () =>
    Array<number>(n).fill(cost);

describe('tilesPerDetection', () => {
  it('runs the whole frame alone until a run has been timed', () => {
    expect(tilesPerDetection(8, NaN)).toBe(0);
  });

  it('adds as many tiles as fit in the 100 ms target besides the whole frame, at least one, at most all', () => {
    expect(tilesPerDetection(8, 20)).toBe(4); // 5 runs of 20 ms
    expect(tilesPerDetection(8, 80)).toBe(1); // over the target already: still one, so every tile's turn comes
    expect(tilesPerDetection(8, 5)).toBe(8);
  });

  it('runs a look dearer than the whole frame only where it fits', () => {
    expect(tilesPerDetection(1, 20, 4)).toBe(1); // 20 ms + 80 ms
    expect(tilesPerDetection(1, 21, 4)).toBe(0); // it would take the detection over the target
    expect(tilesPerDetection(0, 5)).toBe(0);
  });
});

describe('DetectSchedule', () => {
  it('keeps one detection in flight: a frame arriving meanwhile starts none, and asks for no tile count', () => {
    const schedule = new DetectSchedule();
    let counted = 0;
    const count = () => (counted++, [1, 1, 1, 1]);
    expect(schedule.begin(HD, count)).not.toBeNull();
    expect(schedule.begin(HD, count)).toBeNull();
    expect(counted).toBe(1);
    schedule.end();
    expect(schedule.begin(HD, count)).not.toBeNull();
  });

  it('plans the first detection at the starting side with no tiles, then spreads the tiles by the measured time', () => {
    const schedule = new DetectSchedule();
    const first = schedule.begin(HD, tiles(6))!;
    expect(first).toEqual({ tiles: 6, tileCost: 1, perCall: 0, side: 640, frameLong: 1280 });
    expect(schedule.answered(first, 40, 0)).toBeNull(); // no tile ran: nothing to hold for
    schedule.end();
    expect(schedule.detectionMs).toBe(40);
    const second = schedule.begin(HD, tiles(6))!;
    expect(second.perCall).toBe(1); // 40 ms a crop: the whole frame and one tile
    // 6 tiles one at a time: a tile-only face is found every 6 detections of 80 ms; held for 1.5 of those cycles.
    expect(schedule.answered(second, 80, 100)).toBe(1.5 * 6 * 80);
  });

  it('times an upscaled look by its input: it runs once the whole frame is fast enough to leave room for it', () => {
    const schedule = new DetectSchedule();
    const first = schedule.begin(HD, tiles(1, 4))!;
    expect(first.perCall).toBe(0);
    schedule.answered(first, 15, 0);
    schedule.end();
    const second = schedule.begin(HD, tiles(1, 4))!;
    expect(second.perCall).toBe(1); // 15 ms + 4 x 15 ms
    schedule.answered(second, 100, 100); // 5 whole-frame runs: 20 ms each
    schedule.end();
    expect(schedule.begin(HD, tiles(1, 4))!.perCall).toBe(1); // median of 15 and 20: 17.5 ms, 87.5 ms with the look
  });

  it('moves the input side down when detections run over the target, never past the frame', () => {
    const schedule = new DetectSchedule();
    for (let i = 0; i < 3; i++) {
      const plan = schedule.begin(HD, tiles(0))!;
      schedule.answered(plan, 250, i * 300);
      schedule.end();
    }
    expect(schedule.side(1280)).toBe(480);
    expect(schedule.side(400)).toBe(400);
  });

  it('paces results by the gap between their frames: a detection waits for a frame to start on', () => {
    const schedule = new DetectSchedule();
    expect(schedule.paceMs).toBeNaN();
    // 200 ms detections on frames 300 ms apart: each starts on the frame after the one before answered.
    for (let i = 0; i < 5; i++) {
      const plan = schedule.begin(HD, tiles(0))!;
      schedule.answered(plan, 200, i * 600);
      schedule.end();
      if (i === 0) expect(schedule.paceMs).toBe(200);
    }
    expect(schedule.detectionMs).toBe(200);
    expect(schedule.paceMs).toBe(600);
  });

  it('never paces faster than a detection takes (results of frames captured close together)', () => {
    const schedule = new DetectSchedule();
    for (let i = 0; i < 3; i++) {
      schedule.answered(schedule.begin(HD, tiles(0))!, 200, i * 50);
      schedule.end();
    }
    expect(schedule.paceMs).toBe(200);
  });
});
