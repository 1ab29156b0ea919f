// `npm run bench:chromium [-- options]` (`--help` lists them): builds the bench page (tools/bench-page.vite.config.ts),
// serves it on 127.0.0.1, opens it in headless Chromium with the e2e tests' flags (tests/e2e/chromium.ts), runs the
// benches there and prints their tables.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import { CHROMIUM_PATH, chromiumArgs } from '../tests/e2e/chromium';
import { BenchArgs, benchDetector, DETECTOR_OPTIONS, formatSizes } from './bench/bench-args';
import { HELP_OPTION, optionsHelp, UsageError, type OptionTable } from '../src/cli/command-line';
import { TABLE_HEADER, formatRow } from './bench/blur-bench';
import type { ChromiumBenchConfig, ChromiumBenchReport } from './bench/chromium-protocol';
import { BENCH_SIZES } from './bench/footage';
import type { PeerModel } from './bench/mediapipe-peer';
import { pipelineLegend, pipelineTable } from './bench/pipeline-report';
import { comparisonLines, importTable, peerTable, canvasBlurTable } from './bench/comparison-report';

/** As tools/bench/bench-page.ts marks its progress lines (importing the page module here would run it). */
const LOG_PREFIX = '[bench] ';
const CONFIG_FILE = 'tools/bench-page.vite.config.ts';
/** Not the e2e tests' 4317 (nor 4327, another tool's), so they can run at once. */
const DEFAULT_PORT = 4347;
const OPTIONS = {
  ...DETECTOR_OPTIONS,
  sizes: { type: 'string', value: 'WxH,...', help: `frame sizes (default ${formatSizes(BENCH_SIZES)})` },
  frames: { type: 'string', value: 'N', help: 'frames timed at each size (default 100)' },
  warmup: { type: 'string', value: 'N', help: 'frames run first, untimed (default 5)' },
  grid: { type: 'string', value: '1|2', help: 'copies of the demo clip a side in each frame (default 2: four faces)' },
  'webgpu-frames': {
    type: 'string',
    value: 'N',
    help: "frames of the pipeline on onnxruntime's WebGPU provider (default 3; 0 skips it)",
  },
  peers: {
    type: 'string',
    value: 'short,full|none',
    help: "MediaPipe Face Detection's models to compare with (default short,full)",
  },
  canvas: { type: 'string', value: 'on|off', help: "the blur against Canvas2D's filter: blur() (default on)" },
  'import-frames': {
    type: 'string',
    value: 'N',
    help: 'imports a path in the frame-import comparison (default 20; 0 skips it)',
  },
  blur: {
    type: 'string',
    value: 'auto|quick|full|off',
    help: 'the blur bench in Chromium (default auto: quick on a software adapter)',
  },
  port: { type: 'string', value: 'P', help: `the bench page's port (default ${DEFAULT_PORT})` },
  out: { type: 'string', value: 'FILE', help: 'the report as JSON (default bench-results/chromium.json)' },
  help: HELP_OPTION,
} as const satisfies OptionTable;

const USAGE = `usage: npm run bench:chromium -- [options]\n${optionsHelp(OPTIONS)}`;

function config(args: BenchArgs<typeof OPTIONS>): ChromiumBenchConfig {
  const peers = (args.list('peers') ?? ['short', 'full']).filter((p) => p !== 'none');
  const bad = peers.find((p) => p !== 'short' && p !== 'full');
  if (bad) throw new UsageError(`--peers: unknown model ${bad}`);
  const blur = args.string('blur') ?? 'auto';
  const { spec, inputSide, tilesPerFrame } = benchDetector(args);
  if (!['auto', 'quick', 'full', 'off'].includes(blur)) throw new UsageError(`--blur ${blur}`);
  return {
    sizes: args.sizes('sizes', BENCH_SIZES).map(([w, h]) => [w, h]),
    frames: Math.max(1, args.count('frames', 100)),
    warmup: args.count('warmup', 5),
    model: spec.name,
    side: inputSide ?? null,
    tilesPerFrame,
    grid: args.count('grid', 2),
    webgpuFrames: args.count('webgpu-frames', 3),
    peers: peers as PeerModel[],
    canvasBlur: args.string('canvas') !== 'off',
    importFrames: args.count('import-frames', 20),
    blur: blur === 'off' ? null : (blur as ChromiumBenchConfig['blur']),
  };
}

async function main(): Promise<void> {
  const args = new BenchArgs(process.argv.slice(2), OPTIONS);
  if (args.has('help')) {
    console.log(USAGE);
    return;
  }
  const cfg = config(args);
  const port = args.count('port', DEFAULT_PORT);
  // tools/bench-page.vite.config.ts imports the app's config, which Vite's coming native config loader will not do;
  // the default loader does, and says so on every load.
  process.env.VITE_CONFIG_NATIVE_IGNORE_WARNING ??= 'true';
  console.log('building the bench page…');
  await build({ configFile: CONFIG_FILE });
  const server = await preview({ configFile: CONFIG_FILE, preview: { host: '127.0.0.1', port, strictPort: true } });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs() });
  let report: ChromiumBenchReport;
  const t0 = performance.now();
  try {
    // No service worker: its install would fetch the whole app (45 MB) while the bench times.
    const page = await browser.newPage({ serviceWorkers: 'block' });
    page.on('console', (m) => {
      if (m.text().startsWith(LOG_PREFIX)) console.log(`  ${m.text().slice(LOG_PREFIX.length)}`);
      else if (m.type() === 'error') console.error(`  [page error] ${m.text()}`);
    });
    page.on('pageerror', (e) => console.error(`  [page error] ${e.message}`));
    await page.goto(`http://127.0.0.1:${port}/tools/bench/index.html`);
    await page.waitForFunction(() => 'veilBench' in window);
    report = await page.evaluate((c) => window.veilBench.run(c), cfg);
  } finally {
    await browser.close();
    await new Promise<void>((done) => server.httpServer.close(() => done()));
  }
  console.log(
    `\nChromium ${report.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? report.userAgent}, adapter: ${report.adapter}` +
      `${report.software ? ' (software)' : ''}; ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  console.log(
    `\nFull pipeline (${cfg.grid}x${cfg.grid} copies of the demo clip; ${cfg.tilesPerFrame} tiles a frame besides the whole frame)`,
  );
  console.log(`${pipelineTable(report.pipeline)}\n${pipelineLegend(report.timestamps)}`);
  if (report.peers.length)
    console.log(
      `\nDetection against MediaPipe Face Detection (same frames)\n${peerTable(report.wholeFrame, report.peers)}`,
    );
  if (report.canvasBlur.length)
    console.log(`\nBlur against Canvas2D filter: blur() (same faces)\n${canvasBlurTable(report.canvasBlur)}`);
  if (report.imports.length)
    console.log(
      `\nFrame import, both paths (same frames; wall ms to queue done)\n${importTable(report.imports, report.frameImport)}`,
    );
  console.log(`\n${comparisonLines(report).join('\n')}`);
  if (report.blur) {
    console.log(
      `\nBlur bench in Chromium (${report.blur.timing}${report.blur.quantized ? ', QUANTIZED timestamps' : ''})`,
    );
    console.log([TABLE_HEADER, ...report.blur.results.map(formatRow)].join('\n'));
  }
  const out = args.string('out') ?? 'bench-results/chromium.json';
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ bench: 'chromium', date: new Date().toISOString(), config: cfg, ...report }, null, 1)}\n`,
  );
  console.log(`wrote ${out}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(
      `bench:chromium: ${e instanceof Error ? e.message : String(e)}${e instanceof UsageError ? `\n${USAGE}` : ''}`,
    );
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
