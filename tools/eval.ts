// npm run eval -- ANNOTATIONS.json [options] (`--help` lists them)
// Runs the app's FaceDetector on every image of an annotation file and prints recall by face height.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { detectorDefaults, parseEdge, type DetectorOptions } from '../src/detect/detector';
import {
  HEIGHT_BUCKETS,
  RECALL_MIN_HEIGHT,
  summarize,
  type BucketCounts,
  type EvalSummary,
} from '../src/detect/eval-metrics';
import { DEFAULT_TILE_PLAN, formatTilePlan, parseTilePlan } from '../src/detect/tiling';
import { AnnotationsError, EVAL_MODELS, readAnnotations, runEval, type EvalModel } from './eval/eval-run';
import { parseOption } from './options';
import { HELP_OPTION, optionsHelp, readCommandLine, UsageError, type OptionTable } from '../src/cli/command-line';

const OPTIONS = {
  json: { type: 'string', value: 'OUT.json', help: 'also write the summary as JSON' },
  model: {
    type: 'string',
    value: Object.keys(EVAL_MODELS).join('|'),
    help: "the face detector (default yunet); the defaults below are the model's",
  },
  side: { type: 'string', value: 'PX', help: "a free-size model's input long side (default: the image's own)" },
  tiles: {
    type: 'string',
    value: 'on|off|PLAN',
    help:
      "the detector's tiles (default the model's: YuNet off, BlazeFace on)\n" +
      "PLAN: tile grids SIDE:OVERLAP,... (side a fraction of the frame's short side),\n" +
      'then /min=PX, /cut=keep|drop, /up=K (the whole frame again at K times its side; no grids: /up=2) ' +
      `(on = the detector's default, ${formatTilePlan(DEFAULT_TILE_PLAN)})`,
  },
  threshold: { type: 'string', value: 'T', help: "detector score threshold, 0 < T < 1 (default the model's)" },
  tall: {
    type: 'string',
    value: 'PX:T|off',
    help: "keep boxes at least PX input pixels tall from score T (default the model's)",
  },
  edge: {
    type: 'string',
    value: 'T[:BAND]|live|off',
    help: "keep boxes within BAND of their size from the border from score T (default the model's)",
  },
  nms: {
    type: 'string',
    value: 'weighted|plain',
    help: "a face's box: the score-weighted mean of its cluster, or its strongest box (default the model's)",
  },
  'max-faces': { type: 'string', value: 'N', help: "faces kept an image (default the detector's)" },
  limit: { type: 'string', value: 'N', help: 'only the first N images' },
  help: HELP_OPTION,
} as const satisfies OptionTable;

const USAGE = `usage: npm run eval -- ANNOTATIONS.json [options]\n${optionsHelp(OPTIONS)}`;

interface Args {
  annotations: string;
  json?: string;
  model: EvalModel;
  detector: DetectorOptions;
  limit?: number;
}

/** The run's options, or null when --help asked for the usage. */
function parseArgs(argv: readonly string[]): Args | null {
  const { values: flags, positionals: positional } = readCommandLine(argv, OPTIONS);
  if (flags.help) return null;
  if (positional.length !== 1) throw new UsageError('give exactly one annotation file');
  const number = (
    name: 'threshold' | 'max-faces' | 'side' | 'limit',
    ok: (v: number) => boolean,
  ): number | undefined => {
    const text = flags[name];
    if (text === undefined) return undefined;
    const v = Number(text);
    if (!ok(v)) throw new UsageError(`--${name} ${text} is out of range`);
    return v;
  };
  const model = flags.model ?? 'yunet';
  if (!(model in EVAL_MODELS))
    throw new UsageError(`--model ${model}: expected one of ${Object.keys(EVAL_MODELS).join(', ')}`);
  const spec = EVAL_MODELS[model as EvalModel];
  const d = detectorDefaults(spec);
  const tiles = parseOption('tiles', flags.tiles, d.tiles, (t) =>
    t === 'on' ? DEFAULT_TILE_PLAN : parseTilePlan(t, DEFAULT_TILE_PLAN),
  );
  const tall = parseOption('tall', flags.tall, d.tall, (t) => {
    if (t === 'off') return { px: Infinity, threshold: 1 };
    const [px, threshold, extra] = t.split(':').map(Number);
    if (extra !== undefined || !(px! > 0) || !(threshold! > 0 && threshold! <= 1))
      throw new RangeError('expected PX:T with PX > 0, 0 < T <= 1, or off');
    return { px: px!, threshold: threshold! };
  });
  const nms = flags.nms ?? (d.nms.weighted ? 'weighted' : 'plain');
  if (nms !== 'weighted' && nms !== 'plain') throw new UsageError(`--nms ${nms}: expected weighted or plain`);
  const edge = parseOption('edge', flags.edge, d.edge, (t) => parseEdge(t, spec));
  return {
    annotations: positional[0],
    json: flags.json,
    model: model as EvalModel,
    detector: {
      threshold: number('threshold', (v) => v > 0 && v < 1) ?? d.threshold,
      nms: {
        ...d.nms,
        weighted: nms === 'weighted',
        maxFaces: number('max-faces', (v) => Number.isInteger(v) && v > 0) ?? d.nms.maxFaces,
      },
      tall,
      tiles,
      edge,
      inputSide: number('side', (v) => Number.isInteger(v) && v >= 32),
    },
    limit: number('limit', (v) => Number.isInteger(v) && v > 0),
  };
}

