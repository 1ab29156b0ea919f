// npm run eval:video -- CLIP.mp4 GT.json [options]   or   npm run eval:video -- --all DIR [options]   (`--help` lists them)
// Plays a clip through live mode's detect-and-track path and counts the face-frames the blur leaves uncovered.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { formatTilePlan, parseTilePlan } from '../src/detect/tiling';
import { parseOption } from './options';
import { HELP_OPTION, optionsHelp, readCommandLine, UsageError, type OptionTable } from '../src/cli/command-line';
import { addLeakSummaries, DEFAULT_LEAK_OPTIONS } from './eval/leak';
import { DEFAULT_TRACKER_OPTIONS, type TrackerOptions } from '../src/track/options';
import { fileDetectorOptions, liveDetectorOptions, parseEdge } from '../src/detect/detector';
import { isModelName, MODELS } from '../src/detect/model';
import { CACHE_FLOOR } from './eval/eval-video-detect';
import { readVideoTruth, TruthError } from './eval/eval-video-truth';
import {
  DEFAULT_VIDEO_EVAL,
  describeRun,
  readClipIndex,
  runVideoEval,
  type VideoEvalOptions,
  type VideoEvalSummary,
  evalBudgetMs,
} from './eval/eval-video';

const d = DEFAULT_VIDEO_EVAL;
const OPTIONS = {
  all: {
    type: 'string',
    value: 'DIR',
    help: 'every clip DIR/index.json lists (e.g. ../shared/data/motion) instead of one',
  },
  json: {
    type: 'string',
    value: 'OUT.json',
    help: 'write the result (leak keys; with --all, the totals plus "clips")',
  },
  model: {
    type: 'string',
    value: Object.keys(MODELS).join('|'),
    help: `the face detector (default ${d.spec.name}); the defaults below are the model's`,
  },
  side: { type: 'string', value: 'PX', help: "a free-size model's input long side (default: the frame's own)" },
  'detect-every': {
    type: 'string',
    value: 'K',
    help: `the detector looks at every K-th frame (default ${d.schedule.every})`,
  },
  latency: {
    type: 'string',
    value: 'L',
    help: `its boxes reach the tracker L frames after capture (default ${d.schedule.latency})`,
  },
  'tiles-per-detection': {
    type: 'string',
    value: 'N|all',
    help: 'tiles run by each detection besides the whole frame, round robin (default all)',
  },
  tiles: {
    type: 'string',
    value: 'PLAN|off',
    help: `the detector's tiles, as npm run eval takes them (default ${formatTilePlan(d.detector.tiles)})`,
  },
  threshold: {
    type: 'string',
    value: 'T',
    help: `detector score threshold (default the model's in live mode, ${d.detector.threshold}; >= ${CACHE_FLOOR}, the cache's floor)`,
  },
  edge: {
    type: 'string',
    value: 'T[:BAND]|live|off',
    help:
      'keep boxes within BAND of their size from a frame border from score T (default live: the\n' +
      `model's, ${d.detector.edge.threshold}:${d.detector.edge.band}; off: the threshold everywhere)`,
  },
  tracker: { type: 'string', value: 'JSON', help: 'tracker options over the defaults, e.g. \'{"nSigma": 1.5}\'' },
  limit: { type: 'string', value: 'N', help: 'only the first N frames of each clip' },
  cache: { type: 'string', value: 'DIR', help: `per-crop detector cache (default ${d.cacheDir})` },
  'no-cache': { type: 'boolean', help: 'no detector cache' },
  leaks: { type: 'boolean', help: 'list every leaked face-frame' },
  'motion-guard': {
    type: 'string',
    value: 'D',
    help:
      "live mode's motion guard: blur the whole frame while the 32x18 luma thumbnail it sees\n" +
      "differs from the newest result's frame by more than D (mean, 0..255; default\n" +
      `${d.motionGuard}, 0: off)`,
  },
  budget: {
    type: 'string',
    value: 'MS',
    help:
      "live mode's trust budget: the whole frame is blurred while the newest result is older\n" +
      "(default auto, as live mode's: 2.5 gaps between the schedule's results, 250..1000 ms)",
  },
  'motion-guard-lag': {
    type: 'string',
    value: 'L',
    help:
      `the guard judges frame i by frame i - L's thumbnail (default ${d.motionGuardLag}: live mode's,\n` +
      'on the GPU on WebGPU, from the picture read before planning the frame on WebGL2)',
  },
  'picture-lag': {
    type: 'string',
    value: 'L',
    help:
      `the tracker looks for faces in frame i - L's picture when frame i is drawn (default ${d.pictureLag}:\n` +
      'live mode on WebGPU, whose readback lands a frame late; on WebGL2 it is 0)',
  },
  'no-picture': {
    type: 'boolean',
    help:
      'boxes follow only the detections, not the picture between them (live mode looks for\n' +
      "each face in every frame's 320 px luma image, as it lands, frame i - L, --picture-lag)",
  },
  'ideal-verifier': {
    type: 'string',
    value: 'S',
    help:
      "a bound, not a mode: keep only the detector's boxes that share S (0..1) of a ground-truth\n" +
      "face's box or of their own with one, as a verifier that never errs would",
  },
  trace: {
    type: 'string',
    value: 'OUT.jsonl',
    help: "every frame's result, boxes, truth and verdicts, one JSON line per frame",
  },
  offline: {
    type: 'boolean',
    help:
      "the CLI's and the export page's path instead: every frame detected with every tile, the\n" +
      'offline tracker forward and backward (lookahead), no fail-closed rule or guard',
  },
  help: HELP_OPTION,
} as const satisfies OptionTable;

