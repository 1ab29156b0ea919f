// `npm run bench:node [-- --ep wasm|webgpu] [--clip VIDEO] [--sizes 1280x720,...] [--frames N] [--warmup N] [--tiles N|all|off]
//  [--grid 1|2] [--model yunet|blazeface] [--side PX|native] [--model-file FILE] [--frames-dir DIR | --write-frames DIR [--distinct N]] [--out FILE]`: the full pipeline (import, FaceDetector,
// Tracker, AnonymizePass; src/bench/pipeline-bench.ts, the same code the Chromium bench runs) in Node through Dawn,
// on frames of the demo clip (or --clip, e.g. ../shared/data/faces/videos/*.mp4) that ffmpeg decodes, or on raw frames written earlier (--frames-dir: for the GPU
// machine, which has no ffmpeg). Bundled by tools/bench-node.vite.config.ts into dist-bench/bench-node.mjs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FaceModel, configureOrt, type Provider } from '../detect/model';
import { UsageError } from '../node/usage-error';
import { BenchArgs, benchDetector } from './bench-args';
import { BENCH_SIZES, DEMO_CLIP, FOOTAGE_FRAMES } from './footage';
import { decodeFootage, readRawFrames, rgbaFrameSource, writeRawFrames } from './footage-node';
import { benchGpu, prepareOrtWebGpu } from './node-gpu';
import { acquireGpu } from '../gpu/device';
import { probeSize } from '../node/image-io';
import { runPipelineBench, type PipelineBenchResult } from './pipeline-bench';
import { pipelineLegend, pipelineTable, pipelineTargets } from './pipeline-report';

const USAGE = 'usage: bench-node.mjs [--ep wasm|webgpu] [--clip VIDEO] [--sizes WxH,...] [--frames N] [--warmup N] [--tiles N|all|off] '
  + '[--grid 1|2] [--model yunet|blazeface] [--side PX|native] [--model-file FILE] [--frames-dir DIR | --write-frames DIR [--distinct N]] [--out FILE]';

/** A software adapter runs a 720p frame in hundreds of ms: fewer frames unless asked. */
const FRAMES = { hardware: 100, software: 10 };

async function main(): Promise<void> {
  const args = new BenchArgs(process.argv.slice(2), {
    switches: [], options: ['ep', 'clip', 'sizes', 'frames', 'warmup', 'tiles', 'grid', 'model', 'side', 'model-file', 'frames-dir', 'write-frames', 'distinct', 'out'],
  });
  const sizes = args.sizes('sizes', BENCH_SIZES);
  const grid = args.count('grid', 2);
  const clipPath = args.string('clip');
  const clip = clipPath ? { path: clipPath, ...probeSize(clipPath) } : { ...DEMO_CLIP, path: resolve('public', DEMO_CLIP.url) };
  const writeDir = args.string('write-frames');
  if (writeDir) {
    const distinct = Math.max(1, args.count('distinct', FOOTAGE_FRAMES));
    for (const [width, height] of sizes) console.log(`wrote ${writeRawFrames(writeDir, decodeFootage({ clip, width, height, grid }, distinct))}`);
    return;
  }
  const ep = (args.string('ep') ?? 'wasm') as Provider;
  if (ep !== 'wasm' && ep !== 'webgpu') throw new UsageError(`--ep ${ep}: expected wasm or webgpu`);
  // The app's own device request (limits for onnxruntime's kernels, timestamp-query where there is one).
  const { device, description: name, software, timestamps } = await acquireGpu(benchGpu());
  device.addEventListener('uncapturederror', (e) => console.error('bench:node: GPU error:', (e as GPUUncapturedErrorEvent).error.message));
  if (ep === 'webgpu') prepareOrtWebGpu(device);
  configureOrt({ wasmThreads: 1 });
  const { spec, inputSide, tilesPerFrame } = benchDetector(args);
  const modelPath = args.string('model-file') ?? resolve('public', spec.url);
  const t0 = performance.now();
  const model = await FaceModel.create(spec, new Uint8Array(readFileSync(modelPath)), ep, device);
  const frames = args.count('frames', software ? FRAMES.software : FRAMES.hardware);
  const warmup = args.count('warmup', software ? 1 : 10);
  console.log(`bench:node on ${name}${software ? ' (a software rasterizer: times say nothing about a real GPU)' : ''}`);
  console.log(`onnxruntime-web ${ep} provider, session created in ${((performance.now() - t0) / 1000).toFixed(1)} s; `
    + `${frames} frames after ${warmup} warm-up frames; tiles per frame: ${tilesPerFrame}; ${grid}x${grid} copies of the clip`);

  const framesDir = args.string('frames-dir');
  const results: PipelineBenchResult[] = [];
  for (const [width, height] of sizes) {
    const footage = framesDir ? readRawFrames(framesDir, width, height) : decodeFootage({ clip, width, height, grid });
    const w0 = performance.now();
    results.push(await runPipelineBench(device, model, rgbaFrameSource(device, footage), {
      frames, warmup, tilesPerFrame, inputSide, timestamps, log: (l) => console.log(l),
    }));
    console.log(`  ${width}x${height}: ${((performance.now() - w0) / 1000).toFixed(1)} s with warm-up`);
  }
  console.log(`\n${pipelineTable(results)}\n\n${pipelineLegend(timestamps)}`);
  const targets = pipelineTargets(results);
  if (targets.length) console.log(`\n${targets.join('\n')}`);

  const out = args.string('out') ?? 'bench-results/node-pipeline.json';
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({
    bench: 'pipeline-node', date: new Date().toISOString(), adapter: { name, software, timestamps }, provider: ep, clip: clip.path, grid, results,
  }, null, 1)}\n`);
  console.log(`wrote ${out}`);
  await model.release();
  device.destroy();
}

// Exit explicitly: V8 keeps compiling onnxruntime's wasm in the background after the last run (as tools/eval.ts).
main().then(() => process.exit(0), (e: unknown) => {
  console.error(`bench:node: ${e instanceof Error ? e.message : String(e)}${e instanceof UsageError ? `\n${USAGE}` : ''}`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
