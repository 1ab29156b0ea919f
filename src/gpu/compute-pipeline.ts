/** A WGSL file's `main` as a compute pipeline, with its override constants; bind group layouts come from the shader. */
export function mainPipeline(device: GPUDevice, label: string, code: string, constants: Record<string, number>): GPUComputePipeline {
  return device.createComputePipeline({
    label, layout: 'auto', compute: { module: device.createShaderModule({ label, code }), entryPoint: 'main', constants },
  });
}
