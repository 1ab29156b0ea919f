import { formatDuration, rateOf } from '../offline/time-left';

export { formatDuration };

/** Where progress goes: stderr in use, a string sink in tests. */
export interface ProgressSink {
  write(text: string): unknown;
  /** A terminal: the bar redraws in place. Otherwise a line now and then. */
  isTTY?: boolean;
  columns?: number;
}

/** One progress line: label, phase, bar, frames done of total, frames per second, time left. */
export function formatProgress(
  label: string,
  phase: string,
  done: number,
  total: number | null,
  seconds: number,
  width = 24,
): string {
  const { fps, secondsLeft } = rateOf(done, total, seconds);
  const known = total !== null && total > 0;
  const fraction = known ? Math.min(1, done / total) : 0;
  const filled = Math.round(fraction * width);
  const bar = known ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ` : '';
  const count = known ? `${done}/${total}` : `${done}`;
  const eta = `ETA ${formatDuration(secondsLeft)}`;
  return `${label} ${phase} ${bar}${count} frames  ${fps.toFixed(1)} fps  ${eta}`;
}

/**
 * A progress bar on stderr for one file's phases (detect, then render). On a terminal it redraws one line; piped,
 * it prints a line every few seconds and one when a phase ends, so logs stay short.
 */
export class Progress {
  #phase = '';
  #total: number | null = null;
  #start = 0;
  #lastDraw = -Infinity;
  #done = 0;

  readonly #label: string;
  readonly #sink: ProgressSink | null;
  readonly #now: () => number;
  readonly #logEveryMs: number;

  constructor(
    label: string,
    sink: ProgressSink | null,
    now: () => number = () => performance.now(),
    logEveryMs = 5000,
  ) {
    this.#label = label;
    this.#sink = sink;
    this.#now = now;
    this.#logEveryMs = logEveryMs;
  }

  phase(name: string, total: number | null): void {
    this.#phase = name;
    this.#total = total;
    this.#start = this.#now();
    this.#lastDraw = -Infinity;
    this.#done = 0;
  }

  tick(done: number): void {
    this.#done = done;
    const t = this.#now();
    const tty = this.#sink?.isTTY === true;
    if (t - this.#lastDraw < (tty ? 100 : this.#logEveryMs)) return;
    this.#lastDraw = t;
    this.#draw(false);
  }

  /** Ends the phase: the final count on its own line. Returns its rate in frames per second. */
  end(total = this.#done): number {
    this.#done = total;
    this.#total = total;
    const seconds = (this.#now() - this.#start) / 1000;
    this.#draw(true);
    return seconds > 0 ? total / seconds : 0;
  }

  #draw(final: boolean): void {
    if (!this.#sink) return;
    const line = formatProgress(this.#label, this.#phase, this.#done, this.#total, (this.#now() - this.#start) / 1000);
    if (this.#sink.isTTY) {
      const cols = this.#sink.columns ?? 100;
      this.#sink.write(`\r${line.slice(0, cols - 1).padEnd(cols - 1)}${final ? '\n' : ''}`);
    } else {
      this.#sink.write(`${line}\n`);
    }
  }
}
