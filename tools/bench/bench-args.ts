import { LIVE_START_SIDE } from '../../src/app/input-side';
import { DEFAULT_MODEL, isModelName, MODELS, type ModelSpec } from '../../src/detect/model';
import { readCommandLine, UsageError, type OptionTable, type OptionValues } from '../../src/cli/command-line';

/** The options of the benches that run the detector, which benchDetector reads. */
export const DETECTOR_OPTIONS = {
  model: { type: 'string', value: Object.keys(MODELS).join('|'), help: `the face detector (default ${DEFAULT_MODEL})` },
  side: {
    type: 'string',
    value: 'PX|native',
    help: `a free-size model's input long side (default ${LIVE_START_SIDE}, live mode's starting side; native: the frame's own)`,
  },
  tiles: {
    type: 'string',
    value: 'N|all|off',
    help:
      "live mode's tiles a frame besides the whole frame, round robin: BlazeFace's grid, YuNet's upscaled look " +
      '(default: BlazeFace 1, YuNet none)',
  },
} as const satisfies OptionTable;

/** The benches' command lines: `--switch` and `--option VALUE` from their option table, nothing positional. */
export class BenchArgs<T extends OptionTable> {
  readonly #values: OptionValues<T>;

  constructor(argv: readonly string[], table: T) {
    const { values, positionals } = readCommandLine(argv, table);
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    this.#values = values;
  }

  has(key: keyof T & string): boolean {
    return this.#values[key] !== undefined;
  }

  string(key: keyof T & string): string | undefined {
    const v = this.#values[key];
    return typeof v === 'string' ? v : undefined;
  }

  /** A comma-separated value as a list, or null when the option is absent. */
  list(key: keyof T & string): string[] | null {
    return this.string(key)?.split(',').filter(Boolean) ?? null;
  }

  /** A whole number >= 0 ('all' for Infinity where `all` is allowed). */
  count(key: keyof T & string, fallback: number, all = false): number {
    const text = this.string(key);
    if (text === undefined) return fallback;
    const n = all && text === 'all' ? Infinity : Number(text);
    if (!(n === Infinity || (Number.isInteger(n) && n >= 0)))
      throw new UsageError(`--${key}: expected a whole number, got ${text}`);
    return n;
  }

  /** WxH,... as pairs (formatSizes writes them). */
  sizes(key: keyof T & string, fallback: readonly (readonly [number, number])[]): (readonly [number, number])[] {
    return (
      this.list(key)?.map((s) => {
        const m = /^(\d+)x(\d+)$/.exec(s);
        if (!m) throw new UsageError(`--${key}: bad size ${s} (expected WxH)`);
        return [Number(m[1]), Number(m[2])] as const;
      }) ?? [...fallback]
    );
  }
}

/** Sizes as the benches' --sizes takes them: WxH,... */
export function formatSizes(sizes: readonly (readonly [number, number])[]): string {
  return sizes.map(([w, h]) => `${w}x${h}`).join(',');
}

/** The detector a bench runs: `--model` (default the app's), `--side PX|native` (default live mode's starting side). */
export interface BenchDetector {
  spec: ModelSpec;
  /** A free-size model's input long side; undefined: each frame's own. */
  inputSide: number | undefined;
  /** Tiles a frame unless `--tiles` says: live mode's for the model (BlazeFace one a frame, YuNet none). */
  tilesPerFrame: number;
}

export function benchDetector<T extends typeof DETECTOR_OPTIONS>(args: BenchArgs<T>): BenchDetector {
  const name = args.string('model') ?? DEFAULT_MODEL;
  if (!isModelName(name)) throw new UsageError(`--model ${name}: expected one of ${Object.keys(MODELS).join(', ')}`);
  const spec = MODELS[name];
  const sideText = args.string('side') ?? String(LIVE_START_SIDE);
  const inputSide = sideText === 'native' ? undefined : Number(sideText);
  if (inputSide !== undefined && !(Number.isInteger(inputSide) && inputSide >= 32))
    throw new UsageError(`--side ${sideText}: expected PX >= 32 or native`);
  return {
    spec,
    inputSide,
    tilesPerFrame: args.string('tiles') === 'off' ? 0 : args.count('tiles', spec.tiled ? 1 : 0, true),
  };
}
