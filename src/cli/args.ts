import { DEFAULT_MODEL, MODELS, type ModelName } from '../detect/model';
import { CliError } from './errors';
import type { Rgb } from '../render/anonymize-plan';
import { EFFECTS, parseColor, type Effect } from './effects';

export interface AnonymizeOptions {
  input: string;
  /** Default: INPUT_anonymized.EXT next to the input (a folder: INPUT_anonymized). */
  output?: string;
  effect: Effect;
  /** The face detector. */
  model: ModelName;
  /** Detector score threshold, 0..1; undefined: the model's own. */
  threshold?: number;
  mask: 'ellipse' | 'box';
  /** Mask size relative to the face box (deface's --mask-scale). */
  scale: number;
  strength: number;
  /** Fill of --effect solid. */
  color: Rgb;
  keepAudio: boolean;
  /** Per-frame masks as JSON (a folder when the input is a folder). */
  boxes?: string;
  /** Tiles besides the whole frame; undefined: the model's default (BlazeFace needs them, YuNet does not). */
  tiles?: boolean;
  /** Video: also cover a face in the frames before it was first found (two tracking passes). */
  lookahead: boolean;
  outlines: boolean;
  quiet: boolean;
}

export type Command = { kind: 'help' } | { kind: 'version' } | { kind: 'anonymize'; options: AnonymizeOptions };

export const USAGE = `usage: npx veil anonymize INPUT [-o OUTPUT] [options]

Blurs every face in a video or photo, or in every video and photo of a folder (a folder in, a folder out,
same names). Photos (JPEG, PNG, WebP) keep their format and lose their metadata (EXIF, GPS); videos are
re-encoded (H.264 in MP4/MOV/MKV/AVI, VP9 in WebM) with every frame, the same frame rate and the audio.

  -o, --output PATH        output file or folder (default: INPUT_anonymized.EXT beside the input)
  --effect E               ${EFFECTS.join('|')} (default gaussian; strong: mosaic then blur;
                           none: no masks, only re-encoded without metadata)
  --model ${Object.keys(MODELS).join('|')}  the face detector (default ${DEFAULT_MODEL})
  --threshold T            detector score threshold, 0..1 (default the model's: ${MODELS[DEFAULT_MODEL].score.threshold}); lower finds more faces
  --mask ellipse|box       mask shape (default ellipse)
  --scale S                mask size relative to the face box, 1..3 (default 1.3)
  --strength S             0..1: blur strength, or mosaic blocks across a face (default 0.5)
  --color C                fill of --effect solid: #rrggbb or R,G,B (default black)
  --keep-audio             copy the audio streams (the default)
  --no-audio               drop the audio
  --boxes PATH.json        write the per-frame masks as JSON (a folder of them for a folder input)
  --tiles on|off           also look for small faces in overlapping tiles (default: on for blazeface, off for yunet)
  --lookahead on|off       video: also cover a face in the frames before it was first found (default on)
  --outlines               draw each mask's outline (to check what was found)
  -q, --quiet              no progress bar
  -h, --help               this text
  --version                print the version

Exit status: 0 done; 2 a bad command line, input or output (nothing half-written is left); 1 anything else.`;

const VALUE_OPTIONS = new Set(['output', 'effect', 'color', 'model', 'threshold', 'mask', 'scale', 'strength', 'boxes', 'tiles', 'lookahead']);
const FLAG_OPTIONS = new Set(['keep-audio', 'no-audio', 'outlines', 'quiet', 'help', 'version']);
const SHORT: Record<string, string> = { o: 'output', q: 'quiet', h: 'help', k: 'keep-audio', t: 'threshold' };

function usage(message: string): CliError {
  return new CliError(`veil: ${message}\n(npx veil --help lists the options)`, 'usage');
}

function choice<T extends string>(name: string, value: string, options: readonly T[]): T {
  if (!(options as readonly string[]).includes(value)) throw usage(`--${name} ${value}: expected one of ${options.join(', ')}`);
  return value as T;
}

function number(name: string, value: string, min: number, max: number): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || v < min || v > max) {
    throw usage(`--${name} ${value}: expected a number from ${min} to ${max}`);
  }
  return v;
}

function color(value: string): Rgb {
  const c = parseColor(value);
  if (!c) throw usage(`--color ${value}: expected #rrggbb or R,G,B (0..255)`);
  return c;
}

function onOff(name: string, value: string): boolean {
  return choice(name, value, ['on', 'off']) === 'on';
}

/** Reads `veil anonymize ...` (argv without node and the script). */
export function parseArgs(argv: readonly string[]): Command {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    } else if (/^-[a-z]$/i.test(arg)) {
      name = SHORT[arg.slice(1)] ?? arg;
    } else {
      positional.push(arg);
      continue;
    }
    if (FLAG_OPTIONS.has(name) && inline === undefined) {
      flags.add(name);
    } else if (VALUE_OPTIONS.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw usage(`--${name} needs a value`);
      values.set(name, value);
    } else {
      throw usage(`unknown option ${arg}`);
    }
  }
  if (flags.has('help')) return { kind: 'help' };
  if (flags.has('version')) return { kind: 'version' };
  const [command, ...inputs] = positional;
  if (command === undefined) return { kind: 'help' };
  if (command !== 'anonymize') throw usage(`unknown command "${command}" (the command is: veil anonymize INPUT -o OUTPUT)`);
  if (inputs.length === 0) throw usage('give an INPUT file or folder');
  if (inputs.length > 1) throw usage(`give one INPUT (got ${inputs.join(', ')}); a folder takes all its files`);
  if (flags.has('keep-audio') && flags.has('no-audio')) throw usage('--keep-audio and --no-audio contradict each other');

  const get = <T>(name: string, parse: (v: string) => T, fallback: T): T => {
    const v = values.get(name);
    return v === undefined ? fallback : parse(v);
  };
  return {
    kind: 'anonymize',
    options: {
      input: inputs[0]!,
      output: values.get('output'),
      effect: get('effect', (v) => choice('effect', v, EFFECTS), 'gaussian' as Effect),
      model: get('model', (v) => choice('model', v, Object.keys(MODELS) as ModelName[]), DEFAULT_MODEL),
      threshold: get('threshold', (v): number | undefined => number('threshold', v, 0.01, 0.99), undefined),
      mask: get('mask', (v) => choice('mask', v, ['ellipse', 'box'] as const), 'ellipse' as const),
      scale: get('scale', (v) => number('scale', v, 1, 3), 1.3),
      strength: get('strength', (v) => number('strength', v, 0, 1), 0.5),
      color: get('color', color, [0, 0, 0] as Rgb),
      keepAudio: !flags.has('no-audio'),
      boxes: values.get('boxes'),
      tiles: get('tiles', (v): boolean | undefined => onOff('tiles', v), undefined),
      lookahead: get('lookahead', (v) => onOff('lookahead', v), true),
      outlines: flags.has('outlines'),
      quiet: flags.has('quiet'),
    },
  };
}