const USAGE = `usage: npm run eval:video -- CLIP.mp4 GT.json [options]
       npm run eval:video -- --all DIR [options]
options:
${optionsHelp(OPTIONS)}
defaults model live mode on a mid-range GPU at 30 fps (see tools/eval/eval-video.ts)`;

interface Args {
  clips: { name: string; mp4: string; json: string }[];
  all: boolean;
  json?: string;
  trace?: string;
  leaks: boolean;
  eval: VideoEvalOptions;
}

/** The run's options, or null when --help asked for the usage. */
function parseArgs(argv: readonly string[]): Args | null {
  const { values: flags, positionals: positional } = readCommandLine(argv, OPTIONS);
  if (flags.help) return null;
  const int = (
    name:
      | 'detect-every'
      | 'latency'
      | 'side'
      | 'limit'
      | 'motion-guard'
      | 'motion-guard-lag'
      | 'picture-lag'
      | 'budget',
    min: number,
  ): number | undefined => {
    const text = flags[name];
    if (text === undefined) return undefined;
    const v = Number(text);
    if (!Number.isInteger(v) || v < min) throw new UsageError(`--${name} ${text}: expected an integer >= ${min}`);
    return v;
  };
  let tracker: Partial<TrackerOptions> = {};
  const trackerText = flags.tracker;
  if (trackerText !== undefined) {
    try {
      tracker = JSON.parse(trackerText) as Partial<TrackerOptions>;
    } catch (e) {
      throw new UsageError(`--tracker: not JSON (${(e as Error).message})`);
    }
    const merged: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tracker)) {
      const base = (DEFAULT_TRACKER_OPTIONS as unknown as Record<string, unknown>)[k];
      if (base === undefined) throw new UsageError(`--tracker: unknown option ${k}`);
      // Nested groups (noise, smoothing, ...) take the given fields over their defaults.
      merged[k] = typeof base === 'object' && typeof v === 'object' ? { ...base, ...v } : v;
    }
    tracker = merged as Partial<TrackerOptions>;
  }
  const tilesText = flags['tiles-per-detection'] ?? 'all';
  const tilesPerDetection = tilesText === 'all' ? Infinity : Number(tilesText);
  if (!(tilesPerDetection === Infinity || (Number.isInteger(tilesPerDetection) && tilesPerDetection >= 0))) {
    throw new UsageError(`--tiles-per-detection ${tilesText}: expected an integer >= 0 or all`);
  }
  const modelName = flags.model ?? d.spec.name;
  if (!isModelName(modelName))
    throw new UsageError(`--model ${modelName}: expected one of ${Object.keys(MODELS).join(', ')}`);
  const spec = MODELS[modelName];
  // Offline, what the CLI and the export page detect a video's frames with; live, live mode's rule.
  const detector = flags.offline ? fileDetectorOptions(spec, {}).video : liveDetectorOptions(spec);
  const threshold = flags.threshold !== undefined ? Number(flags.threshold) : detector.threshold;
  if (!(threshold >= CACHE_FLOOR && threshold < 1))
    throw new UsageError(`--threshold ${flags.threshold}: expected ${CACHE_FLOOR} <= T < 1`);
  const edge = parseOption('edge', flags.edge, detector.edge, (t) => parseEdge(t, spec, CACHE_FLOOR));
  const idealVerifier = parseOption('ideal-verifier', flags['ideal-verifier'], undefined, (t) => {
    const share = Number(t);
    if (!(share > 0 && share <= 1)) throw new RangeError('expected 0 < S <= 1');
    return share;
  });
  const tiles = parseOption('tiles', flags.tiles, detector.tiles, (t) =>
    parseTilePlan(t, liveDetectorOptions(MODELS.blazeface).tiles),
  );

  const allDir = flags.all;
  let clips: Args['clips'];
  if (allDir !== undefined) {
    if (positional.length > 0) throw new UsageError('give either CLIP.mp4 GT.json or --all DIR');
    clips = readClipIndex(allDir);
  } else {
    if (positional.length !== 2) throw new UsageError('give a clip and its ground truth (or --all DIR)');
    clips = [{ name: basename(positional[0]!).replace(/\.[^.]*$/, ''), mp4: positional[0]!, json: positional[1]! }];
  }
  return {
    clips,
    all: allDir !== undefined,
    json: flags.json,
    trace: flags.trace,
    leaks: flags.leaks === true,
    eval: {
      ...d,
      schedule: { every: int('detect-every', 1) ?? d.schedule.every, latency: int('latency', 0) ?? d.schedule.latency },
      tilesPerDetection,
      spec,
      detector: { ...detector, threshold, tiles, edge, inputSide: int('side', 32) ?? detector.inputSide },
      tracker,
      limit: int('limit', 1),
      motionGuard: int('motion-guard', 0) ?? d.motionGuard,
      motionGuardLag: int('motion-guard-lag', 0) ?? d.motionGuardLag,
      pictureLag: int('picture-lag', 0) ?? d.pictureLag,
      budgetMs: int('budget', 1) ?? d.budgetMs,
      pictures: flags['no-picture'] !== true,
      idealVerifier,
      offline: flags.offline === true,
      cacheDir: flags['no-cache'] ? undefined : (flags.cache ?? d.cacheDir),
    },
  };
}

