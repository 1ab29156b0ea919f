import code from '../shaders/anonymize.wgsl?raw';
import {
  DEFAULT_MAX_FACES, FULL_FRAME_CELLS, MAX_RADIUS, planAnonymize, type AnonymizeParams, type AnonymizePlan,
} from './anonymize-plan';
import { ANONYMIZE_FACE, ANONYMIZE_PARAMS, KERNEL_STRIDE, packFaces, writeParams, type PassParams } from './anonymize-layout';
import { OUTLINE_PX, SOLID_MARGIN_PX } from './mask-shape';
import { EMPTY_SPAN, spanSize, type Span } from './span';

export type { AnonymizeParams, FaceMask } from './anonymize-plan';

const WG = 8;
/** full_frame: pixels a side that one thread fills (fewer when a coarse cell is smaller). */
const FULL_BLOCK = 8;

// Texture bindings of group 1 in anonymize.wgsl.
const SRC = 0;
const DST = 1;
const ROWS = 2;
const COARSE = 3;

interface StageSpec {
  entry: string;
  /** Group 0 bindings the entry point uses ('auto' layouts leave out the rest). */
  shared: readonly number[];
  /** Pixels a side that one thread covers. */
  block?: (plan: AnonymizePlan) => number;
}

/** Dispatch order. */
const STAGES = {
  copy: { entry: 'copy', shared: [0] },
  downsample: { entry: 'downsample', shared: [0] },
  coarseH: { entry: 'blur_h', shared: [0, 1, 2] },
  coarseV: { entry: 'blur_v', shared: [0, 1, 2] },
  directH: { entry: 'blur_h', shared: [0, 1, 2] },
  composite: { entry: 'composite', shared: [0, 1, 2] },
  fullFrame: { entry: 'full_frame', shared: [0], block: (plan) => Math.min(FULL_BLOCK, plan.factor) },
  outlines: { entry: 'draw_outlines', shared: [0, 1] },
} as const satisfies Record<string, StageSpec>;
type Stage = keyof typeof STAGES;
const STAGE_NAMES = Object.keys(STAGES) as Stage[];

/** Intermediates for one frame size, all rgba8unorm as the twin assumes, and the bind groups over them. */
interface Targets {
  width: number;
  height: number;
  textures: GPUTexture[];
  src: GPUTexture;
  dst: GPUTexture;
  groups: Record<Stage, GPUBindGroup>;
}

/**
 * Blurs faces in a frame: `dst` = `src` with every non-excluded mask covered by a Gaussian blur whose sigma
 * follows the face's size (see sigmaForFace), or the whole frame made unrecognizable when `fullFrame` is set.
 * Pixels outside every mask and its feather are copied unchanged.
 *
 * Pipelines and buffers are made once. Per frame, encode writes three buffers and reuses its bind groups
 * for as long as `src` and `dst` are the same textures. Buffers are written with queue.writeBuffer, which
 * lands before the next submit: encode at most once per submitted command buffer.
 */
export class AnonymizePass {
  readonly maxFaces: number;
  #device: GPUDevice;
  #pipelines: Record<Stage, GPUComputePipeline>;
  #params: GPUBuffer;
  #paramsData: ArrayBuffer;
  #paramsStride: number;
  #faces: GPUBuffer;
  #weights: GPUBuffer;
  #shared: Record<Stage, GPUBindGroup>;
  #targets: Targets | null = null;

