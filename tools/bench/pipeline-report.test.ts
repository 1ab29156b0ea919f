import { describe, expect, it } from 'vitest';
import type { PipelineBenchResult } from './pipeline-bench';
import { pipelineLegend, pipelineTable, pipelineTargets } from './pipeline-report';
import { summarize } from './stats';

const result: PipelineBenchResult = {
  width: 1280,
  height: 720,
  backend: 'webgpu',
  provider: 'wasm',
  importKind: 'writeTexture',
  frames: 3,
  warmup: 1,
  tilesPerFrame: 1,
  cropsPerFrame: 2,
  model: 'yunet',
  input: '640x384',
  timestamps: true,
  stages: {
    import: { ...summarize([0.5, 0.6, 0.7]), kind: 'gpu' },
    inference: { ...summarize([80, 90, 100]), kind: 'cpu' },
  },
  detect: summarize([100, 110, 120]),
  endToEnd: summarize([150, 160, 170]),
  faces: summarize([4, 4, 4]),
  detections: summarize([4, 4, 4]),
};

describe('pipelineTable', () => {
  it('prints each stage as median / p95 with its timing mark, and n/a for stages not run', () => {
    const [header, , row] = pipelineTable([result]).split('\n');
    expect(header.split(/\s{2,}/)).toEqual([
      'size',
      'backend',
      'model',
      'input',
      'provider',
      'crops',
      'faces',
      'import',
      'preprocess',
      'readback',
      'inference',
      'decode',
      'nms',
      'picture',
      'track',
      'anonymize',
      'end-to-end',
      'frames',
    ]);
    expect(row.split(/\s{2,}/)).toEqual([
      '1280x720',
      'webgpu',
      'yunet',
      '640x384',
      'wasm',
      '2',
      '4',
      '0.600 / 0.700',
      'n/a',
      'n/a',
      '90.0 / 100c',
      'n/a',
      'n/a',
      'n/a',
      'n/a',
      'n/a',
      '160 / 170w',
      '3',
    ]);
  });

  it('says when the adapter had no timestamp queries', () => {
    expect(pipelineLegend(false)).toMatch(/NO timestamp-query/);
    expect(pipelineLegend(true)).not.toMatch(/NO timestamp-query/);
  });
});

describe('pipelineTargets', () => {
  it('checks the 1280x720 rows against 2 ms a frame and 0.05 ms of blur', () => {
    expect(pipelineTargets([result])).toEqual([
      '1280x720 wasm end-to-end: median 160 ms, target < 2 ms: NOT met',
      '1280x720 wasm blur stage (anonymize): not measured',
    ]);
  });
});