const pct = (r: number) => `${(100 * r).toFixed(2)}%`;

function row(name: string, s: VideoEvalSummary | Omit<VideoEvalSummary, 'model_runs'>): string[] {
  return [
    name,
    String(s.frames),
    String(s.face_frames),
    String(s.leaked_face_frames),
    pct(s.leak_rate),
    String(s.leaked_undetected),
    String(s.frames_with_any_leak),
    String(s.longest_leak_run),
    String(s.leak_runs_over_1),
    pct(s.all_faces.leak_rate),
    s.mask_area_ratio.toFixed(2),
    s.full_frame_ratio.toFixed(2),
    s.detector_mask_ratio.toFixed(2),
    String(s.full_frames),
    s.ms_per_frame.toFixed(1),
  ];
}

function table(rows: string[][]): string {
  const head = [
    'clip',
    'frames',
    `faces>=${DEFAULT_LEAK_OPTIONS.minHeight}`,
    'leaked',
    'leak_rate',
    'undetected',
    'leak_frames',
    'max_run',
    'runs>1',
    'all_faces',
    'mask_ratio',
    'of_it_full',
    'det_ratio',
    'full',
    'ms/frame',
  ];
  const all = [head, ...rows];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  return all
    .map((r) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  '))
    .join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    console.log(USAGE);
    return;
  }
  // A missing or malformed file fails here, before any decoding or model work.
  for (const c of args.clips) {
    readVideoTruth(c.json);
    if (!existsSync(c.mp4)) throw new TruthError(c.mp4, 'no such video file');
  }
  const o = args.eval;
  console.log(
    o.offline
      ? `eval:video --offline: every frame detected (${o.spec.name}, threshold ${o.detector.threshold}, tiles ${formatTilePlan(o.detector.tiles)}), offline tracker with lookahead, ` +
          `mask scale ${o.maskScale}, cache ${o.cacheDir ?? 'off'}`
      : `eval:video: detect every ${o.schedule.every} frame(s), latency ${o.schedule.latency} frame(s), ` +
          `tiles per detection ${Number.isFinite(o.tilesPerDetection) ? o.tilesPerDetection : 'all'}, mask scale ${o.maskScale}, ` +
          `budget ${o.budgetMs === null ? `auto (${evalBudgetMs(o, 30)} ms at 30 fps)` : `${o.budgetMs} ms`}, cache ${o.cacheDir ?? 'off'}`,
  );
  const tty = process.stderr.isTTY;
  const results: { name: string; summary: VideoEvalSummary }[] = [];
  const trace: unknown[] = [];
  const t0 = performance.now();
  for (const c of args.clips) {
    const leaks: string[] = [];
    const r = await runVideoEval(c.mp4, c.json, {
      ...o,
      onProgress: (n, total) => {
        if (tty) process.stderr.write(`\r${c.name}: ${n}/${total} model runs`);
      },
      onFrame: (f) => {
        if (args.trace) trace.push({ clip: c.name, ...f });
        if (!args.leaks) return;
        f.verdicts.forEach((v, k) => {
          const b = f.truth[k]!.box;
          if (v.leaked) {
            leaks.push(
              `  frame ${f.i} face ${v.id ?? '?'} (${b.w.toFixed(0)}x${b.h.toFixed(0)} at ${b.x.toFixed(0)},${b.y.toFixed(0)}): ` +
                `${(100 * v.covered).toFixed(0)}% covered${v.counted ? '' : ' (small)'}${v.undetected ? ' (undetected)' : ''}, ` +
                `${f.faces.length} boxes`,
            );
          }
        });
      },
    });
    if (tty) process.stderr.write('\r\x1b[K');
    if (args.leaks && leaks.length > 0) console.log(`${c.name}:\n${leaks.join('\n')}`);
    results.push({ name: c.name, summary: r.summary });
  }
  const total = addLeakSummaries(results.map((r) => r.summary));
  const frames = total.frames;
  const sum = (k: 'ms_per_frame' | 'tracker_ms_per_frame') =>
    results.reduce((n, r) => n + r.summary[k] * r.summary.frames, 0);
  const totals = {
    ...total,
    ms_per_frame: frames > 0 ? sum('ms_per_frame') / frames : 0,
    tracker_ms_per_frame: frames > 0 ? sum('tracker_ms_per_frame') / frames : 0,
  };
  const rows = results.map((r) => row(r.name, r.summary));
  if (results.length > 1) rows.push(row('total', { ...totals, detector_ms_per_detection: 0, crops_per_detection: 0 }));
  console.log(table(rows));
  const runs = results.reduce((n, r) => n + r.summary.model_runs, 0);
  console.log(
    `leak_rate counts faces >= ${DEFAULT_LEAK_OPTIONS.minHeight} px tall (all_faces: every face); a face leaks when < ` +
      `${100 * DEFAULT_LEAK_OPTIONS.minCovered}% of its box is blurred; undetected: leaks of faces no result within the hold ` +
      `had found (the detector's). of_it_full: the part of mask_ratio ` +
      `blurred whole-frame; det_ratio: the same ` +
      `whole frames, and elsewhere only the newest result's own boxes as masks, untracked (what the tracker adds to). ms/frame: detector (as measured when its crops ran here) ` +
      `+ tracker (${totals.tracker_ms_per_frame.toFixed(3)} ms). ${runs} model runs now, ${((performance.now() - t0) / 1000).toFixed(1)} s.`,
  );
  console.log(
    `on frames not blurred whole, boxes a frame: ${totals.boxes_per_frame.toFixed(1)} drawn, ` +
      `${totals.detector_boxes_per_frame.toFixed(1)} in the newest result; faces a frame: ${(totals.all_faces.face_frames / frames).toFixed(1)}.`,
  );
  if (args.trace) {
    mkdirSync(dirname(args.trace), { recursive: true });
    writeFileSync(args.trace, `${trace.map((t) => JSON.stringify(t)).join('\n')}\n`);
    console.log(`wrote ${args.trace}`);
  }
  if (args.json) {
    const out = args.all
      ? { ...totals, config: describeRun(o), clips: results.map((r) => ({ name: r.name, ...r.summary })) }
      : { ...results[0]!.summary, config: describeRun(o) };
    mkdirSync(dirname(args.json), { recursive: true });
    writeFileSync(args.json, `${JSON.stringify(out, null, 2)}\n`);
    console.log(`wrote ${args.json}`);
  }
}

// Exit explicitly: V8 keeps compiling onnxruntime's wasm in the background after the last run (see tools/eval.ts).
main().then(
  () => process.exit(0),
  (e: unknown) => {
    if (e instanceof UsageError) console.error(`eval:video: ${e.message}\n${USAGE}`);
    else if (e instanceof TruthError) console.error(e.message);
    else console.error(e);
    process.exit(e instanceof UsageError || e instanceof TruthError ? 2 : 1);
  },
);
