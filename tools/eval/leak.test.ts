import { describe, expect, it } from 'vitest';
import { addLeakSummaries, LeakCounter } from './leak';
import { maskArea, type Ellipse } from '../../src/render/mask-area';

const FRAME = { width: 640, height: 360 };
const box = (x: number, y: number, w: number, h: number) => ({ x, y, w, h });
/** The ellipse inscribed in a box, grown by `scale` (maskFromBox's geometry). */
const ellipseOf = (b: { x: number; y: number; w: number; h: number }, scale = 1): Ellipse => ({
  cx: b.x + b.w / 2,
  cy: b.y + b.h / 2,
  rx: (b.w / 2) * scale,
  ry: (b.h / 2) * scale,
});

describe('LeakCounter', () => {
  const face = box(100, 100, 40, 40);
  const big = ellipseOf(face, 1.3);

  it('counts leaked face-frames, frames with a leak, and runs of the same face', () => {
    const c = new LeakCounter();
    const faces = [
      { box: face, id: 7 },
      { box: box(300, 100, 40, 40), id: 8 },
    ];
    const shown = (leakSecond: boolean) => ({
      masks: leakSecond ? [big] : [big, ellipseOf(faces[1]!.box, 1.3)],
      fullFrame: false,
    });
    c.add(0, FRAME, faces, shown(false));
    c.add(1, FRAME, faces, shown(true));
    c.add(2, FRAME, faces, shown(true));
    c.add(3, FRAME, faces, shown(false));
    c.add(5, FRAME, faces, shown(true)); // frame 4 missing: a new run
    const s = c.summary();
    expect(s.frames).toBe(5);
    expect(s.face_frames).toBe(10);
    expect(s.leaked_face_frames).toBe(3);
    expect(s.leak_rate).toBeCloseTo(0.3);
    expect(s.frames_with_any_leak).toBe(3);
    expect(s.longest_leak_run).toBe(2);
    expect(s.leak_runs_over_1).toBe(1);
  });

  it('leaves faces under 20 px out of the headline but not out of all_faces', () => {
    const c = new LeakCounter();
    c.add(
      0,
      FRAME,
      [
        { box: box(10, 10, 15, 15), id: 1 },
        { box: face, id: 2 },
      ],
      { masks: [big], fullFrame: false },
    );
    const s = c.summary();
    expect([s.face_frames, s.leaked_face_frames]).toEqual([1, 0]);
    expect([s.all_faces.face_frames, s.all_faces.leaked_face_frames]).toEqual([2, 1]);
  });

  it('treats a fail-closed frame as covering everything and blurring the whole frame', () => {
    const c = new LeakCounter();
    c.add(0, FRAME, [{ box: face, id: 1 }], { masks: [], fullFrame: true });
    const s = c.summary();
    expect(s.leaked_face_frames).toBe(0);
    expect(s.full_frames).toBe(1);
    expect(s.mask_area_ratio).toBeCloseTo((640 * 360) / (40 * 40));
  });

  it("splits out the whole frames and what the detector's own boxes would blur on the same frames", () => {
    const c = new LeakCounter();
    const own = { cx: 300, cy: 150, rx: 20, ry: 20 };
    c.add(0, FRAME, [{ box: face, id: 1 }], { masks: [], fullFrame: true });
    c.add(1, FRAME, [{ box: face, id: 1 }], { masks: [big], fullFrame: false, detections: [own] });
    c.add(2, FRAME, [{ box: face, id: 1 }], { masks: [big], fullFrame: false });
    const s = c.summary();
    const whole = 640 * 360;
    expect(s.full_frame_ratio).toBeCloseTo(whole / (3 * 1600));
    expect(s.mask_area_ratio).toBeCloseTo((whole + 2 * maskArea([big], FRAME)) / (3 * 1600));
    // A frame without a result blurs nothing of its own.
    expect(s.detector_mask_ratio).toBeCloseTo((whole + maskArea([own], FRAME)) / (3 * 1600));
    expect([s.boxes_per_frame, s.detector_boxes_per_frame]).toEqual([1, 0.5]);
    const twice = addLeakSummaries([s, s]);
    expect([
      twice.full_frame_ratio,
      twice.detector_mask_ratio,
      twice.boxes_per_frame,
      twice.detector_boxes_per_frame,
    ]).toEqual([s.full_frame_ratio, s.detector_mask_ratio, 1, 0.5]);
  });

  it('adds clips: counts summed, rates over the sums, the longest run the longest of any clip', () => {
    const a = new LeakCounter();
    a.add(0, FRAME, [{ box: face, id: 1 }], { masks: [], fullFrame: false });
    a.add(1, FRAME, [{ box: face, id: 1 }], { masks: [], fullFrame: false });
    const b = new LeakCounter();
    b.add(
      0,
      FRAME,
      [
        { box: face, id: 1 },
        { box: face, id: 2 },
      ],
      { masks: [big], fullFrame: false },
    );
    const s = addLeakSummaries([a.summary(), b.summary()]);
    expect([s.frames, s.face_frames, s.leaked_face_frames, s.longest_leak_run]).toEqual([3, 4, 2, 2]);
    expect(s.leak_rate).toBeCloseTo(0.5);
    expect(s.mask_area_ratio).toBeCloseTo(maskArea([big], FRAME) / (4 * 1600));
  });
});
