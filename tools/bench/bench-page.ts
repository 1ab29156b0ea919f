// The Chromium host of the benches (tools/bench/index.html): tools/bench-chromium.ts opens it in headless Chromium and
// calls window.veilBench.run(config); progress goes to the console, the report comes back as the result.
import { acquireGpu } from '../../src/gpu/device';
import { chooseImportPath, FrameImporter } from '../../src/gpu/frame-import';
import { FaceModel, MODELS, configureOrt, fetchModel, type Provider } from '../../src/detect/model';
import { ANONYMIZE_EFFECTS } from '../../src/render/anonymize-pass';
import { BLUR_PRESETS, runBench } from './blur-bench';
import { compareCanvasBlur } from './canvas-blur';
import type { ChromiumBenchConfig, ChromiumBenchReport } from './chromium-protocol';
import { DEMO_CLIP } from './footage';
import { bitmapFrameSource, decodeClipFrames, layoutFrames } from './footage-browser';
import { compareImports, decodedVideoFrames } from './import-bench';
import { runPeer } from './mediapipe-peer';
import { runPipelineBench, type PipelineBenchResult } from './pipeline-bench';
import { runGlPipelineBench } from './pipeline-host-gl';

const base = import.meta.env.BASE_URL;
/** Marks the page's progress lines for the runner, which leaves out the peer's own console chatter. */
const LOG_PREFIX = '[bench] ';
const log = (line: string) => console.log(`${LOG_PREFIX}${line}`);

async function run(config: ChromiumBenchConfig): Promise<ChromiumBenchReport> {
  configureOrt({ wasmPaths: new URL(`${base}ort/`, location.href).href });
  const gpu = await acquireGpu();
  const { device, timestamps } = gpu;
  device.addEventListener('uncapturederror', (e) =>
    console.error(`GPU error: ${(e as GPUUncapturedErrorEvent).error.message}`),
  );
  // Frames come in as live mode's do (its default, for this adapter).
  const importer = new FrameImporter(device, chooseImportPath('auto', gpu.software));
  log(
    `adapter: ${gpu.description}${gpu.software ? ' (software)' : ''}; timestamp-query: ${timestamps ? 'yes' : 'NO'}; frame import: ${importer.path}`,
  );
  const spec = MODELS[config.model];
  const bytes = await fetchModel(spec, base);
  const models: Partial<Record<Provider, FaceModel>> = { wasm: await FaceModel.create(spec, bytes, 'wasm', device) };
  const clip = await decodeClipFrames(`${base}${DEMO_CLIP.url}`);
  const report: ChromiumBenchReport = {
    userAgent: navigator.userAgent,
    adapter: gpu.description,
    software: gpu.software,
    timestamps,
    pipeline: [],
    wholeFrame: [],
    peers: [],
    canvasBlur: [],
    frameImport: importer.path,
    imports: [],
    blur: null,
  };
  const bench = async (
    provider: Provider,
    frames: readonly ImageBitmap[],
    o: { frames: number; warmup: number; tilesPerFrame: number },
  ) => {
    if (!models[provider]) {
      const t0 = performance.now();
      models[provider] = await FaceModel.create(spec, bytes, provider, device);
      log(`${provider} session created in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const t0 = performance.now();
    const r: PipelineBenchResult = await runPipelineBench(
      device,
      models[provider]!,
      bitmapFrameSource(importer, frames),
      {
        ...o,
        inputSide: config.side ?? undefined,
        timestamps,
        log,
      },
    );
    log(
      `${r.width}x${r.height} ${provider}, ${o.tilesPerFrame} tiles a frame: ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
        `(end-to-end median ${r.endToEnd.median.toFixed(1)} ms)`,
    );
    return r;
  };

  for (const [width, height] of config.sizes) {
    const frames = await layoutFrames(clip, width, height, config.grid);
    const live = { frames: config.frames, warmup: config.warmup, tilesPerFrame: config.tilesPerFrame };
    report.pipeline.push(await bench('wasm', frames, live));
    // The same frames on the WebGL2 backend (its detector is always on wasm): the two backends side by side.
    const t0 = performance.now();
    const gl = await runGlPipelineBench(device, models.wasm!, frames, {
      ...live,
      inputSide: config.side ?? undefined,
      timestamps: false,
      log,
    });
    log(
      `${width}x${height} webgl: ${((performance.now() - t0) / 1000).toFixed(1)} s (end-to-end median ${gl.endToEnd.median.toFixed(1)} ms)`,
    );
    report.pipeline.push(gl);
    if (config.webgpuFrames > 0)
      report.pipeline.push(await bench('webgpu', frames, { ...live, frames: config.webgpuFrames, warmup: 1 }));
    if (config.peers.length > 0) {
      report.wholeFrame.push(await bench('wasm', frames, { ...live, tilesPerFrame: 0 }));
      for (const model of config.peers) {
        const r = await runPeer(`${base}mediapipe/`, model, frames, { frames: config.frames, warmup: config.warmup });
        log(
          `${width}x${height} MediaPipe ${model}: median ${r.detect.median.toFixed(1)} ms, ${r.detections.median} faces`,
        );
        report.peers.push(r);
      }
    }
    if (config.canvasBlur)
      report.canvasBlur.push(
        await compareCanvasBlur(device, importer, frames, { frames: config.frames, warmup: config.warmup, faces: 4 }),
      );
    if (config.importFrames > 0) {
      const counts = { frames: config.importFrames, warmup: 2 };
      report.imports.push(await compareImports(device, frames, 'bitmap', counts));
      const decoded = await decodedVideoFrames(frames.slice(0, 8));
      report.imports.push(await compareImports(device, decoded, 'video', counts));
      decoded.forEach((f) => f.close());
    }
    frames.forEach((f) => f.close());
  }
  if (config.blur) {
    const preset = BLUR_PRESETS[config.blur === 'auto' ? (gpu.software ? 'quick' : 'full') : config.blur];
    report.blur = await runBench(device, {
      ...preset,
      effects: ANONYMIZE_EFFECTS,
      timing: timestamps ? 'timestamp-query' : 'wall',
      log,
    });
  }
  clip.forEach((f) => f.close());
  await Promise.all(Object.values(models).map((m) => m.release()));
  device.destroy();
  return report;
}

declare global {
  interface Window {
    veilBench: { run: typeof run };
  }
}
window.veilBench = { run };
