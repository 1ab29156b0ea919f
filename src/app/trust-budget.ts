/**
 * How old the newest detection may be before the whole frame is blurred, when the user has not chosen (the
 * `budget` setting's auto). Detections run back to back, so the newest is between one and two gaps between results
 * old when a frame is drawn (DetectSchedule.paceMs: the detection time, plus up to a frame where frames come slowly):
 * the budget is 2.5 of them, never less than FLOOR_MS (a GPU's detections, 100 ms or less, keep the strict default)
 * and never more than CEILING_MS. Between detections the tracker follows each face in the picture, the motion guard
 * blurs the frame whole after a whip or a cut, and the unseen strips cover what a pan brings in. Measured with
 * `npm run eval:video -- --all ../shared/data/motion --detect-every K --latency K --tiles off` (30 fps, the eval's
 * budget auto as here; a detector this slow has no room for YuNet's upscaled look): detections 300 ms apart (K 9,
 * 750 ms) leak 0.33 % of face-frames, 400 ms (K 12, 1000 ms) 0.35 %, 500 ms (K 15, 1000 ms) 0.63 %, over the 0.5 %
 * the defaults are held to; at `--budget 250` all three blur every frame whole. Those are gaps between results,
 * which is what the rule is given; the detection time alone left frames blurred whole on a slow machine whose
 * detections waited for a frame to start on (a still photo as a 1280x720 camera, 3-4 frames a second: the whole
 * frame in 7-27 % of the status's readings, 4 a second). So a detector whose results come more than 400 ms apart
 * gets whole frames, with a banner that says what helps.
 */
const PER_DETECTION = 2.5;
const FLOOR_MS = 250;
const CEILING_MS = 1000;

/** The trust budget in ms: the user's (`chosenMs`), or by the rule above from the results' pace (NaN: none yet). */
export function trustBudget(chosenMs: number | null, paceMs: number): number {
  if (chosenMs !== null) return chosenMs;
  if (!Number.isFinite(paceMs)) return FLOOR_MS;
  return Math.min(CEILING_MS, Math.max(FLOOR_MS, Math.round(PER_DETECTION * paceMs)));
}
