// npm run eval:video -- CLIP.mp4 GT.json [--json OUT.json] [--detect-every K] [--latency L] [options]
// npm run eval:video -- --all DIR [--json OUT.json] [...]
// Plays a clip through live mode's detect-and-track path and counts the face-frames the blur leaves uncovered.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { formatTilePlan, parseTilePlan } from '../src/detect/tiling';
import { parseOption } from './options';
import { UsageError } from '../src/node/usage-error';
import { addLeakSummaries, DEFAULT_LEAK_OPTIONS } from '../src/node/leak';
import { DEFAULT_TRACKER_OPTIONS, type TrackerOptions } from '../src/track/options';
import { detectorDefaults, liveDetectorOptions, parseEdge } from '../src/detect/detector';
import { isModelName, MODELS } from '../src/detect/model';
import { CACHE_FLOOR } from '../src/node/eval-video-detect';
import { readVideoTruth, TruthError } from '../src/node/eval-video-truth';
import {
  DEFAULT_VIDEO_EVAL, describeRun, readClipIndex, runVideoEval, type VideoEvalOptions, type VideoEvalSummary,
} from '../src/node/eval-video';

const d = DEFAULT_VIDEO_EVAL;
const USAGE = `usage: npm run eval:video -- CLIP.mp4 GT.json [options]
       npm run eval:video -- --all DIR [options]      (DIR/index.json lists the clips, e.g. ../shared/data/motion)
options:
  --json OUT.json             write the result (leak keys; with --all, the totals plus "clips")
  --model ${Object.keys(MODELS).join('|')}     the face detector (default ${d.spec.name}); the defaults below are the model's
  --side PX                   a free-size model's input long side (default: the frame's own)
  --detect-every K            the detector looks at every K-th frame (default ${d.schedule.every})
  --latency L                 its boxes reach the tracker L frames after capture (default ${d.schedule.latency})
  --tiles-per-detection N|all tiles run by each detection besides the whole frame, round robin (default all)
  --tiles PLAN|off            the detector's tiles, as npm run eval takes them (default ${formatTilePlan(d.detector.tiles)})
  --threshold T               detector score threshold (default the model's in live mode, ${d.detector.threshold}; >= ${CACHE_FLOOR}, the cache's floor)
  --edge T[:BAND]|live|off    keep boxes within BAND of their size from a frame border from score T (default live: the
                              model's, ${d.detector.edge.threshold}:${d.detector.edge.band}; off: the threshold everywhere)
  --tracker JSON              tracker options over the defaults, e.g. '{"nSigma": 1.5}'
  --limit N                   only the first N frames of each clip
  --cache DIR | --no-cache    per-crop detector cache (default ${d.cacheDir})
  --leaks                     list every leaked face-frame
  --motion-guard D            live mode's motion guard: blur the whole frame while the 32x18 luma thumbnail it sees
                              differs from the newest result's frame by more than D (mean, 0..255; default
                              ${d.motionGuard}, 0: off)
  --motion-guard-lag L        the guard judges frame i by frame i - L's thumbnail (default ${d.motionGuardLag}: live
                              mode's GPU readback lands a frame late)
  --no-picture                boxes follow only the detections, not the picture between them (live mode looks for
                              each face in every frame's 320 px luma image, as it lands, frame i - L as above)
  --ideal-verifier S          a bound, not a mode: keep only the detector's boxes that share S (0..1) of a ground-truth
                              face's box or of their own with one, as a verifier that never errs would
  --trace OUT.jsonl           every frame's result, boxes, truth and verdicts, one JSON line per frame
  --offline                   the CLI's and the export page's path instead: every frame detected (photo rule), the
                              offline tracker forward and backward (lookahead), no fail-closed rule or guard
defaults model live mode on a mid-range GPU at 30 fps (see src/node/eval-video.ts)`;

