/**
 * An entry point of WGSL (source, or a module compiled once for several entry points) as a compute pipeline's
 * descriptor, with its override constants; bind group layouts come from the shader.
 */
function pipelineDescriptor(
  device: GPUDevice,
  label: string,
  code: string | GPUShaderModule,
  constants: Record<string, number>,
  entryPoint: string,
): GPUComputePipelineDescriptor {
  const module = typeof code === 'string' ? device.createShaderModule({ label, code }) : code;
  return { label, layout: 'auto', compute: { module, entryPoint, constants } };
}

/**
 * A compute pipeline compiled with createComputePipelineAsync. Chromium compiles a pipeline made the plain way at
 * once on the GPU process's own thread, which then draws nothing else: on a software GPU the live page's passes took
 * 1.1-1.7 s there, during which no frame reached the screen and the camera's video stalled. Compiled this way (on
 * Dawn's workers) the queue and the compositor go on meanwhile, and `ready` settles when it can be used.
 */
export class CompiledPipeline {
  readonly label: string;
  /** Settles once the pipeline is compiled; rejects when it cannot be (a shader error, a lost device). */
  readonly ready: Promise<void>;
  #pipeline: GPUComputePipeline | null = null;

  constructor(
    device: GPUDevice,
    label: string,
    code: string | GPUShaderModule,
    constants: Record<string, number>,
    entryPoint = 'main',
  ) {
    this.label = label;
    this.ready = device
      .createComputePipelineAsync(pipelineDescriptor(device, label, code, constants, entryPoint))
      .then((p) => {
        this.#pipeline = p;
      });
    // Whoever needs the pipeline awaits `ready` and hears of a failure there; a pass dropped unused (its device
    // lost while it compiled) must not leave an unhandled rejection behind.
    this.ready.catch(() => undefined);
  }

  get compiled(): boolean {
    return this.#pipeline !== null;
  }

  /** The pipeline; throws while it is still compiling (await `ready` first). */
  get pipeline(): GPUComputePipeline {
    if (!this.#pipeline) throw new Error(`${this.label}: the pipeline is still compiling (await ready first)`);
    return this.#pipeline;
  }
}

/** Settles when every one of `pipelines` is compiled. */
export async function allCompiled(pipelines: readonly CompiledPipeline[]): Promise<void> {
  await Promise.all(pipelines.map((p) => p.ready));
}
