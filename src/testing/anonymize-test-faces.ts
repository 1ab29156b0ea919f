// Real face crops for the anonymize tests; Node only. The face sets live outside the repository
// (../shared/data/faces): check FACE_SET exists and skip, loudly, when it does not.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Rect, RgbaImage } from '../core/types';
import { readImageRgba } from './image-io';

/** dlib's frontal face boxes on PASCAL photos. */
export const FACE_SET = '../shared/data/faces/dlib_pascal/annotations.json';
/** Images and the face in each to crop around: the larger faces, so the detector finds them unblurred. */
const CROPS: [string, number][] = [
  ['images/2008_001009.jpg', 0],
  ['images/2008_001322.jpg', 2],
  ['images/2008_002506.jpg', 0],
  ['images/2009_004587.jpg', 0],
];

export interface FaceCrop {
  name: string;
  img: RgbaImage;
  /** The face the crop is centred on, and every annotated face in the crop (all get masked). */
  face: Rect;
  faces: Rect[];
}

/** A square of 3 box sides around the face (cut by the photo's edges), in the photo's own pixels. */
function cropAround(photo: RgbaImage, boxes: Rect[], i: number, name: string): FaceCrop {
  const b = boxes[i];
  const side = 3 * Math.max(b.w, b.h);
  const x0 = Math.max(0, Math.round(b.x + b.w / 2 - side / 2));
  const y0 = Math.max(0, Math.round(b.y + b.h / 2 - side / 2));
  const x1 = Math.min(photo.width, x0 + side);
  const y1 = Math.min(photo.height, y0 + side);
  const data = new Uint8Array((x1 - x0) * (y1 - y0) * 4);
  for (let y = y0; y < y1; y++)
    data.set(photo.data.subarray((y * photo.width + x0) * 4, (y * photo.width + x1) * 4), (y - y0) * (x1 - x0) * 4);
  const shift = (r: Rect): Rect => ({ x: r.x - x0, y: r.y - y0, w: r.w, h: r.h });
  const inside = (r: Rect) => r.x < x1 && r.x + r.w > x0 && r.y < y1 && r.y + r.h > y0;
  return {
    name,
    img: { width: x1 - x0, height: y1 - y0, data },
    face: shift(b),
    faces: boxes.filter(inside).map(shift),
  };
}

/** Four crops of 228 to 327 px, faces of 76 to 109 px. */
export function readFaceCrops(): FaceCrop[] {
  const annotations = JSON.parse(readFileSync(FACE_SET, 'utf8')) as { image: string; faces: number[][] }[];
  return CROPS.map(([image, i]) => {
    const boxes = annotations.find((a) => a.image === image)!.faces.map(([x, y, w, h]) => ({ x, y, w, h }));
    return cropAround(readImageRgba(join(dirname(FACE_SET), image)), boxes, i, image);
  });
}
