// Which annotated photos become motion clips (tools/motion-clips.ts).
import { mulberry32 } from '../../src/testing/random';
import { type Box, ZOOM_RANGE } from './camera-plan';

export interface Photo {
  image: string;
  width: number;
  height: number;
  event?: string;
  faces: Box[];
}

/**
 * Photos as ../shared/data/motion/README.md's `--auto` picks them: 1-12 faces, all at least 24 px tall and none taller than half the
 * widest crop's height; round robin over events (WIDER's), photos with 2 or more faces first, in a seeded order.
 */
export function pickPhotos(photos: readonly Photo[], count: number, seed: number, skip: ReadonlySet<string>): Photo[] {
  const rnd = mulberry32(seed);
  const fit = photos.filter((p) => {
    const cropH = (Math.min(p.width, (p.height * 16) / 9) / ZOOM_RANGE[0]) * (9 / 16);
    return (
      !skip.has(p.image) &&
      p.faces.length >= 1 &&
      p.faces.length <= 12 &&
      p.faces.every((f) => f[3] >= 24 && f[3] <= cropH / 2)
    );
  });
  const byEvent = new Map<string, { p: Photo; key: number }[]>();
  for (const p of fit) {
    const list = byEvent.get(p.event ?? '') ?? [];
    list.push({ p, key: (p.faces.length >= 2 ? 0 : 1) + rnd() });
    byEvent.set(p.event ?? '', list);
  }
  const queues = [...byEvent.entries()]
    .map(([event, list]) => ({ event, key: rnd(), list: list.sort((a, b) => a.key - b.key) }))
    .sort((a, b) => a.key - b.key);
  const out: Photo[] = [];
  for (let round = 0; out.length < count && queues.some((q) => q.list.length > round); round++) {
    for (const q of queues) if (out.length < count && q.list[round]) out.push(q.list[round]!.p);
  }
  return out;
}
