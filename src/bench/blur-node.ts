// `npm run bench [-- --quick | --full] [--runs N] [--warmup N] [--out FILE] [--sizes 1280x720,...]
//  [--faces 1,4] [--effects gaussian,mosaic]`: GPU time of the anonymize pass per effect, in Node through Dawn
// (the `webgpu` package); quick on a software adapter unless --full. `npm run bench:build` bundles it
// (tools/bench-blur.vite.config.ts) into dist-bench/bench-blur.mjs, one ES module that imports only 'webgpu'
// and node: built-ins. On the GPU machine (../shared/gpu/README.md): `bash ../shared/gpu/prepare.sh
// dist-bench/bench-blur.mjs` here, then there `bash .gpu/run.sh bench-blur.mjs --full --out "$OUT/blur-bench.json"`.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { create, globals } from 'webgpu';
import { ANONYMIZE_EFFECTS, type AnonymizeEffect } from '../render/anonymize-pass';
import { TABLE_HEADER, runBench, targets, type Timing } from './blur-bench';

/** As in src/node/webgpu-node.ts: Chromium's SwiftShader, where there is no GPU. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

const FULL = { sizes: [[1280, 720], [1920, 1080], [3840, 2160]], faces: [1, 4, 16], runs: 50, warmup: 10 } as const;
const QUICK = { sizes: [[1280, 720]], faces: [1, 4], runs: 3, warmup: 1 } as const;

function usage(message: string): never {
  console.error(`bench:blur: ${message}\nusage: bench-blur.mjs [--quick | --full] [--runs N] [--warmup N] [--out FILE] `
    + '[--sizes WxH,...] [--faces N,...] [--effects gaussian,mosaic,solid,strong]');
  process.exit(2);
}

function parseArgs(argv: string[]): Record<string, string | true> {
  const args: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) usage(`unexpected argument ${a}`);
    const key = a.slice(2);
    if (['quick', 'full'].includes(key)) args[key] = true;
    else if (['runs', 'warmup', 'out', 'sizes', 'faces', 'effects'].includes(key) && i + 1 < argv.length) args[key] = argv[++i];
    else usage(`unknown or incomplete option ${a}`);
  }
  return args;
}

const list = (s: string | true | undefined) => (typeof s === 'string' ? s.split(',').filter(Boolean) : null);
const count = (s: string | true | undefined, fallback: number) => {
  const n = typeof s === 'string' ? Number(s) : fallback;
  if (!Number.isInteger(n) || n < 0) usage(`expected a whole number, got ${s}`);
  return n;
};

/** Held for the life of the process: Dawn aborts when its instance is garbage-collected under a live device. */
let instance: GPU | undefined;

/**
 * navigator.gpu as nodeGpu() (src/node/webgpu-node.ts) makes it, the same driver choice, but with Dawn's
 * timestamp quantization (every timestamp rounded to 65536 ns) turned off.
 */
function benchGpu(): GPU {
  if (instance) return instance;
  if (!process.env.VEIL_NATIVE_VULKAN && !process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  Object.assign(globalThis, globals);
  instance = create(['disable-dawn-features=timestamp_quantization']);
  return instance;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const gpu = benchGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('Dawn found no WebGPU adapter (no Vulkan driver?)');
  const { vendor, architecture, device: name, description } = adapter.info;
  const adapterName = [vendor, architecture, name, description].filter(Boolean).join(' / ');
  const software = /swiftshader|llvmpipe|lavapipe/i.test(adapterName);
  const timing: Timing = adapter.features.has('timestamp-query') ? 'timestamp-query' : 'wall';
  const device = await adapter.requestDevice({ requiredFeatures: timing === 'timestamp-query' ? ['timestamp-query'] : [] });
  device.addEventListener('uncapturederror', (e) => console.error('bench:blur: GPU error:', (e as GPUUncapturedErrorEvent).error.message));

  const preset = args.full ? FULL : args.quick || software ? QUICK : FULL;
  const sizes = list(args.sizes)?.map((s) => {
    const m = /^(\d+)x(\d+)$/.exec(s);
    if (!m) usage(`bad size ${s}`);
    return [Number(m[1]), Number(m[2])] as const;
  }) ?? preset.sizes;
  const faces = list(args.faces)?.map((f) => count(f, 1)) ?? preset.faces;
  const effects = (list(args.effects) ?? ANONYMIZE_EFFECTS) as AnonymizeEffect[];
  const bad = effects.find((e) => !ANONYMIZE_EFFECTS.includes(e));
  if (bad) usage(`unknown effect ${bad}`);
  const runs = Math.max(1, count(args.runs, preset.runs));
  const warmup = count(args.warmup, preset.warmup);

  console.log(`bench:blur on ${adapterName}${software ? ' (a software rasterizer: times say nothing about a real GPU)' : ''}`);
  console.log(timing === 'timestamp-query'
    ? 'timing: GPU timestamps (timestamp-query) around each frame\'s passes, Dawn timestamp quantization off'
    : 'timing: WALL TIME from submit to onSubmittedWorkDone (this adapter has no timestamp-query): includes submit and driver latency');
  console.log(`${preset === QUICK && !args.quick ? 'quick run (software adapter; --full for everything)' : args.quick ? 'quick run' : 'full run'}: `
    + `median, p95 and min of ${runs} runs after ${warmup} warm-up runs\n`);
  console.log(TABLE_HEADER);
  const report = await runBench(device, { sizes, faces, effects, runs, warmup, timing, log: (l) => console.log(l) });
  if (report.quantized) console.log('\nWARNING: timestamps came back quantized to 65536 ns: the times are that coarse.');
  console.log(`\n${targets(report.results).join('\n')}`);

  const out = typeof args.out === 'string' ? args.out : 'dist-bench/blur-bench.json';
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({
    bench: 'anonymize-blur', date: new Date().toISOString(), adapter: { vendor, architecture, device: name, description, software },
    timing: report.timing, quantized: report.quantized, runs, warmup,
    results: report.results,
  }, null, 1)}\n`);
  console.log(`wrote ${out}`);
  device.destroy();
}

main().catch((e: unknown) => {
  console.error(`bench:blur: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
