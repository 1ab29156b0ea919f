/** Median of the last `size` samples; the status line's numbers should not twitch with every frame. */
export class RollingMedian {
  readonly #samples: number[] = [];
  readonly #size: number;

  constructor(size = 30) {
    this.#size = size;
  }

  push(v: number): void {
    this.#samples.push(v);
    if (this.#samples.length > this.#size) this.#samples.shift();
  }

  get value(): number {
    if (this.#samples.length === 0) return NaN;
    const sorted = [...this.#samples].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  }
}

/** Frames per second over a sliding one-second window of frame times. */
export class RateMeter {
  readonly #times: number[] = [];

  tick(nowMs: number): void {
    this.#times.push(nowMs);
    while (this.#times.length > 0 && nowMs - this.#times[0] > 1000) this.#times.shift();
  }

  get perSecond(): number {
    return this.#times.length;
  }
}

/** The nearest-rank percentile (p in 0..1) of ascending samples; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