  constructor(device: GPUDevice, opts: { maxFaces?: number } = {}) {
    this.#device = device;
    this.maxFaces = Math.max(1, Math.floor(opts.maxFaces ?? DEFAULT_MAX_FACES));
    const module = device.createShaderModule({ label: 'anonymize', code });
    const constants = { WG, MAX_RADIUS, SOLID_MARGIN: SOLID_MARGIN_PX, OUTLINE_PX, FULL_BLOCK };
    const byEntry = new Map<string, GPUComputePipeline>();
    this.#pipelines = mapStages((_, { entry }) => {
      let pipeline = byEntry.get(entry);
      if (!pipeline) {
        pipeline = device.createComputePipeline({
          label: `anonymize-${entry}`, layout: 'auto', compute: { module, entryPoint: entry, constants },
        });
        byEntry.set(entry, pipeline);
      }
      return pipeline;
    });

    this.#paramsStride = Math.max(ANONYMIZE_PARAMS.byteSize, device.limits.minUniformBufferOffsetAlignment);
    this.#paramsData = new ArrayBuffer(this.#paramsStride * STAGE_NAMES.length);
    this.#params = device.createBuffer({
      label: 'anonymize-params', size: this.#paramsData.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    // One more slot than maxFaces: full-frame mode adds its own cover face.
    const capacity = this.maxFaces + 1;
    this.#faces = device.createBuffer({
      label: 'anonymize-faces', size: capacity * ANONYMIZE_FACE.byteSize, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    this.#weights = device.createBuffer({
      label: 'anonymize-weights', size: capacity * KERNEL_STRIDE * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    const buffers: GPUBufferBinding[] = [
      { buffer: this.#params, size: ANONYMIZE_PARAMS.byteSize }, { buffer: this.#faces }, { buffer: this.#weights },
    ];
    this.#shared = mapStages((stage, spec, i) => device.createBindGroup({
      label: `anonymize-${stage}`,
      layout: this.#pipelines[stage].getBindGroupLayout(0),
      entries: spec.shared.map((binding) => ({
        binding, resource: binding === 0 ? { ...buffers[0], offset: i * this.#paramsStride } : buffers[binding],
      })),
    }));
  }

  /**
   * `src`: rgba8unorm with TEXTURE_BINDING; `dst`: rgba8unorm with STORAGE_BINDING, the same size, not `src`.
   * Every pixel of `dst` is written.
   */
  encode(encoder: GPUCommandEncoder, src: GPUTexture, dst: GPUTexture, p: AnonymizeParams): void {
    checkTextures(src, dst);
    const plan = planAnonymize(src.width, src.height, p, this.maxFaces);
    const groups = this.#bindGroups(src, dst);

    const { faces, weights } = packFaces(plan);
    if (faces.byteLength > 0) {
      this.#device.queue.writeBuffer(this.#faces, 0, faces);
      this.#device.queue.writeBuffer(this.#weights, 0, weights);
    }
    const passes = stagePasses(plan);
    const view = new DataView(this.#paramsData);
    STAGE_NAMES.forEach((stage, i) => writeParams(view, i * this.#paramsStride, plan, passes[stage]));
    this.#device.queue.writeBuffer(this.#params, 0, this.#paramsData);

    const pass = encoder.beginComputePass({ label: 'anonymize' });
    for (const stage of STAGE_NAMES) {
      const [w, h] = spanSize(passes[stage].span);
      if (!w || !h) continue;
      pass.setPipeline(this.#pipelines[stage]);
      pass.setBindGroup(0, this.#shared[stage]);
      pass.setBindGroup(1, groups[stage]);
      const spec: StageSpec = STAGES[stage];
      const perGroup = WG * (spec.block?.(plan) ?? 1);
      pass.dispatchWorkgroups(Math.ceil(w / perGroup), Math.ceil(h / perGroup));
    }
    pass.end();
  }

  destroy(): void {
    this.#targets?.textures.forEach((t) => t.destroy());
    this.#targets = null;
    this.#params.destroy();
    this.#faces.destroy();
    this.#weights.destroy();
  }

  #bindGroups(src: GPUTexture, dst: GPUTexture): Record<Stage, GPUBindGroup> {
    let t = this.#targets;
    if (t && t.src === src && t.dst === dst) return t.groups;
    const { width, height } = src;
    let textures = t?.textures;
    if (!t || t.width !== width || t.height !== height) {
      t?.textures.forEach((x) => x.destroy());
      textures = this.#makeIntermediates(width, height);
    }
    const [rows, cells, cellRows, cellsBlurred] = textures!;
    const bound: Record<Stage, Record<number, GPUTexture>> = {
      copy: { [SRC]: src, [DST]: dst },
      downsample: { [SRC]: src, [DST]: cells },
      coarseH: { [SRC]: cells, [DST]: cellRows },
      coarseV: { [SRC]: cellRows, [DST]: cellsBlurred },
      directH: { [SRC]: src, [DST]: rows },
      composite: { [SRC]: src, [DST]: dst, [ROWS]: rows, [COARSE]: cellsBlurred },
      fullFrame: { [DST]: dst, [COARSE]: cellsBlurred },
      outlines: { [DST]: dst },
    };
    const groups = mapStages((stage) => this.#device.createBindGroup({
      label: `anonymize-${stage}-textures`,
      layout: this.#pipelines[stage].getBindGroupLayout(1),
      entries: Object.entries(bound[stage]).map(([binding, tex]) => ({ binding: Number(binding), resource: tex.createView() })),
    }));
    t = { width, height, textures: textures!, src, dst, groups };
    this.#targets = t;
    return groups;
  }

  /** rows: full-resolution blur_h output; then the coarse grid's cells, their rows, and their blur. */
  #makeIntermediates(width: number, height: number): GPUTexture[] {
    // The finest coarse grid a plan can ask for: cells of 2 pixels, or 1 in full-frame mode on tiny frames.
    const finest = Math.min(2, Math.max(1, Math.ceil(Math.min(width, height) / FULL_FRAME_CELLS)));
    const cw = Math.ceil(width / finest);
    const ch = Math.ceil(height / finest);
    return ([['rows', width, height], ['cells', cw, ch], ['cell-rows', cw, ch], ['cells-blurred', cw, ch]] as const)
      .map(([label, w, h]) => this.#device.createTexture({
        label: `anonymize-${label}`, size: [w, h], format: 'rgba8unorm',
        usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING,
      }));
  }
}

