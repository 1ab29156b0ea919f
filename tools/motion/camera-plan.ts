// A virtual camera over an annotated photo, as ../shared/data/motion's README describes the motion clips: holds,
// pans, whips, zooms, handheld shake and cuts, with every frame's face boxes known exactly. Pure: the plan and the
// boxes; tools/motion/render-clip.ts draws the frames.
import { mulberry32 } from '../../src/testing/random';

/** [x, y, w, h]. */
export type Box = readonly [number, number, number, number];

/** A 16:9 crop of the photo, in photo pixels. */
export interface Crop {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type Motion = 'hold' | 'pan' | 'whip' | 'zoom';

/** Where the camera looks: the crop's centre (photo px) and zoom (the largest 16:9 crop's width over the crop's). */
interface Pose {
  cx: number;
  cy: number;
  z: number;
}

export interface Segment {
  motion: Motion;
  start: number;
  end: number;
  shake: boolean;
  cutBefore: boolean;
  from: Pose;
  to: Pose;
}

export interface PlanOptions {
  photo: { width: number; height: number };
  faces: readonly Box[];
  video: { width: number; height: number };
  seed: number;
  /** The move forced first (the README's clips take pan, whip, zoom, shake, cut in turn). */
  primary: 'pan' | 'whip' | 'zoom' | 'shake' | 'cut';
}

export interface CameraPlan {
  segments: Segment[];
  frames: number;
  /** The crop at time `t` (frames; frame i's exposure is centred on t = i). */
  cropAt(t: number): Crop;
  /** Shake parameters, for the clip's JSON. */
  shake: { swayPx: number; jitterPx: number };
}

export const ZOOM_RANGE = [1.1, 2.5] as const;

/** Eases 0..1 in and out. */
const ease = (u: number) => 0.5 - 0.5 * Math.cos(Math.PI * Math.min(1, Math.max(0, u)));

/** The camera plan for one clip: 120-180 frames, starting with a hold of 10-20. */
export function planCamera(o: PlanOptions): CameraPlan {
  const rnd = mulberry32(o.seed);
  const between = (a: number, b: number) => a + (b - a) * rnd();
  const int = (a: number, b: number) => Math.floor(between(a, b + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const { width: W, height: H } = o.photo;
  const aspect = o.video.height / o.video.width;
  const fullW = Math.min(W, H / aspect);
  const tallest = Math.max(1, ...o.faces.map((f) => f[3]));
  // The largest face stays under 80 % of the frame's height.
  const zMax = Math.max(ZOOM_RANGE[0], Math.min(ZOOM_RANGE[1], (fullW * aspect * 0.8) / tallest));
  const zMin = ZOOM_RANGE[0];
  const clampPose = (p: Pose): Pose => {
    const z = Math.min(zMax, Math.max(zMin, p.z));
    const w = fullW / z;
    const h = w * aspect;
    return {
      z,
      cx: Math.min(W - w / 2, Math.max(w / 2, p.cx)),
      cy: Math.min(H - h / 2, Math.max(h / 2, p.cy)),
    };
  };
  const onFace = (z: number): Pose => {
    const f = pick(o.faces);
    return clampPose({ cx: f[0] + f[2] / 2 + between(-0.2, 0.2) * (fullW / z), cy: f[1] + f[3] / 2, z });
  };
  const facesInView = (p: Pose) => {
    const w = fullW / p.z;
    const h = w * aspect;
    return o.faces.some(
      (f) =>
        f[0] + f[2] / 2 > p.cx - w / 2 &&
        f[0] + f[2] / 2 < p.cx + w / 2 &&
        f[1] + f[3] / 2 > p.cy - h / 2 &&
        f[1] + f[3] / 2 < p.cy + h / 2,
    );
  };

  const target = int(120, 180);
  const segments: Segment[] = [];
  let pose = onFace(between(zMin, Math.min(zMax, 1.8)));
  let t = 0;
  let trips = 0;
  const add = (motion: Motion, frames: number, to: Pose, shake: boolean, cutBefore = false) => {
    if (t >= target) return;
    const end = Math.min(target, t + Math.max(1, Math.round(frames)));
    segments.push({ motion, start: t, end, shake, cutBefore, from: pose, to });
    pose = to;
    t = end;
  };
  const shakeAll = o.primary === 'shake';
  const shaken = () => shakeAll || rnd() < 0.4;
  const pan = (shake: boolean) => {
    const w = fullW / pose.z;
    const d = between(0.3, 1.2) * w;
    const a = between(0, 2 * Math.PI);
    const z = rnd() < 0.2 ? pose.z * 1.5 ** between(-1, 1) : pose.z;
    add(
      'pan',
      int(30, 75),
      clampPose({ cx: pose.cx + d * Math.cos(a), cy: pose.cy + d * Math.sin(a) * 0.5, z }),
      shake,
    );
  };
  /** A whip's end about a frame width or more to either side, or none where the photo has no room for it. */
  const whipTarget = (): Pose | undefined => {
    const w = fullW / pose.z;
    for (const dir of rnd() < 0.5 ? [-1, 1] : [1, -1]) {
      const to = clampPose({
        cx: pose.cx + dir * between(1, 1.6) * w,
        cy: pose.cy + between(-0.2, 0.2) * w * aspect,
        z: pose.z,
      });
      if (Math.abs(to.cx - pose.cx) >= 0.75 * w) return to;
    }
    return undefined;
  };
  const whip = (shake: boolean) => {
    let to = whipTarget();
    // Where the photo allows, a short zoom-in first, so that a move of a frame width fits.
    if (!to && pose.z * 1.3 <= zMax) {
      add('zoom', int(10, 15), clampPose({ ...pose, z: Math.min(zMax, pose.z * between(1.5, 2.5)) }), shake);
      to = t < target ? whipTarget() : undefined;
    }
    if (!to) return t < target ? pan(shake) : undefined;
    const w = fullW / pose.z;
    // About 10 frames per frame width of path: faces cross the frame in about 10 frames.
    const pathPx = (Math.hypot(to.cx - pose.cx, to.cy - pose.cy) * o.video.width) / w;
    const from = pose;
    add('whip', (pathPx / o.video.width) * between(9, 11), to, shake);
    // A whip that leaves every face out of view holds, then whips back (at most twice a clip).
    if (!facesInView(to) && trips < 2 && t < target) {
      trips++;
      add('hold', int(6, 15), to, shake);
      add('whip', (pathPx / o.video.width) * between(9, 11), from, shake);
    }
  };
  const zoom = (shake: boolean) => {
    const zIn = pose.z * 1.3 <= zMax && (pose.z / 1.3 < zMin || rnd() < 0.5);
    const z = zIn
      ? between(pose.z * 1.3, Math.min(zMax, pose.z * 2))
      : between(Math.max(zMin, pose.z / 2), pose.z / 1.3);
    const to = zIn ? onFace(z) : clampPose({ ...pose, z });
    add('zoom', int(30, 60), to, shake);
  };
  const cut = (shake: boolean) => {
    for (let i = 0; i < 20; i++) {
      const to = onFace(between(zMin, zMax));
      const moved = Math.hypot(to.cx - pose.cx, to.cy - pose.cy) >= 0.5 * (fullW / pose.z);
      if (moved || Math.max(to.z / pose.z, pose.z / to.z) >= 1.4) {
        add('hold', int(10, 30), to, shake, true);
        return;
      }
    }
    add('hold', int(10, 30), pose, shake);
  };
  const moves = { pan, whip, zoom, cut, hold: (shake: boolean) => add('hold', int(10, 30), pose, shake) };

  add('hold', int(10, 20), pose, shakeAll);
  const first = o.primary === 'shake' ? pick(['pan', 'zoom', 'hold'] as const) : o.primary;
  moves[first](shaken());
  const weighted = ['pan', 'pan', 'pan', 'whip', 'whip', 'zoom', 'zoom', 'hold', 'hold', 'cut'] as const;
  while (t < target) moves[pick(weighted)](shaken());

  const shake = { swayPx: between(3, 8), jitterPx: between(0.5, 1.5) };
  const sines = [0, 1].map(() => ({ hz: between(0.6, 6), phase: between(0, 2 * Math.PI), ax: rnd(), ay: rnd() }));
  const breathe = { hz: between(0.2, 0.6), phase: between(0, 2 * Math.PI) };
  const fps = 30;
  const jitter = (i: number, axis: number) => (mulberry32(o.seed * 7919 + i * 2 + axis)() * 2 - 1) * shake.jitterPx;

  const segmentAt = (tt: number) => segments.find((s) => tt < s.end) ?? segments.at(-1)!;
  const cropAt = (tt: number): Crop => {
    const s = segmentAt(Math.max(0, tt));
    const u = s.end > s.start ? (tt - s.start) / (s.end - s.start) : 1;
    const k = s.motion === 'hold' ? 0 : ease(u);
    const z0 = s.from.z * (s.to.z / s.from.z) ** k;
    let cx = s.from.cx + (s.to.cx - s.from.cx) * k;
    let cy = s.from.cy + (s.to.cy - s.from.cy) * k;
    let z = z0;
    if (s.shake) {
      // Ramped in and out over about 7 frames.
      const ramp = Math.min(1, (tt - s.start) / 7, (s.end - tt) / 7);
      const r = Math.max(0, ramp);
      const secs = tt / fps;
      const pxPerVideoPx = fullW / z0 / o.video.width;
      const sway = (axis: 'ax' | 'ay') =>
        sines.reduce((v, w) => v + (w[axis] - 0.5) * Math.sin(2 * Math.PI * w.hz * secs + w.phase), 0);
      const frame = Math.round(tt);
      cx += r * pxPerVideoPx * (shake.swayPx * sway('ax') + jitter(frame, 0));
      cy += r * pxPerVideoPx * (shake.swayPx * sway('ay') + jitter(frame, 1));
      z *= 1 + r * 0.012 * Math.sin(2 * Math.PI * breathe.hz * secs + breathe.phase);
    }
    const w = fullW / z;
    const h = w * aspect;
    // Shake at the photo's edge moves the view along it rather than past it.
    return { x: Math.min(W - w, Math.max(0, cx - w / 2)), y: Math.min(H - h, Math.max(0, cy - h / 2)), w, h };
  };
  return { segments, frames: t, cropAt, shake };
}

export interface FrameTruth {
  faces: Box[];
  ids: number[];
  visible_fraction: number[];
  partial: { id: number; box: Box; visible_fraction: number }[];
  camera: Box;
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const box4 = (x: number, y: number, w: number, h: number): Box => [round2(x), round2(y), round2(w), round2(h)];

/** A face's photo box in the video frame a crop makes: clipped, and listed where at least 40 % of it shows. */
export function truthAt(crop: Crop, faces: readonly Box[], video: { width: number; height: number }): FrameTruth {
  const k = video.width / crop.w;
  const out: FrameTruth = {
    faces: [],
    ids: [],
    visible_fraction: [],
    partial: [],
    camera: box4(crop.x, crop.y, crop.w, crop.h),
  };
  faces.forEach((f, id) => {
    const x = (f[0] - crop.x) * k;
    const y = (f[1] - crop.y) * k;
    const w = f[2] * k;
    const h = f[3] * k;
    const x0 = Math.max(0, x);
    const y0 = Math.max(0, y);
    const x1 = Math.min(video.width, x + w);
    const y1 = Math.min(video.height, y + h);
    if (x1 <= x0 || y1 <= y0) return;
    const visible = ((x1 - x0) * (y1 - y0)) / (w * h);
    const box = box4(x0, y0, x1 - x0, y1 - y0);
    if (visible >= 0.4) {
      out.faces.push(box);
      out.ids.push(id);
      out.visible_fraction.push(round2(visible));
    } else {
      out.partial.push({ id, box, visible_fraction: round2(visible) });
    }
  });
  return out;
}
