import type { Rect } from '../core/types';
import type { FaceMask } from '../render/anonymize-pass';
import type { TrackedFace } from '../track/tracker';
import { maskFromBox } from './masks';

/**
 * Faces the user chose to leave unblurred, by track id: explicit (a click), for this session only, and tied to the
 * track, so a face the tracker loses and finds again is a new track and is blurred again.
 */
export class FaceExclusions {
  readonly #ids = new Set<number>();

  get size(): number {
    return this.#ids.size;
  }

  /** Toggles the face whose mask holds the point (frame pixels); the smallest mask wins where they overlap. */
  toggleAt(x: number, y: number, faces: readonly TrackedFace[], maskScale: number): TrackedFace | null {
    const hit = faces
      .map((f) => ({ f, m: maskFromBox(f.box, maskScale) }))
      .filter(({ m }) => ((x - m.cx) / m.rx) ** 2 + ((y - m.cy) / m.ry) ** 2 <= 1)
      .sort((a, b) => a.m.rx * a.m.ry - b.m.rx * b.m.ry)[0];
    if (!hit) return null;
    if (!this.#ids.delete(hit.f.id)) this.#ids.add(hit.f.id);
    return hit.f;
  }

  /**
   * Masks to anonymize and the boxes left unblurred. Excluded faces become masks only to be outlined in the output
   * when outlines are on; otherwise the output carries no mark of them (the preview outlines them instead).
   */
  apply(faces: readonly TrackedFace[], maskScale: number, outlines: boolean): { masks: FaceMask[]; shown: Rect[] } {
    const masks: FaceMask[] = [];
    const shown: Rect[] = [];
    for (const f of faces) {
      const excluded = this.#ids.has(f.id);
      if (excluded) shown.push(f.box);
      if (!excluded || outlines) masks.push(maskFromBox(f.box, maskScale, excluded));
    }
    return { masks, shown };
  }

  /** Forgets ids whose tracks have ended (they never come back), so the set cannot grow over a long run. */
  keepOnly(faces: readonly TrackedFace[]): void {
    for (const id of this.#ids) if (!faces.some((f) => f.id === id)) this.#ids.delete(id);
  }

  clear(): void {
    this.#ids.clear();
  }
}
