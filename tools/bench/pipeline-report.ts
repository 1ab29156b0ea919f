import { PIPELINE_STAGES, type PipelineBenchResult } from './pipeline-bench';
import type { StageKind } from './stage-clock';
import { formatMs, formatTable, medianP95 } from './stats';

const KIND_MARK: Record<StageKind, string> = { gpu: '', 'gpu-span': '~', cpu: 'c', wall: 'w' };

/** One row a run: per stage "median / p95" ms, marked by how it was timed (see pipelineLegend). */
export function pipelineTable(results: readonly PipelineBenchResult[]): string {
  const header = [
    'size',
    'backend',
    'model',
    'input',
    'provider',
    'crops',
    'faces',
    ...PIPELINE_STAGES,
    'end-to-end',
    'frames',
  ];
  const rows = results.map((r) => [
    `${r.width}x${r.height}`,
    r.backend,
    r.model,
    r.input,
    r.provider,
    String(r.cropsPerFrame),
    String(r.faces.median),
    ...PIPELINE_STAGES.map((s) => {
      const stage = r.stages[s];
      return stage ? `${medianP95(stage)}${KIND_MARK[stage.kind]}` : 'n/a';
    }),
    `${medianP95(r.endToEnd)}w`,
    String(r.frames),
  ]);
  return formatTable(header, rows);
}

export function pipelineLegend(timestamps: boolean): string {
  return [
    "ms per frame, median / p95. Unmarked: GPU time from timestamp queries; ~: GPU timeline from before onnxruntime's",
    'submits to after them (idle gaps included); c: CPU time; w: wall time. crops: model runs a frame (whole frame +',
    'tiles); faces: faces blurred (median). webgl rows: every stage on the CPU clock, GL work waited for by a one-pixel',
    'read; readback is the frame read for the CPU detector.',
    ...(timestamps
      ? []
      : [
          'NO timestamp-query on this adapter: import and anonymize are wall time from submit to',
          'onSubmittedWorkDone, and the GPU stages inside the detector (preprocess, WebGPU decode) are not measured (n/a).',
        ]),
  ].join('\n');
}

/** The GPU targets (an H100 through Dawn), read off the 1280x720 rows: whole frame under 2 ms, blur under 0.05 ms. */
export function pipelineTargets(results: readonly PipelineBenchResult[]): string[] {
  return results
    .filter((r) => r.width === 1280 && r.height === 720)
    .flatMap((r) => {
      const check = (what: string, ms: number | undefined, limit: number) =>
        ms === undefined
          ? `${what}: not measured`
          : `${what}: median ${formatMs(ms)} ms, target < ${limit} ms: ${ms < limit ? 'met' : 'NOT met'}`;
      return [
        check(`1280x720 ${r.provider} end-to-end`, r.endToEnd.median, 2),
        check(`1280x720 ${r.provider} blur stage (anonymize)`, r.stages.anonymize?.median, 0.05),
      ];
    });
}
