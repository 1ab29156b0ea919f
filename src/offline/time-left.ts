/** Seconds as m:ss (h:mm:ss past an hour); '-:--' when unknown. */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '-:--';
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const ss = String(t % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export interface Rate {
  /** Frames per second so far (0 before the first frame). */
  fps: number;
  /** Seconds left at that rate; NaN while unknown (no frame done yet, or no total). */
  secondsLeft: number;
}

/** Frames per second and time left after `done` of `total` frames in `seconds`. */
export function rateOf(done: number, total: number | null, seconds: number): Rate {
  const fps = seconds > 0 ? done / seconds : 0;
  const secondsLeft = total !== null && total > 0 && fps > 0 ? Math.max(0, total - done) / fps : NaN;
  return { fps, secondsLeft };
}
