// `npm run bench:node [-- options]` (`--help` lists them): the full pipeline (import, FaceDetector, Tracker,
// AnonymizePass; tools/bench/pipeline-bench.ts, the same code the Chromium bench runs) in Node through Dawn, on frames
// of the demo clip (or --clip, e.g. ../shared/data/faces/videos/*.mp4) that ffmpeg decodes, or on raw frames written
// earlier (--frames-dir: for the GPU machine, which has no ffmpeg). Bundled by tools/vite.config.ts into
// dist-tools/bench-node.mjs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FaceModel, configureOrt, type Provider } from '../src/detect/model';
import { HELP_OPTION, optionsHelp, UsageError, type OptionTable } from '../src/cli/command-line';
import { BenchArgs, benchDetector, DETECTOR_OPTIONS, formatSizes } from './bench/bench-args';
import { BENCH_SIZES, DEMO_CLIP, FOOTAGE_FRAMES } from './bench/footage';
import { decodeFootage, readRawFrames, rgbaFrameSource, writeRawFrames } from './bench/footage-node';
import { benchGpu, prepareOrtWebGpu } from './bench/node-gpu';
import { acquireGpu } from '../src/gpu/device';
import { probeSize } from '../src/testing/image-io';
import { runPipelineBench, type PipelineBenchResult } from './bench/pipeline-bench';
import { pipelineLegend, pipelineTable, pipelineTargets } from './bench/pipeline-report';

/** A software adapter runs a 720p frame in hundreds of ms: fewer frames unless asked. */
const FRAMES = { hardware: 100, software: 10 };
const WARMUP = { hardware: 10, software: 1 };

const OPTIONS = {
  ep: { type: 'string', value: 'wasm|webgpu', help: "onnxruntime-web's execution provider (default wasm)" },
  clip: {
    type: 'string',
    value: 'VIDEO',
    help: `the footage, which ffmpeg decodes (default the demo clip, public/${DEMO_CLIP.url})`,
  },
  sizes: { type: 'string', value: 'WxH,...', help: `frame sizes (default ${formatSizes(BENCH_SIZES)})` },
  frames: {
    type: 'string',
    value: 'N',
    help: `frames timed at each size (default ${FRAMES.hardware}; ${FRAMES.software} on a software adapter)`,
  },
  warmup: {
    type: 'string',
    value: 'N',
    help: `frames run first, untimed (default ${WARMUP.hardware}; ${WARMUP.software} on a software adapter)`,
  },
  grid: { type: 'string', value: '1|2', help: 'copies of the clip a side in each frame (default 2: four faces)' },
  ...DETECTOR_OPTIONS,
  'model-file': { type: 'string', value: 'FILE', help: "the model's ONNX file (default its copy in public/models/)" },
  'frames-dir': {
    type: 'string',
    value: 'DIR',
    help: 'raw frames that --write-frames wrote, instead of decoding the clip',
  },
  'write-frames': {
    type: 'string',
    value: 'DIR',
    help: 'decode the clip at each size into raw frames in DIR, then stop',
  },
  distinct: { type: 'string', value: 'N', help: `distinct frames --write-frames writes (default ${FOOTAGE_FRAMES})` },
  out: { type: 'string', value: 'FILE', help: 'the report as JSON (default bench-results/node-pipeline.json)' },
  help: HELP_OPTION,
} as const satisfies OptionTable;

// Named after the bundle: on the GPU machine it runs as `bash .gpu/run.sh bench-node.mjs ...` (docs/performance.md).
const USAGE = `usage: bench-node.mjs [options]   (here: npm run bench:node -- [options])\n${optionsHelp(OPTIONS)}`;

async function main(): Promise<void> {
  const args = new BenchArgs(process.argv.slice(2), OPTIONS);
  if (args.has('help')) {
    console.log(USAGE);
    return;
  }
  const sizes = args.sizes('sizes', BENCH_SIZES);
  const grid = args.count('grid', 2);
  const clipPath = args.string('clip');
  const clip = clipPath
    ? { path: clipPath, ...probeSize(clipPath) }
    : { ...DEMO_CLIP, path: resolve('public', DEMO_CLIP.url) };
  const writeDir = args.string('write-frames');
  if (writeDir) {
    const distinct = Math.max(1, args.count('distinct', FOOTAGE_FRAMES));
    for (const [width, height] of sizes)
      console.log(`wrote ${writeRawFrames(writeDir, decodeFootage({ clip, width, height, grid }, distinct))}`);
    return;
  }
  const ep = (args.string('ep') ?? 'wasm') as Provider;
  if (ep !== 'wasm' && ep !== 'webgpu') throw new UsageError(`--ep ${ep}: expected wasm or webgpu`);
  // The app's own device request (limits for onnxruntime's kernels, timestamp-query where there is one).
  const { device, description: name, software, timestamps } = await acquireGpu(benchGpu());
  device.addEventListener('uncapturederror', (e) =>
    console.error('bench:node: GPU error:', (e as GPUUncapturedErrorEvent).error.message),
  );
  if (ep === 'webgpu') prepareOrtWebGpu(device);
  configureOrt({ wasmThreads: 1 });
  const { spec, inputSide, tilesPerFrame } = benchDetector(args);
  const modelPath = args.string('model-file') ?? resolve('public', spec.url);
  const t0 = performance.now();
  const model = await FaceModel.create(spec, new Uint8Array(readFileSync(modelPath)), ep, device);
  const frames = args.count('frames', software ? FRAMES.software : FRAMES.hardware);
  const warmup = args.count('warmup', software ? WARMUP.software : WARMUP.hardware);
  console.log(`bench:node on ${name}${software ? ' (a software rasterizer: times say nothing about a real GPU)' : ''}`);
  console.log(
    `onnxruntime-web ${ep} provider, session created in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
      `${frames} frames after ${warmup} warm-up frames; tiles per frame: ${tilesPerFrame}; ${grid}x${grid} copies of the clip`,
  );

  const framesDir = args.string('frames-dir');
  const results: PipelineBenchResult[] = [];
  for (const [width, height] of sizes) {
    const footage = framesDir ? readRawFrames(framesDir, width, height) : decodeFootage({ clip, width, height, grid });
    const w0 = performance.now();
    results.push(
      await runPipelineBench(device, model, rgbaFrameSource(device, footage), {
        frames,
        warmup,
        tilesPerFrame,
        inputSide,
        timestamps,
        log: (l) => console.log(l),
      }),
    );
    console.log(`  ${width}x${height}: ${((performance.now() - w0) / 1000).toFixed(1)} s with warm-up`);
  }
  console.log(`\n${pipelineTable(results)}\n\n${pipelineLegend(timestamps)}`);
  const targets = pipelineTargets(results);
  if (targets.length) console.log(`\n${targets.join('\n')}`);

  const out = args.string('out') ?? 'bench-results/node-pipeline.json';
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        bench: 'pipeline-node',
        date: new Date().toISOString(),
        adapter: { name, software, timestamps },
        provider: ep,
        clip: clip.path,
        grid,
        results,
      },
      null,
      1,
    )}\n`,
  );
  console.log(`wrote ${out}`);
  await model.release();
  device.destroy();
}

// Exit explicitly: V8 keeps compiling onnxruntime's wasm in the background after the last run (as tools/eval.ts).
main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(
      `bench:node: ${e instanceof Error ? e.message : String(e)}${e instanceof UsageError ? `\n${USAGE}` : ''}`,
    );
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
