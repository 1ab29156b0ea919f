import type { Detection, Rect } from '../../src/core/types';
import { COVER_FRACTION, coverage } from '../../src/detect/eval-metrics';
import { coveredShare, maskArea, type Ellipse } from '../../src/render/mask-area';

/** A ground-truth face on one frame; `id` follows the same person across frames. */
export interface TruthFace {
  box: Rect;
  id?: number;
}

/** Whether one of a result's detections found this face, as the photo eval counts a face found (COVER_FRACTION). */
export function foundIn(face: TruthFace, detections: readonly Detection[]): boolean {
  return detections.some((d) => coverage(face.box, d.box) >= COVER_FRACTION);
}

/** A face to score; `undetected` marks one no recent detector result had found (a leak there is the detector's). */
export interface ScoredFace extends TruthFace {
  undetected?: boolean;
}

export interface LeakOptions {
  /** A face is leaked when less than this share of its box lies inside the blur. */
  minCovered: number;
  /** Faces at least this tall (px, on that frame) count for the headline numbers; all faces are reported too. */
  minHeight: number;
}

/** The leak definition: leaked below 80% covered; the headline counts faces at least 20 px tall. */
export const DEFAULT_LEAK_OPTIONS: Readonly<LeakOptions> = { minCovered: 0.8, minHeight: 20 };

/** What one frame showed: the masks drawn, or the whole frame blurred (fail closed). */
export interface FrameMasks {
  masks: readonly Ellipse[];
  fullFrame: boolean;
  /** The newest detector result's own boxes as masks, untracked (detector_mask_ratio); none before the first. */
  detections?: readonly Ellipse[];
}

export interface LeakCounts {
  face_frames: number;
  leaked_face_frames: number;
  leak_rate: number;
  frames_with_any_leak: number;
  /** Longest run of consecutive frames on which the same face (by id) leaked; the target is 1. */
  longest_leak_run: number;
  /** Runs of two or more consecutive leaked frames of the same face. */
  leak_runs_over_1: number;
  /** Of leaked_face_frames: faces no recent detector result had found, which no tracker could have placed. */
  leaked_undetected: number;
}

/** The leak keys (for faces >= minHeight), plus the same counts over all faces. */
export interface LeakSummary extends LeakCounts {
  frames: number;
  /** Blurred area over total face area (all faces), summed over the clip. */
  mask_area_ratio: number;
  /** Frames blurred whole because the newest detection was missing or older than the budget. */
  full_frames: number;
  /** Of mask_area_ratio: the frames blurred whole (fail closed, motion guard). */
  full_frame_ratio: number;
  /**
   * The same frames blurred whole, and on the others only the newest result's own boxes as masks, over the same
   * face area: what the detector's boxes (false ones included) and the fail-closed frames cost before any tracking,
   * margin or hold. mask_area_ratio minus this is the tracker's share.
   */
  detector_mask_ratio: number;
  /** Boxes drawn, and boxes in the newest result, a frame, over the frames not blurred whole (faces: face_frames / frames). */
  boxes_per_frame: number;
  detector_boxes_per_frame: number;
  /** Their sums (for adding clips up). */
  boxes: number;
  detector_boxes: number;
  /** Blurred, whole-frame, detector-box and face pixels summed over the frames (the ratios' terms, for adding clips up). */
  mask_px: number;
  full_px: number;
  detector_px: number;
  face_px: number;
  all_faces: LeakCounts;
}

interface Tally {
  faces: number;
  leaked: number;
  undetected: number;
  framesWithLeak: number;
  longestRun: number;
  runsOver1: number;
  /** Per face id: the last frame it leaked on and the length of the run ending there. */
  runs: Map<number, { frame: number; length: number }>;
}

const emptyTally = (): Tally => ({
  faces: 0,
  leaked: 0,
  undetected: 0,
  framesWithLeak: 0,
  longestRun: 0,
  runsOver1: 0,
  runs: new Map(),
});

function countsOf(t: Tally): LeakCounts {
  return {
    face_frames: t.faces,
    leaked_face_frames: t.leaked,
    leak_rate: t.faces > 0 ? t.leaked / t.faces : 0,
    frames_with_any_leak: t.framesWithLeak,
    longest_leak_run: t.longestRun,
    leak_runs_over_1: t.runsOver1,
    leaked_undetected: t.undetected,
  };
}

/** One face's verdict on one frame. */
export interface FaceVerdict {
  id: number | undefined;
  covered: number;
  leaked: boolean;
  counted: boolean;
  undetected: boolean;
}

/** Accumulates leaks frame by frame, in frame order. */
export class LeakCounter {
  #o: LeakOptions;
  #frames = 0;
  #fullFrames = 0;
  #maskArea = 0;
  #fullArea = 0;
  #detectorArea = 0;
  #faceArea = 0;
  #boxes = 0;
  #detectorBoxes = 0;
  #tall = emptyTally();
  #all = emptyTally();

  constructor(o: Partial<LeakOptions> = {}) {
    this.#o = { ...DEFAULT_LEAK_OPTIONS, ...o };
  }

