export interface OneEuroOptions {
  /** Hz; lower means a still signal shimmers less. */
  minCutoff: number;
  /** How fast the cutoff rises with speed (per unit/s), so fast moves are followed without lag. */
  beta: number;
  /** Hz, for the speed estimate itself. */
  dCutoff: number;
}

/** Casiez et al.'s One Euro filter for one scalar signal; times in milliseconds. */
export class OneEuro {
  #x = 0;
  #dx = 0;
  #t = Number.NaN;

  readonly #o: OneEuroOptions;

  constructor(o: OneEuroOptions) {
    this.#o = o;
  }

  /** Forgets the signal: the next value is taken as it comes. */
  reset(): void {
    this.#t = Number.NaN;
    this.#dx = 0;
  }

  filter(x: number, tMs: number): number {
    if (Number.isNaN(this.#t)) {
      this.#x = x;
      this.#t = tMs;
      return x;
    }
    const dt = (tMs - this.#t) / 1000;
    if (dt <= 0) return this.#x; // repeated or out-of-order timestamps carry no speed information
    const dx = (x - this.#x) / dt;
    this.#dx += alpha(this.#o.dCutoff, dt) * (dx - this.#dx);
    const cutoff = this.#o.minCutoff + this.#o.beta * Math.abs(this.#dx);
    this.#x += alpha(cutoff, dt) * (x - this.#x);
    this.#t = tMs;
    return this.#x;
  }
}

function alpha(cutoffHz: number, dt: number): number {
  const tau = 1 / (2 * Math.PI * cutoffHz);
  return 1 / (1 + tau / dt);
}
