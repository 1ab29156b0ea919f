import type { BenchReport } from './blur-bench';
import type { CanvasBlurResult } from './canvas-blur';
import type { FrameImportPath } from '../../src/gpu/frame-import';
import type { ImportBenchResult } from './import-bench';
import type { PeerModel, PeerResult } from './mediapipe-peer';
import type { PipelineBenchResult } from './pipeline-bench';
import type { ModelName } from '../../src/detect/model';

/** What the Node runner (tools/bench-chromium.ts) asks the bench page (tools/bench/index.html) to run. */
export interface ChromiumBenchConfig {
  model: ModelName;
  /** A free-size model's input long side; null: each frame's own. */
  side: number | null;
  sizes: [number, number][];
  frames: number;
  warmup: number;
  tilesPerFrame: number;
  grid: number;
  /** Frames for the WebGPU provider's run (seconds a frame on a software adapter); 0 skips it. */
  webgpuFrames: number;
  /** MediaPipe models to run side by side (none: skip the peer). */
  peers: PeerModel[];
  canvasBlur: boolean;
  /** Imports per path in the frame-import comparison (tools/bench/import-bench.ts); 0 skips it. */
  importFrames: number;
  /** The blur bench (tools/bench/blur-bench.ts): a preset (auto: quick on a software adapter), or null to skip it. */
  blur: 'auto' | 'quick' | 'full' | null;
}

export interface ChromiumBenchReport {
  userAgent: string;
  adapter: string;
  software: boolean;
  timestamps: boolean;
  pipeline: PipelineBenchResult[];
  /** Whole frame only (no tiles), wasm: our side of the peer comparison. */
  wholeFrame: PipelineBenchResult[];
  peers: PeerResult[];
  canvasBlur: CanvasBlurResult[];
  /** The import path live mode takes on this adapter, which the bench's pipeline used. */
  frameImport: FrameImportPath;
  imports: ImportBenchResult[];
  blur: BenchReport | null;
}
