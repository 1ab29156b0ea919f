/**
 * An entry point of WGSL (source, or a module compiled once for several entry points) as a compute pipeline,
 * with its override constants; bind group layouts come from the shader.
 */
export function computePipeline(
  device: GPUDevice,
  label: string,
  code: string | GPUShaderModule,
  constants: Record<string, number>,
  entryPoint = 'main',
): GPUComputePipeline {
  const module = typeof code === 'string' ? device.createShaderModule({ label, code }) : code;
  return device.createComputePipeline({ label, layout: 'auto', compute: { module, entryPoint, constants } });
}