interface Args {
  clips: { name: string; mp4: string; json: string }[];
  all: boolean;
  json?: string;
  trace?: string;
  leaks: boolean;
  eval: VideoEvalOptions;
}

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  const switches = new Set(['no-cache', 'leaks', 'no-picture', 'offline']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) positional.push(a);
    else if (a === '--help' || a === '-h') throw new UsageError('');
    else if (switches.has(a.slice(2))) flags.set(a.slice(2), '');
    else if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
    else flags.set(a.slice(2), argv[++i]!);
  }
  const known = new Set(['json', 'model', 'side', 'tiles', 'detect-every', 'latency', 'tiles-per-detection', 'threshold', 'edge', 'tracker', 'limit', 'cache',
    'no-cache', 'leaks', 'all', 'trace', 'motion-guard', 'motion-guard-lag', 'no-picture',
    'ideal-verifier', 'offline']);
  for (const k of flags.keys()) if (!known.has(k)) throw new UsageError(`unknown option --${k}`);
  const int = (name: string, min: number): number | undefined => {
    const text = flags.get(name);
    if (text === undefined) return undefined;
    const v = Number(text);
    if (!Number.isInteger(v) || v < min) throw new UsageError(`--${name} ${text}: expected an integer >= ${min}`);
    return v;
  };
  let tracker: Partial<TrackerOptions> = {};
  const trackerText = flags.get('tracker');
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
  const tilesText = flags.get('tiles-per-detection') ?? 'all';
  const tilesPerDetection = tilesText === 'all' ? Infinity : Number(tilesText);
  if (!(tilesPerDetection === Infinity || (Number.isInteger(tilesPerDetection) && tilesPerDetection >= 0))) {
    throw new UsageError(`--tiles-per-detection ${tilesText}: expected an integer >= 0 or all`);
  }
  const modelName = flags.get('model') ?? d.spec.name;
  if (!isModelName(modelName)) throw new UsageError(`--model ${modelName}: expected one of ${Object.keys(MODELS).join(', ')}`);
  const spec = MODELS[modelName];
  // Offline (the CLI, the export page) detects with the photo rule, as they do; live mode with its live rule.
  const detector = flags.has('offline') ? detectorDefaults(spec) : liveDetectorOptions(spec);
  const threshold = flags.has('threshold') ? Number(flags.get('threshold')) : detector.threshold;
  if (!(threshold >= CACHE_FLOOR && threshold < 1)) throw new UsageError(`--threshold ${flags.get('threshold')}: expected ${CACHE_FLOOR} <= T < 1`);
  const edge = parseOption('edge', flags.get('edge'), detector.edge, (t) => parseEdge(t, spec, CACHE_FLOOR));
  const idealVerifier = parseOption('ideal-verifier', flags.get('ideal-verifier'), undefined, (t) => {
    const share = Number(t);
    if (!(share > 0 && share <= 1)) throw new RangeError('expected 0 < S <= 1');
    return share;
  });
  const tiles = parseOption('tiles', flags.get('tiles'), detector.tiles, (t) => parseTilePlan(t, liveDetectorOptions(MODELS.blazeface).tiles));

  const allDir = flags.get('all');
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
    json: flags.get('json'),
    trace: flags.get('trace'),
    leaks: flags.has('leaks'),
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
      pictures: !flags.has('no-picture'),
      idealVerifier,
      offline: flags.has('offline'),
      cacheDir: flags.has('no-cache') ? undefined : flags.get('cache') ?? d.cacheDir,
    },
  };
}

const pct = (r: number) => `${(100 * r).toFixed(2)}%`;

function row(name: string, s: VideoEvalSummary | Omit<VideoEvalSummary, 'model_runs'>): string[] {
  return [name, String(s.frames), String(s.face_frames), String(s.leaked_face_frames), pct(s.leak_rate),
    String(s.leaked_undetected), String(s.frames_with_any_leak), String(s.longest_leak_run), String(s.leak_runs_over_1),
    pct(s.all_faces.leak_rate), s.mask_area_ratio.toFixed(2), s.full_frame_ratio.toFixed(2), s.detector_mask_ratio.toFixed(2),
    String(s.full_frames), s.ms_per_frame.toFixed(1)];
}

