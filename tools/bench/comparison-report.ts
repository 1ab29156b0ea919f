import type { CanvasBlurResult } from './canvas-blur';
import type { FrameImportPath } from '../../src/gpu/frame-import';
import type { ImportBenchResult } from './import-bench';
import type { ChromiumBenchReport } from './chromium-protocol';
import type { PeerResult } from './mediapipe-peer';
import type { PipelineBenchResult } from './pipeline-bench';
import { formatMs, formatTable, medianP95 } from './stats';

const size = (r: { width: number; height: number }) => `${r.width}x${r.height}`;
const ratio = (ours: number, theirs: number) => (ours / theirs).toFixed(2);

/** Our detection (import + detect(), whole frame) against each peer model, ratio of medians (< 1: ours faster). */
export function peerTable(ours: readonly PipelineBenchResult[], peers: readonly PeerResult[]): string {
  const rows = peers.map((p) => {
    const o = ours.find((r) => size(r) === size(p));
    return [
      size(p),
      `mediapipe-${p.model}`,
      medianP95(p.detect),
      String(p.detections.median),
      o ? medianP95(o.detect) : 'n/a',
      o ? String(o.detections.median) : 'n/a',
      o ? ratio(o.detect.median, p.detect.median) : 'n/a',
    ];
  });
  return formatTable(['size', 'peer', 'peer ms', 'peer faces', 'ours ms', 'our faces', 'ours/peer'], rows);
}

export function canvasBlurTable(results: readonly CanvasBlurResult[]): string {
  return formatTable(
    ['size', 'faces', 'ours ms (wall)', 'canvas2d ms (wall)', 'ours/canvas'],
    results.map((r) => [
      size(r),
      String(r.faces),
      medianP95(r.ours),
      medianP95(r.canvas),
      ratio(r.ours.median, r.canvas.median),
    ]),
  );
}

/** Both frame-import paths on the same frames, and the one live mode takes on this adapter. */
export function importTable(results: readonly ImportBenchResult[], liveTakes: FrameImportPath): string {
  return formatTable(
    ['size', 'source', 'format', 'gpu copy ms', 'cpu convert ms', 'cpu/gpu', 'live mode takes'],
    results.map((r) => [
      size(r),
      r.source,
      r.format,
      medianP95(r.ms.gpu),
      medianP95(r.ms.cpu),
      ratio(r.ms.cpu.median, r.ms.gpu.median),
      liveTakes,
    ]),
  );
}

/** The software-GPU targets, read off a report: detection vs MediaPipe, and the app's provider choice. */
export function comparisonLines(report: ChromiumBenchReport): string[] {
  const lines: string[] = [];
  for (const p of report.peers) {
    const o = report.wholeFrame.find((r) => size(r) === size(p));
    if (!o) continue;
    const met = o.detect.median <= p.detect.median;
    lines.push(
      `detection at ${size(p)} vs mediapipe-${p.model}: ${formatMs(o.detect.median)} vs ${formatMs(p.detect.median)} ms, ` +
        `target (at least as fast): ${met ? 'met' : 'NOT met'}`,
    );
  }
  for (const gl of report.pipeline.filter((r) => r.backend === 'webgl')) {
    const gpu = report.pipeline.find((r) => r.backend === 'webgpu' && r.provider === 'wasm' && size(r) === size(gl));
    if (!gpu) continue;
    const stage = (r: PipelineBenchResult, s: 'import' | 'anonymize') => formatMs(r.stages[s]?.median ?? NaN);
    lines.push(
      `backend at ${size(gl)} (detector on wasm): end-to-end webgpu ${formatMs(gpu.endToEnd.median)} ms, webgl ` +
        `${formatMs(gl.endToEnd.median)} ms, webgl/webgpu ${ratio(gl.endToEnd.median, gpu.endToEnd.median)}; anonymize ` +
        `${stage(gpu, 'anonymize')} vs ${stage(gl, 'anonymize')} ms, import ${stage(gpu, 'import')} vs ${stage(gl, 'import')} ms`,
    );
  }
  for (const w of report.pipeline.filter((r) => r.provider === 'webgpu')) {
    const wasm = report.pipeline.find((r) => r.backend === 'webgpu' && r.provider === 'wasm' && size(r) === size(w));
    if (!wasm) continue;
    const faster = wasm.endToEnd.median <= w.endToEnd.median ? 'wasm' : 'webgpu';
    // src/app/live-pipeline.ts: on a software adapter ep=auto stays on wasm; elsewhere it times both and keeps the faster.
    const chosen = report.software ? 'wasm' : 'the faster one, by measurement';
    lines.push(
      `provider at ${size(w)}: end-to-end wasm ${formatMs(wasm.endToEnd.median)} ms (${wasm.frames} frames), webgpu ` +
        `${formatMs(w.endToEnd.median)} ms (${w.frames} frames): ${faster} is faster; the app picks ${chosen}` +
        `${report.software ? `: ${faster === 'wasm' ? 'the fastest' : 'NOT the fastest'}` : ''}`,
    );
  }
  return lines;
}