function mapStages<T>(fn: (stage: Stage, spec: StageSpec, index: number) => T): Record<Stage, T> {
  return Object.fromEntries(STAGE_NAMES.map((s, i) => [s, fn(s, STAGES[s], i)])) as Record<Stage, T>;
}

/** Which pixels (or cells) each stage covers this frame; an empty span skips the stage. */
function stagePasses(plan: AnonymizePlan): Record<Stage, PassParams> {
  const frame: Span = [0, 0, plan.width - 1, plan.height - 1];
  const frameSize = [plan.width, plan.height] as const;
  const cellSize = [plan.coarseWidth, plan.coarseHeight] as const;
  const only = (on: boolean, span: Span) => (on ? span : EMPTY_SPAN);
  return {
    copy: { span: only(!plan.fullFrame, frame), size: frameSize, level: 0 },
    downsample: { span: plan.coarseDown, size: frameSize, level: 1 },
    coarseH: { span: plan.coarseH, size: cellSize, level: 1 },
    coarseV: { span: plan.coarseV, size: cellSize, level: 1 },
    directH: { span: plan.directH, size: frameSize, level: 0 },
    composite: { span: only(!plan.fullFrame, plan.region), size: frameSize, level: 0 },
    fullFrame: { span: only(plan.fullFrame, frame), size: frameSize, level: 1 },
    outlines: { span: plan.outlines, size: frameSize, level: 0 },
  };
}

function checkTextures(src: GPUTexture, dst: GPUTexture): void {
  const problems = [
    src.format !== 'rgba8unorm' && `src is ${src.format}, not rgba8unorm`,
    !(src.usage & GPUTextureUsage.TEXTURE_BINDING) && 'src lacks TEXTURE_BINDING usage',
    dst.format !== 'rgba8unorm' && `dst is ${dst.format}, not rgba8unorm`,
    !(dst.usage & GPUTextureUsage.STORAGE_BINDING) && 'dst lacks STORAGE_BINDING usage',
    (src.width !== dst.width || src.height !== dst.height) && `dst is ${dst.width}x${dst.height}, src ${src.width}x${src.height}`,
    src === dst && 'src and dst are the same texture',
  ].filter((x): x is string => typeof x === 'string');
  if (problems.length) throw new TypeError(`anonymize: ${problems.join('; ')}`);
}
