/** Which side of a stage a mark stands on. */
export type StageEdge = 'begin' | 'end';

/**
 * Optional timing hooks, for benchmarks: the code being timed calls mark(stage, 'begin') and mark(stage, 'end')
 * around each piece of a stage's work. With `encoder`, the stage's GPU commands are being encoded into it
 * between the two marks (the probe may add timestamp writes there); without, the work between the marks is done
 * by the CPU or submitted by someone else (onnxruntime's WebGPU provider). A stage may be marked several times a
 * frame (once per crop); the probe adds them up. Code under test holds `probe?: StageProbe` and calls it through
 * `?.`: nothing is done, nor encoded, when no probe is given.
 */
export interface StageProbe<S extends string> {
  mark(stage: S, edge: StageEdge, encoder?: GPUCommandEncoder): void;
}