  /** Scores frame `index` (indices must increase; a gap breaks leak runs). */
  add(
    index: number,
    frame: { width: number; height: number },
    faces: readonly ScoredFace[],
    shown: FrameMasks,
  ): FaceVerdict[] {
    this.#frames++;
    if (shown.fullFrame) this.#fullFrames++;
    const whole = frame.width * frame.height;
    if (shown.fullFrame) this.#fullArea += whole;
    this.#maskArea += shown.fullFrame ? whole : maskArea(shown.masks, frame);
    this.#detectorArea += shown.fullFrame ? whole : maskArea(shown.detections ?? [], frame);
    if (!shown.fullFrame) {
      this.#boxes += shown.masks.length;
      this.#detectorBoxes += shown.detections?.length ?? 0;
    }
    const verdicts = faces.map((f): FaceVerdict => {
      this.#faceArea += f.box.w * f.box.h;
      const covered = shown.fullFrame ? 1 : coveredShare(f.box, shown.masks);
      return {
        id: f.id,
        covered,
        leaked: covered < this.#o.minCovered,
        counted: f.box.h >= this.#o.minHeight,
        undetected: f.undetected ?? false,
      };
    });
    this.#tally(this.#all, index, verdicts);
    this.#tally(
      this.#tall,
      index,
      verdicts.filter((v) => v.counted),
    );
    return verdicts;
  }

  #tally(t: Tally, index: number, verdicts: readonly FaceVerdict[]): void {
    t.faces += verdicts.length;
    let any = false;
    for (const v of verdicts) {
      if (!v.leaked) continue;
      any = true;
      t.leaked++;
      if (v.undetected) t.undetected++;
      if (v.id === undefined) {
        t.longestRun = Math.max(t.longestRun, 1);
        continue;
      }
      const prev = t.runs.get(v.id);
      const length = prev && prev.frame === index - 1 ? prev.length + 1 : 1;
      t.runs.set(v.id, { frame: index, length });
      if (length === 2) t.runsOver1++;
      t.longestRun = Math.max(t.longestRun, length);
    }
    if (any) t.framesWithLeak++;
  }

  summary(): LeakSummary {
    return {
      frames: this.#frames,
      ...countsOf(this.#tall),
      ...areaRatios(this.#maskArea, this.#fullArea, this.#detectorArea, this.#faceArea),
      full_frames: this.#fullFrames,
      ...boxCounts(this.#boxes, this.#detectorBoxes, this.#frames - this.#fullFrames),
      all_faces: countsOf(this.#all),
    };
  }
}

function addCounts(list: readonly LeakCounts[]): LeakCounts {
  const faces = list.reduce((n, c) => n + c.face_frames, 0);
  const leaked = list.reduce((n, c) => n + c.leaked_face_frames, 0);
  return {
    face_frames: faces,
    leaked_face_frames: leaked,
    leak_rate: faces > 0 ? leaked / faces : 0,
    frames_with_any_leak: list.reduce((n, c) => n + c.frames_with_any_leak, 0),
    longest_leak_run: list.reduce((n, c) => Math.max(n, c.longest_leak_run), 0),
    leak_runs_over_1: list.reduce((n, c) => n + c.leak_runs_over_1, 0),
    leaked_undetected: list.reduce((n, c) => n + c.leaked_undetected, 0),
  };
}

type AreaTerms = Pick<
  LeakSummary,
  'mask_area_ratio' | 'full_frame_ratio' | 'detector_mask_ratio' | 'mask_px' | 'full_px' | 'detector_px' | 'face_px'
>;

function areaRatios(maskPx: number, fullPx: number, detectorPx: number, facePx: number): AreaTerms {
  const over = (px: number) => (facePx > 0 ? px / facePx : 0);
  return {
    mask_area_ratio: over(maskPx),
    full_frame_ratio: over(fullPx),
    detector_mask_ratio: over(detectorPx),
    mask_px: maskPx,
    full_px: fullPx,
    detector_px: detectorPx,
    face_px: facePx,
  };
}

function boxCounts(
  boxes: number,
  detectorBoxes: number,
  frames: number,
): Pick<LeakSummary, 'boxes_per_frame' | 'detector_boxes_per_frame' | 'boxes' | 'detector_boxes'> {
  return {
    boxes_per_frame: frames > 0 ? boxes / frames : 0,
    detector_boxes_per_frame: frames > 0 ? detectorBoxes / frames : 0,
    boxes,
    detector_boxes: detectorBoxes,
  };
}

/** Several clips' summaries as one: counts added, rates recomputed over the sums. */
export function addLeakSummaries(list: readonly LeakSummary[]): LeakSummary {
  const sum = (key: 'mask_px' | 'full_px' | 'detector_px' | 'face_px') => list.reduce((n, s) => n + s[key], 0);
  return {
    frames: list.reduce((n, s) => n + s.frames, 0),
    ...addCounts(list),
    ...areaRatios(sum('mask_px'), sum('full_px'), sum('detector_px'), sum('face_px')),
    full_frames: list.reduce((n, s) => n + s.full_frames, 0),
    ...boxCounts(
      list.reduce((n, s) => n + s.boxes, 0),
      list.reduce((n, s) => n + s.detector_boxes, 0),
      list.reduce((n, s) => n + s.frames - s.full_frames, 0),
    ),
    all_faces: addCounts(list.map((s) => s.all_faces)),
  };
}
