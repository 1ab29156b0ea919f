import { describe, expect, it } from 'vitest';
import type { TrackedFace } from '../track/tracker';
import { FaceExclusions } from './exclusions';

const face = (id: number, x: number, y: number, w: number, h: number): TrackedFace => ({
  id,
  box: { x, y, w, h },
  lastSeenMs: 0,
  held: false,
  confirmed: true,
});

describe('FaceExclusions', () => {
  const faces = [face(1, 100, 100, 40, 40), face(2, 110, 110, 10, 10), face(3, 300, 100, 40, 40)];

  it('toggles the smallest face under the click, and nothing when the click misses', () => {
    const ex = new FaceExclusions();
    expect(ex.toggleAt(115, 115, faces, 1.3)?.id).toBe(2);
    expect(ex.toggleAt(104, 135, faces, 1.3)?.id).toBe(1);
    expect(ex.size).toBe(2);
    expect(ex.toggleAt(115, 115, faces, 1.3)?.id).toBe(2);
    expect(ex.size).toBe(1);
    expect(ex.toggleAt(250, 300, faces, 1.3)).toBeNull();
  });

  it('leaves excluded faces out of the masks, or outlines them when outlines are on', () => {
    const ex = new FaceExclusions();
    ex.toggleAt(320, 120, faces, 1.3);
    const plain = ex.apply(faces, 1.3, false);
    expect(plain.masks.map((m) => m.excluded)).toEqual([false, false]);
    expect(plain.shown).toEqual([faces[2].box]);
    expect(ex.apply(faces, 1.3, true).masks.map((m) => m.excluded)).toEqual([false, false, true]);
  });

  it('forgets faces whose tracks ended: a face found again is blurred again', () => {
    const ex = new FaceExclusions();
    ex.toggleAt(320, 120, faces, 1.3);
    ex.keepOnly(faces.slice(0, 2));
    expect(ex.size).toBe(0);
    expect(ex.apply([face(4, 300, 100, 40, 40)], 1.3, false).masks).toHaveLength(1);
  });
});
