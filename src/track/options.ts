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
  /**
   * Adaptive process noise: when a detection's normalised innovation (chi-square, 2 dof) exceeds `gate`, the
   * track's process noise is multiplied by as much as makes it ordinary (at most `maxBoost`), then relaxes back
   * with time constant `decayMs`. Margins then grow with motion that was measured, not with a fixed guess.
   */
  maneuver: { gate: number; maxBoost: number; decayMs: number };
  /**
   * Motion the found faces share (a pan, a zoom: see global-motion.ts) carries missed faces along and gives new
   * faces their starting velocity, when the faces agree with it to within `maxSpread` face sizes per second.
   * `minSpread` (face sizes per second) is the least velocity doubt a carried face keeps.
   */
  sharedMotion: { minSpread: number; maxSpread: number };
  /**
   * A box only the edge threshold kept (Detection.edge) starts a track only where the picture of its frame shows at
   * least this much texture inside it (luma std, 0..255). The detector's strays at a border sit on walls, sky and
   * blurred background; a face the border cuts shows hair, eyes, an outline. Without that picture it starts one.
   */
  edgeTexture: number;
  /**
   * How long a track is held when every detection of it was such an edge-only box, instead of holdMs: the detector
   * never saw a face there over its threshold. On the motion clips 500 ms leaks nothing more than 1 s (a face
   * entering is seen again, and at a higher score, well within it) and blurs 3 % less; 100 ms added runs of leaks.
   * A track never over the threshold that the detector found on 3 results, one where it was expected (Track.stays),
   * is held as long: something stays there, as often a face scoring low (cut by the bottom border, lying down, half
   * hidden) as a stray. Motion clips made from other WIDER photos: 125 face-frames leak instead of 130 live and 272
   * instead of 298 offline, at masks within 0.05; the stage clip is blurred as much (25.4 % through the CLI instead
   * of 25.3 %).
   */
  edgeHoldMs: number;
  /**
   * How long a track is held, instead of holdMs, until the detector finds it again where it was expected
   * (Track.confirmed): a one-off box (a hand, a microphone, a pattern the detector scored once) is covered from its
   * first frame and let go soon after, instead of a second of blur. A face the detector keeps finding is confirmed
   * by its next detection. Motion clips (`npm run eval:video`, 2026-12-08) against a second's hold: the same leaks
   * (none) at 5.53 times the faces instead of 5.55, and on the clips made from other WIDER photos 104 face-frames
   * instead of 103 at 5.90 instead of 5.94; offline, against 500 ms, the same leaks at 2.88 instead of 2.97 and 3.31
   * instead of 3.44.
   */
  unconfirmedHoldMs: number;
  /**
   * Faces found in the picture between detections (patch-motion.ts, on each frame's small luma image): a match
   * counts when its normalised cross-correlation is at least `minNcc` and the patch has at least `minTexture`
   * luma levels of standard deviation. `matchPx` is a match's standard error in luma pixels; `speedDoubt` (face
   * sizes per second) is how far a face may stray from its measured velocity until the next frame is matched.
   * `minMargin` (face sizes a side) is the least margin around a sighting: a face entering at the border, or moving
   * faster than the picture's match follows, is covered by it (`npm run eval:video`: on the motion clips 0.10 % of
   * face-frames leak at 0.3, 0.15 % at 0.15, masks 5.49 and 5.03 times the faces; on clips made from other WIDER
   * photos 1.35 % and 2.01 %). A face the picture shows at rest is neither
   * entering nor outrunning the match: its least margin falls to `stillMargin` at rest, reaching `minMargin` at
   * `stillSpeed` face sizes per second (motion clips: the same leaks at the defaults and at --detect-every 3
   * --latency 2, masks 5.49 and 5.32 times the faces instead of 5.62 and 5.45; at 0.5 face sizes a second the clips
   * made from other WIDER photos leak 132 and 136 face-frames instead of 125 and 120). `holdMs`: how long a face the
   * picture still shows is held after its last detection.
   */
  picture: {
    minNcc: number;
    minTexture: number;
    matchPx: number;
    speedDoubt: number;
    holdMs: number;
    minMargin: number;
    stillMargin: number;
    stillSpeed: number;
  };
  /**
   * The strips a pan brought into view since the newest result's frame (Tracker.unseenEdges) are widened by `margin`
   * (of the frame's shorter side) and drawn once the view has moved at least `minLumaPx` (luma pixels,
   * patch-motion.ts's picture: 2 px at 640 px wide). The margin is the part of an entering face the detector cannot
   * judge yet: YuNet finds a face the border cuts once about two thirds of it show (motion clips, YuNet's live rule:
   * 0.50 % of face-frames leak at 0.045, 0.15 % at 0.08 and at 0.1). That part grows with the face, so the margin is
   * also at least `faceMargin` times the width of the largest face tracked: the faces in view say how large an
   * entering one is likely to be. Motion clips, detecting every frame a frame late: a 95 px face entering during a
   * pan went unfound until three quarters of it showed, and leaked on 3 frames in a row; at 0.4 no face leaks on two
   * frames in a row at any schedule (6 face-frames leak instead of 8 there, the same 4 at the defaults), with masks
   * 0.17-0.18 times the faces larger. At 0.33 that face still leaked on 2 frames; 0.5 blurred 0.07 more.
   */
  unseen: { margin: number; faceMargin: number; minLumaPx: number };
  /**
   * The least width over height of a face box where the whole face shows (YuNet on the motion clips: 0.70 is the
   * 5th percentile, the median 0.76). A detection the left or right border cuts narrower than that is completed to
   * it past the border (cut-faces.ts); 0 takes boxes as they come. Clips made from other WIDER photos
   * (`npm run eval:video`): 125 face-frames leak instead of 127, masks 0.03 times the faces more; the shared motion
   * clips leak the same either way, detecting every frame a frame late included. Completing boxes the top or bottom
   * cuts as well (to at most 0.87) leaked 2 more there and blurred more.
   */
  cutFaceAspect: number;
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
  faceSpeed: 3,
  nSigma: 2,
  maxGrowth: 1,
  pad: 0.04,
  noise: { measurement: 0.03, process: 4 },
  maneuver: { gate: 9.2, maxBoost: 100, decayMs: 500 },
  sharedMotion: { minSpread: 0.3, maxSpread: 1 },
  edgeTexture: 12,
  edgeHoldMs: 500,
  unconfirmedHoldMs: 150,
  picture: {
    minNcc: 0.8,
    minTexture: 6,
    matchPx: 1,
    speedDoubt: 1,
    holdMs: 1000,
    minMargin: 0.3,
    stillMargin: 0.15,
    stillSpeed: 0.25,
  },
  unseen: { margin: 0.08, faceMargin: 0.4, minLumaPx: 1 },
  cutFaceAspect: 0.7,
};
