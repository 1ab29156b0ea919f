/** An axis-aligned rectangle in pixels, (x, y) its top-left corner. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A frame's (or picture's) size in pixels. */
export interface FrameSize {
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

/** One face found by the detector, in the frame's pixel coordinates. */
export interface Detection {
  box: Rect;
  score: number;
  /** The model's keypoints: BlazeFace's six (right eye, left eye, nose, mouth, right ear, left ear), YuNet's five
   * (right eye, left eye, nose tip, right and left mouth corner). */
  keypoints: Point[];
  /** Kept only by the edge threshold (DetectorOptions.edge): under the threshold, at a frame border. */
  edge?: boolean;
  /**
   * Under the threshold, kept by the rule for tall boxes (a face the border cuts, in profile or half hidden scores
   * low; so do a hand or a microphone): one face is counted, and held, only once a box over the threshold finds it.
   */
  weak?: boolean;
}

/** An RGBA8 image on the CPU, rows top to bottom, no padding. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array<ArrayBuffer>;
}
