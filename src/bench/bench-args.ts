import { LIVE_START_SIDE } from '../app/input-side';
import { DEFAULT_MODEL, isModelName, MODELS, type ModelSpec } from '../detect/model';
import { UsageError } from '../node/usage-error';

export interface ArgSpec {
  /** Options without a value (--full). */
  switches: readonly string[];
  /** Options with one value (--runs 50). */
  options: readonly string[];
}

/** The benches' command lines: `--switch` and `--option VALUE`, nothing positional. */
export class BenchArgs {
  readonly #values = new Map<string, string | true>();

  constructor(argv: readonly string[], spec: ArgSpec) {
    for (let i = 0; i < argv.length; i++) {
      const key = argv[i].startsWith('--') ? argv[i].slice(2) : null;
      if (key !== null && spec.switches.includes(key)) this.#values.set(key, true);
      else if (key !== null && spec.options.includes(key) && i + 1 < argv.length) this.#values.set(key, argv[++i]);
      else throw new UsageError(key === null ? `unexpected argument ${argv[i]}` : `unknown or incomplete option ${argv[i]}`);
    }
  }

  has(key: string): boolean {
    return this.#values.has(key);
  }

  string(key: string): string | undefined {
    const v = this.#values.get(key);
    return typeof v === 'string' ? v : undefined;
  }

  /** A comma-separated value as a list, or null when the option is absent. */
  list(key: string): string[] | null {
    return this.string(key)?.split(',').filter(Boolean) ?? null;
  }

  /** A whole number >= 0 ('all' for Infinity where `all` is allowed). */
  count(key: string, fallback: number, all = false): number {
    const text = this.string(key);
    if (text === undefined) return fallback;
    const n = all && text === 'all' ? Infinity : Number(text);
    if (!(n === Infinity || (Number.isInteger(n) && n >= 0))) throw new UsageError(`--${key}: expected a whole number, got ${text}`);
    return n;
  }

  /** WxH,... as pairs. */
  sizes(key: string, fallback: readonly (readonly [number, number])[]): (readonly [number, number])[] {
    return this.list(key)?.map((s) => {
      const m = /^(\d+)x(\d+)$/.exec(s);
      if (!m) throw new UsageError(`--${key}: bad size ${s} (expected WxH)`);
      return [Number(m[1]), Number(m[2])] as const;
    }) ?? [...fallback];
  }
}

/** The detector a bench runs: `--model` (default the app's), `--side PX|native` (default live mode's starting side). */
export interface BenchDetector {
  spec: ModelSpec;
  /** A free-size model's input long side; undefined: each frame's own. */
  inputSide: number | undefined;
  /** Tiles a frame unless `--tiles` says: live mode's for the model (BlazeFace one a frame, YuNet none). */
  tilesPerFrame: number;
}

export function benchDetector(args: BenchArgs): BenchDetector {
  const name = args.string('model') ?? DEFAULT_MODEL;
  if (!isModelName(name)) throw new UsageError(`--model ${name}: expected one of ${Object.keys(MODELS).join(', ')}`);
  const spec = MODELS[name];
  const sideText = args.string('side') ?? String(LIVE_START_SIDE);
  const inputSide = sideText === 'native' ? undefined : Number(sideText);
  if (inputSide !== undefined && !(Number.isInteger(inputSide) && inputSide >= 32)) throw new UsageError(`--side ${sideText}: expected PX >= 32 or native`);
  return { spec, inputSide, tilesPerFrame: args.string('tiles') === 'off' ? 0 : args.count('tiles', spec.tiled ? 1 : 0, true) };
}
