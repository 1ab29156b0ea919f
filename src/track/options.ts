export interface TrackerOptions {
  /** A track the detector keeps missing is held (predicted, growing) for this long after it was last seen, in detector time. */
  holdMs: number;
  /** IoU between a track's predicted box and a detection at or above which they are the same face. */
  iouMatch: number;
  /** Centre distance, in face sizes (plus the track's current uncertainty), under which they may be the same face at low IoU. */
  centreGate: number;
  /** One Euro filter for the drawn box, in pixels: minCutoff in Hz, beta per px/s. */
  smoothing: { minCutoff: number; beta: number };
  /** Velocity is extrapolated at full strength this far past the last detection... */
  predictMs: number;
  /** ...then fades with this time constant, so a held box stops after predictMs + velocityDecayMs at most. */
  velocityDecayMs: number;
  /** Ceiling on a track's speed, in frame diagonals per second. */
  maxSpeed: number;
  /** Ceiling on how fast a box's size may change, as a fraction of its size per second. */
  maxSizeRate: number;
  /** How fast a face can move unseen, in face sizes per second: caps velocity doubt and paces how fast a drawn edge may retreat. */
  faceSpeed: number;
  /** Half-widths of uncertainty added around the predicted box. */
  nSigma: number;
  /** Largest uncertainty margin on each side, in face sizes. */
  maxGrowth: number;
  /** Slack around the smoothed box, in face sizes, so detection noise stays inside it instead of nudging its edges. */
  pad: number;
  /** Detection noise (std, in face sizes) and process noise (acceleration density, in face sizes per s^1.5). */
  noise: { measurement: number; process: number };
}

export const DEFAULT_TRACKER_OPTIONS: Readonly<TrackerOptions> = {
  holdMs: 1000,
  iouMatch: 0.3,
  centreGate: 1,
  smoothing: { minCutoff: 1, beta: 0.01 },
  predictMs: 200,
  velocityDecayMs: 100,
  maxSpeed: 3,
  maxSizeRate: 2,
  faceSpeed: 1.5,
  nSigma: 2,
  maxGrowth: 1,
  pad: 0.04,
  noise: { measurement: 0.05, process: 1 },
};