function table(rows: string[][]): string {
  const head = ['clip', 'frames', `faces>=${DEFAULT_LEAK_OPTIONS.minHeight}`, 'leaked', 'leak_rate', 'undetected', 'leak_frames',
    'max_run', 'runs>1', 'all_faces', 'mask_ratio', 'of_it_full', 'det_ratio', 'full', 'ms/frame'];
  const all = [head, ...rows];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  return all.map((r) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // A missing or malformed file fails here, before any decoding or model work.
  for (const c of args.clips) {
    readVideoTruth(c.json);
    if (!existsSync(c.mp4)) throw new TruthError(c.mp4, 'no such video file');
  }
  const o = args.eval;
  console.log(o.offline
    ? `eval:video --offline: every frame detected (${o.spec.name}, threshold ${o.detector.threshold}), offline tracker with lookahead, `
      + `mask scale ${o.maskScale}, cache ${o.cacheDir ?? 'off'}`
    : `eval:video: detect every ${o.schedule.every} frame(s), latency ${o.schedule.latency} frame(s), `
    + `tiles per detection ${Number.isFinite(o.tilesPerDetection) ? o.tilesPerDetection : 'all'}, mask scale ${o.maskScale}, `
    + `budget ${o.budgetMs} ms, cache ${o.cacheDir ?? 'off'}`);
  const tty = process.stderr.isTTY;
  const results: { name: string; summary: VideoEvalSummary }[] = [];
  const trace: unknown[] = [];
  const t0 = performance.now();
  for (const c of args.clips) {
    const leaks: string[] = [];
    const r = await runVideoEval(c.mp4, c.json, {
      ...o,
      onProgress: (n, total) => { if (tty) process.stderr.write(`\r${c.name}: ${n}/${total} model runs`); },
      onFrame: (f) => {
        if (args.trace) trace.push({ clip: c.name, ...f });
        if (!args.leaks) return;
        f.verdicts.forEach((v, k) => {
          const b = f.truth[k]!.box;
          if (v.leaked) {
            leaks.push(`  frame ${f.i} face ${v.id ?? '?'} (${b.w.toFixed(0)}x${b.h.toFixed(0)} at ${b.x.toFixed(0)},${b.y.toFixed(0)}): `
              + `${(100 * v.covered).toFixed(0)}% covered${v.counted ? '' : ' (small)'}${v.undetected ? ' (undetected)' : ''}, `
              + `${f.faces.length} boxes`);
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
  const sum = (k: 'ms_per_frame' | 'tracker_ms_per_frame') => results.reduce((n, r) => n + r.summary[k] * r.summary.frames, 0);
  const totals = {
    ...total,
    ms_per_frame: frames > 0 ? sum('ms_per_frame') / frames : 0,
    tracker_ms_per_frame: frames > 0 ? sum('tracker_ms_per_frame') / frames : 0,
  };
  const rows = results.map((r) => row(r.name, r.summary));
  if (results.length > 1) rows.push(row('total', { ...totals, detector_ms_per_detection: 0, crops_per_detection: 0 }));
  console.log(table(rows));
  const runs = results.reduce((n, r) => n + r.summary.model_runs, 0);
  console.log(`leak_rate counts faces >= ${DEFAULT_LEAK_OPTIONS.minHeight} px tall (all_faces: every face); a face leaks when < `
    + `${100 * DEFAULT_LEAK_OPTIONS.minCovered}% of its box is blurred; undetected: leaks of faces no result within the hold `
    + `had found (the detector's). of_it_full: the part of mask_ratio `
    + `blurred whole-frame; det_ratio: the same `
    + `whole frames, and elsewhere only the newest result's own boxes as masks, untracked (what the tracker adds to). ms/frame: detector (as measured when its crops ran here) `
    + `+ tracker (${totals.tracker_ms_per_frame.toFixed(3)} ms). ${runs} model runs now, ${((performance.now() - t0) / 1000).toFixed(1)} s.`);
  console.log(`on frames not blurred whole, boxes a frame: ${totals.boxes_per_frame.toFixed(1)} drawn, `
    + `${totals.detector_boxes_per_frame.toFixed(1)} in the newest result; faces a frame: ${(totals.all_faces.face_frames / frames).toFixed(1)}.`);
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
main().then(() => process.exit(0), (e: unknown) => {
  if (e instanceof UsageError) console.error(`${e.message ? `eval:video: ${e.message}\n` : ''}${USAGE}`);
  else if (e instanceof TruthError) console.error(e.message);
  else console.error(e);
  process.exit(e instanceof UsageError || e instanceof TruthError ? 2 : 1);
});
