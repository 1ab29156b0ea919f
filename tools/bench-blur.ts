// `npm run bench:blur [-- options]` (`--help` lists them): GPU time of the anonymize pass per effect, in Node through
// Dawn (the `webgpu` package); quick on a software adapter unless --full. `npm run bench:build` bundles it
// (tools/vite.config.ts) into dist-tools/bench-blur.mjs, which imports only 'webgpu', node: built-ins and the
// bundle's chunks beside it. On the GPU machine (../shared/gpu/README.md): `bash ../shared/gpu/prepare.sh
// dist-tools/*.mjs` here, then there `bash .gpu/run.sh bench-blur.mjs --full --out "$OUT/blur-bench.json"`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ANONYMIZE_EFFECTS, type AnonymizeEffect } from '../src/render/anonymize-pass';
import { BLUR_PRESETS, TABLE_HEADER, runBench, targets, type Timing } from './bench/blur-bench';
import { benchAdapter } from './bench/node-gpu';
import { HELP_OPTION, optionsHelp, UsageError, type OptionTable } from '../src/cli/command-line';
import { BenchArgs, formatSizes } from './bench/bench-args';

const { full: FULL, quick: QUICK } = BLUR_PRESETS;
/** With the other benches' reports: bench-results/ is git-ignored, and no build empties it. */
const DEFAULT_OUT = 'bench-results/blur.json';

const OPTIONS = {
  quick: {
    type: 'boolean',
    help: `the quick subset (${formatSizes(QUICK.sizes)}, ${QUICK.faces.join(',')} faces), as on a software adapter`,
  },
  full: {
    type: 'boolean',
    help: `everything (${formatSizes(FULL.sizes)}, ${FULL.faces.join(',')} faces), also on a software adapter`,
  },
  runs: { type: 'string', value: 'N', help: `timed runs a case (default ${FULL.runs}; quick ${QUICK.runs})` },
  warmup: { type: 'string', value: 'N', help: `runs first, untimed (default ${FULL.warmup}; quick ${QUICK.warmup})` },
  out: { type: 'string', value: 'FILE', help: `the report as JSON (default ${DEFAULT_OUT})` },
  sizes: { type: 'string', value: 'WxH,...', help: "frame sizes (default the preset's)" },
  faces: { type: 'string', value: 'N,...', help: "faces a frame (default the preset's)" },
  effects: { type: 'string', value: ANONYMIZE_EFFECTS.join(','), help: 'the effects timed (default all)' },
  help: HELP_OPTION,
} as const satisfies OptionTable;

// Named after the bundle: on the GPU machine it runs as `bash .gpu/run.sh bench-blur.mjs ...`.
const USAGE = `usage: bench-blur.mjs [options]   (here: npm run bench:blur -- [options])\n${optionsHelp(OPTIONS)}`;

async function main(): Promise<void> {
  const args = new BenchArgs(process.argv.slice(2), OPTIONS);
  if (args.has('help')) {
    console.log(USAGE);
    return;
  }
  const { adapter, name: adapterName, software, timestamps } = await benchAdapter();
  const { vendor, architecture, device: name, description } = adapter.info;
  const timing: Timing = timestamps ? 'timestamp-query' : 'wall';
  const device = await adapter.requestDevice({
    requiredFeatures: timing === 'timestamp-query' ? ['timestamp-query'] : [],
  });
  device.addEventListener('uncapturederror', (e) =>
    console.error('bench:blur: GPU error:', (e as GPUUncapturedErrorEvent).error.message),
  );

  const quick = args.has('quick');
  const preset = args.has('full') ? FULL : quick || software ? QUICK : FULL;
  const sizes = args.sizes('sizes', preset.sizes);
  const faces = args.list('faces')?.map(Number) ?? preset.faces;
  if (faces.some((f) => !Number.isInteger(f) || f < 0))
    throw new UsageError(`--faces: expected whole numbers, got ${args.string('faces')}`);
  const effects = (args.list('effects') ?? ANONYMIZE_EFFECTS) as AnonymizeEffect[];
  const bad = effects.find((e) => !ANONYMIZE_EFFECTS.includes(e));
  if (bad) throw new UsageError(`unknown effect ${bad}`);
  const runs = Math.max(1, args.count('runs', preset.runs));
  const warmup = args.count('warmup', preset.warmup);

  console.log(
    `bench:blur on ${adapterName}${software ? ' (a software rasterizer: times say nothing about a real GPU)' : ''}`,
  );
  console.log(
    timing === 'timestamp-query'
      ? "timing: GPU timestamps (timestamp-query) around each frame's passes, Dawn timestamp quantization off"
      : 'timing: WALL TIME from submit to onSubmittedWorkDone (this adapter has no timestamp-query): includes submit and driver latency',
  );
  console.log(
    `${preset === QUICK && !quick ? 'quick run (software adapter; --full for everything)' : quick ? 'quick run' : 'full run'}: ` +
      `median, p95 and min of ${runs} runs after ${warmup} warm-up runs\n`,
  );
  console.log(TABLE_HEADER);
  const report = await runBench(device, { sizes, faces, effects, runs, warmup, timing, log: (l) => console.log(l) });
  if (report.quantized)
    console.log('\nWARNING: timestamps came back quantized to 65536 ns: the times are that coarse.');
  console.log(`\n${targets(report.results).join('\n')}`);

  const out = args.string('out') ?? DEFAULT_OUT;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        bench: 'anonymize-blur',
        date: new Date().toISOString(),
        adapter: { vendor, architecture, device: name, description, software },
        timing: report.timing,
        quantized: report.quantized,
        runs,
        warmup,
        results: report.results,
      },
      null,
      1,
    )}\n`,
  );
  console.log(`wrote ${out}`);
  device.destroy();
}

main().catch((e: unknown) => {
  console.error(
    `bench:blur: ${e instanceof Error ? e.message : String(e)}${e instanceof UsageError ? `\n${USAGE}` : ''}`,
  );
  process.exit(e instanceof UsageError ? 2 : 1);
});
