import code from './separable-blur.wgsl?raw';

const WG = 8;

export type SeparableVariant = 'loop' | 'linear';

/**
 * The benchmark's baseline: a full-frame two-pass blur of radius 15 (31 taps), as a plain loop or with the
 * linear-sampling trick (17 bilinear fetches a pass). `src` -> `tmp` -> `dst`, all the frame's size.
 */
export class SeparableBlur {
  #device: GPUDevice;
  #pipelines: Record<`${'h' | 'v'}_${SeparableVariant}`, GPUComputePipeline>;
  #sampler: GPUSampler;

  constructor(device: GPUDevice, radius = 15) {
    this.#device = device;
    const module = device.createShaderModule({ label: 'separable-blur', code });
    const make = (entryPoint: string) =>
      device.createComputePipeline({
        label: `separable-blur-${entryPoint}`,
        layout: 'auto',
        compute: { module, entryPoint, constants: { WG, RADIUS: radius } },
      });
    this.#pipelines = {
      h_loop: make('h_loop'),
      v_loop: make('v_loop'),
      h_linear: make('h_linear'),
      v_linear: make('v_linear'),
    };
    this.#sampler = device.createSampler({ label: 'separable-blur', magFilter: 'linear', minFilter: 'linear' });
  }

  encode(
    encoder: GPUCommandEncoder,
    src: GPUTexture,
    tmp: GPUTexture,
    dst: GPUTexture,
    variant: SeparableVariant,
  ): void {
    const pass = encoder.beginComputePass({ label: `separable-blur-${variant}` });
    for (const [axis, from, to] of [
      ['h', src, tmp],
      ['v', tmp, dst],
    ] as const) {
      const pipeline = this.#pipelines[`${axis}_${variant}`];
      const entries: GPUBindGroupEntry[] = [
        { binding: 0, resource: from.createView() },
        { binding: 1, resource: to.createView() },
      ];
      if (variant === 'linear') entries.push({ binding: 2, resource: this.#sampler });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, this.#device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }));
      pass.dispatchWorkgroups(Math.ceil(src.width / WG), Math.ceil(src.height / WG));
    }
    pass.end();
  }
}