function table(s: EvalSummary, counts: BucketCounts): string {
  const pct = (r: number | null) => (r === null ? '     -' : `${(100 * r).toFixed(1).padStart(5)}%`);
  const row = (a: string, b: string | number, c: string | number, d: string) =>
    `${a.padEnd(14)}${String(b).padStart(7)}${String(c).padStart(9)}  ${d}`;
  const tall = HEIGHT_BUCKETS.filter((b) => b.lo >= RECALL_MIN_HEIGHT).map((b) => counts[b.name]);
  const tallFaces = tall.reduce((n, c) => n + c.faces, 0);
  const tallCovered = tall.reduce((n, c) => n + c.covered, 0);
  return [
    row('face height', 'faces', 'covered', 'recall'),
    ...HEIGHT_BUCKETS.map((b) =>
      row(`${b.name} px`, counts[b.name].faces, counts[b.name].covered, pct(s.recall_by_height[b.name])),
    ),
    row(`>= ${RECALL_MIN_HEIGHT} px`, tallFaces, tallCovered, `${pct(s.recall_h20)}  (recall_h20)`),
    `unmatched boxes per image  ${s.unmatched_per_image.toFixed(2)}`,
    `ms per image               ${s.ms_per_image.toFixed(1)}  (${String(s.config.runtime)}; ${Number(s.config.crops_per_image).toFixed(1)} crops per image)`,
  ].join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    console.log(USAGE);
    return;
  }
  readAnnotations(args.annotations); // a missing or malformed file fails here, before any GPU or model work
  const { tiles, threshold, nms, edge, tall, inputSide } = args.detector;
  const edgeText = edge.threshold < threshold ? `, edge ${edge.threshold}:${edge.band}` : '';
  const tallText = tall.threshold < threshold ? `, tall ${tall.px}:${tall.threshold}` : '';
  console.log(
    `eval ${args.annotations}: model ${args.model} (side ${inputSide ?? 'native'}), threshold ${threshold}${tallText}${edgeText}, tiles ${formatTilePlan(tiles)}, ` +
      `NMS IoU ${nms.iouThreshold} max ${nms.maxFaces}${nms.weighted ? ' weighted' : ''}`,
  );
  const tty = process.stderr.isTTY;
  const run = await runEval(args.annotations, {
    model: args.model,
    detector: args.detector,
    limit: args.limit,
    onImage: (i, n) => {
      if (tty) process.stderr.write(`\r${i + 1}/${n} images`);
    },
  });
  if (tty) process.stderr.write('\n');
  const { summary, counts } = summarize(run.results, { ...run.config, tiles: formatTilePlan(tiles) });
  console.log(`${summary.images} images, ${summary.faces} faces`);
  console.log(table(summary, counts));
  if (args.json) {
    mkdirSync(dirname(args.json), { recursive: true });
    writeFileSync(args.json, `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`wrote ${args.json}`);
  }
}

// Exit explicitly: V8 keeps compiling onnxruntime's wasm in the background for a minute or more after the last
// run, and Node would wait for it.
main().then(
  () => process.exit(0),
  (e: unknown) => {
    if (e instanceof UsageError) console.error(`eval: ${e.message}\n${USAGE}`);
    else if (e instanceof AnnotationsError) console.error(e.message);
    else console.error(e);
    process.exit(e instanceof UsageError || e instanceof AnnotationsError ? 2 : 1);
  },
);
