import code from './anonymize.wgsl?raw';
import {
  DEFAULT_MAX_FACES,
  FULL_FRAME_CELLS,
  MAX_RADIUS,
  planAnonymize,
  type AnonymizeParams,
  type AnonymizePlan,
  type PlanSpans,
} from './anonymize-plan';
import {
  ANONYMIZE_FACE,
  ANONYMIZE_PARAMS,
  KERNEL_STRIDE,
  packFaces,
  writeParams,
  type PassParams,
} from './anonymize-layout';
import { TILE, TileLister, dispatchSize, tileBits } from './anonymize-tiles';
import { OUTLINE_PX, SOLID_MARGIN_PX } from './mask-shape';
import { srgbTables } from './srgb';
import { allCompiled, CompiledPipeline } from '../gpu/compute-pipeline';

export interface AnonymizePassOptions {
  maxFaces?: number;
  maxWorkgroupsPerDimension?: number;
  /** A pass on the same device whose compiled pipelines this one uses instead of compiling its own. */
  pipelinesOf?: AnonymizePass;
}

export type { AnonymizeEffect, AnonymizeParams, FaceMask, Rgb } from './anonymize-plan';
export { ANONYMIZE_EFFECTS, DEFAULT_EFFECT, DEFAULT_SOLID_COLOR } from './anonymize-plan';

const WG = TILE;
/** full_frame: pixels a side that one thread fills (fewer when a coarse cell is smaller). */
const FULL_BLOCK = 8;

// Texture bindings of group 1 in anonymize.wgsl.
const SRC = 0;
const DST = 1;
const ROWS = 2;
const COARSE = 3;

// Buffer bindings of group 0.
const PARAMS = 0;
const FACES = 1;
const WEIGHTS = 2;
const TILES = 3;
const BLOCKS = 4;
const BLOCK_SUMS = 5;
const COVERED = 6;
const SRGB = 7;

type Dispatch =
  | { kind: 'frame' } // copy: one thread per pixel
  | { kind: 'blocks' } // mosaic_blocks: blockLanes threads per block
  | { kind: 'tiles'; spans: keyof PlanSpans; cells?: boolean } // one workgroup per tile of the spans
  | { kind: 'full' }; // full_frame: up to FULL_BLOCK^2 pixels per thread

interface StageSpec {
  entry: string;
  /** Group 0 bindings the entry point uses ('auto' layouts leave out the rest). */
  shared: readonly number[];
  dispatch: Dispatch;
}

/** Dispatch order. */
const STAGES = {
  copy: { entry: 'copy', shared: [PARAMS, COVERED], dispatch: { kind: 'frame' } },
  mosaicBlocks: { entry: 'mosaic_blocks', shared: [PARAMS, FACES, BLOCK_SUMS, SRGB], dispatch: { kind: 'blocks' } },
  fill: { entry: 'fill', shared: [PARAMS, FACES, TILES, BLOCKS], dispatch: { kind: 'tiles', spans: 'fill' } },
  downsample: {
    entry: 'downsample',
    shared: [PARAMS, TILES, SRGB],
    dispatch: { kind: 'tiles', spans: 'coarseDown', cells: true },
  },
  coarseH: {
    entry: 'blur_h',
    shared: [PARAMS, FACES, WEIGHTS, TILES, SRGB],
    dispatch: { kind: 'tiles', spans: 'coarseH', cells: true },
  },
  coarseV: {
    entry: 'blur_v',
    shared: [PARAMS, FACES, WEIGHTS, TILES, SRGB],
    dispatch: { kind: 'tiles', spans: 'coarseV', cells: true },
  },
  directH: {
    entry: 'blur_h',
    shared: [PARAMS, FACES, WEIGHTS, TILES, SRGB],
    dispatch: { kind: 'tiles', spans: 'directH' },
  },
  composite: {
    entry: 'composite',
    shared: [PARAMS, FACES, WEIGHTS, TILES, BLOCKS, SRGB],
    dispatch: { kind: 'tiles', spans: 'composite' },
  },
  fullFrame: { entry: 'full_frame', shared: [PARAMS], dispatch: { kind: 'full' } },
  outlines: { entry: 'draw_outlines', shared: [PARAMS, FACES, TILES], dispatch: { kind: 'tiles', spans: 'outlines' } },
} as const satisfies Record<string, StageSpec>;
type Stage = keyof typeof STAGES;
const STAGE_NAMES = Object.keys(STAGES) as Stage[];
/** Bytes of indirect dispatch arguments that encode() may write: three u32s a stage. */
export const INDIRECT_ARGS_BYTES = 12 * STAGE_NAMES.length;
/** What a frame blurred whole runs: compiled first, so a page draws its cover before the per-face stages exist. */
const WHOLE_FRAME_STAGES = [
  'downsample',
  'coarseH',
  'coarseV',
  'fullFrame',
  'outlines',
] as const satisfies readonly Stage[];
/** Stages that read the frame, or for "strong" the mosaic painted by fill; and fill itself. */
const MOSAIC_STAGES = ['directH', 'downsample', 'fill'] as const satisfies readonly Stage[];
type MosaicStage = (typeof MOSAIC_STAGES)[number];
const isMosaicStage = (stage: Stage): stage is MosaicStage => (MOSAIC_STAGES as readonly Stage[]).includes(stage);

/** Intermediates for one frame size, all rgba8unorm as the twin assumes, and the bind groups over them. */
interface Targets {
  width: number;
  height: number;
  textures: GPUTexture[];
  src: GPUTexture;
  dst: GPUTexture;
  /** Each stage's textures, and its bind group over them once the stage has run. */
  bound: Record<Stage, Record<number, GPUTexture>>;
  groups: Partial<Record<Stage, GPUBindGroup>>;
  /** "strong": the frame-sized mosaic, made on first use, and the stages that read or fill it instead of src. */
  strong: {
    mosaic: GPUTexture;
    bound: Record<MosaicStage, Record<number, GPUTexture>>;
    groups: Partial<Record<MosaicStage, GPUBindGroup>>;
  } | null;
}

/** Buffers that grow with the frame or the faces; their bind groups are remade when one grows. */
type Growable = 'tiles' | 'blocks' | 'covered';

/**
 * Anonymizes faces in a frame: `dst` = `src` with every non-excluded mask covered by the chosen effect (a
 * Gaussian blur whose sigma follows the face's size, a mosaic, a solid fill, or a mosaic then blurred), or the
 * whole frame made unrecognizable when `fullFrame` is set. Pixels outside every mask and its feather are copied
 * unchanged, or cleared to transparent black for a `transparent` overlay.
 *
 * Work follows the faces: the per-face stages run over the 8x8 tiles their spans touch, not over the frame or
 * the faces' bounding box; only the copy of the untouched pixels (a load and a store each) spans the frame.
 *
 * Pipelines and buffers are made once. Per frame, encode writes a few buffers and reuses its bind groups for
 * as long as `src` and `dst` are the same textures and the buffers need not grow. Buffers are written with
 * queue.writeBuffer, which lands before the next submit: encode at most once per submitted command buffer.
 *
 * Colour: the effects average linear light, while every texture holds sRGB-encoded bytes (srgb.ts says why:
 * averaging the bytes left a dark rim of up to 45 levels on real faces). A `transparent` overlay's colour is
 * premultiplied in encoded values, as browsers and OBS composite.
 */
export class AnonymizePass {
  readonly maxFaces: number;
  #device: GPUDevice;
  #pipelines: Record<Stage, CompiledPipeline>;
  #params: GPUBuffer;
  #paramsData: ArrayBuffer;
  #paramsStride: number;
  #faces: GPUBuffer;
  #weights: GPUBuffer;
  /** The sRGB decode tables, written once. */
  #srgb: GPUBuffer;
  #growable: Record<Growable, GPUBuffer>;
  /** Group 0 of each stage that has run, over the buffers as they are now (emptied when one grows). */
  #shared: Partial<Record<Stage, GPUBindGroup>> = {};
  #targets: Targets | null = null;
  #tiles = new TileLister();
  #foldAt: number;
  /** The covered bits on the GPU are all zero; saves rewriting them while no face shows. */
  #coveredClear = true;

  /** Settles when the whole-frame cover can be drawn (WHOLE_FRAME_STAGES compiled); faces may still need `ready`. */
  readonly wholeFrameReady: Promise<void>;
  /** Settles when every stage is compiled. */
  readonly ready: Promise<void>;

  /** A pass with every stage compiled. */
  static async create(device: GPUDevice, opts: AnonymizePassOptions = {}): Promise<AnonymizePass> {
    const pass = new AnonymizePass(device, opts);
    await pass.ready;
    return pass;
  }

  /**
   * A pass whose stages compile in the background (CompiledPipeline), the whole-frame cover's first: encode()
   * throws for a frame that needs a stage not compiled yet. Live mode draws its fail-closed frames meanwhile;
   * everything else uses create(). `maxFaces`: masks beyond it fail closed (default 64).
   * `maxWorkgroupsPerDimension`: where long tile lists fold into a second dispatch dimension; the device's limit
   * unless lower (tests lower it).
   */
  constructor(device: GPUDevice, opts: AnonymizePassOptions = {}) {
    this.#device = device;
    this.maxFaces = Math.max(1, Math.floor(opts.maxFaces ?? DEFAULT_MAX_FACES));
    this.#foldAt = Math.max(
      1,
      Math.min(device.limits.maxComputeWorkgroupsPerDimension, opts.maxWorkgroupsPerDimension ?? Infinity),
    );
    this.#pipelines = opts.pipelinesOf ? opts.pipelinesOf.#pipelines : compileStages(device);
    this.wholeFrameReady = allCompiled(WHOLE_FRAME_STAGES.map((s) => this.#pipelines[s]));
    this.ready = allCompiled(Object.values(this.#pipelines));
    // Awaited by whoever draws; a pass dropped unused (its device lost) must not leave an unhandled rejection.
    this.wholeFrameReady.catch(() => undefined);
    this.ready.catch(() => undefined);

    this.#paramsStride = Math.max(ANONYMIZE_PARAMS.byteSize, device.limits.minUniformBufferOffsetAlignment);
    this.#paramsData = new ArrayBuffer(this.#paramsStride * STAGE_NAMES.length);
    this.#params = device.createBuffer({
      label: 'anonymize-params',
      size: this.#paramsData.byteLength,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    // One more slot than maxFaces: full-frame mode adds its own cover face.
    const capacity = this.maxFaces + 1;
    this.#faces = this.#storage('faces', capacity * ANONYMIZE_FACE.byteSize);
    this.#weights = this.#storage('weights', capacity * KERNEL_STRIDE * 4);
    const { linear, fixed } = srgbTables();
    this.#srgb = this.#storage('srgb', linear.byteLength + fixed.byteLength);
    device.queue.writeBuffer(this.#srgb, 0, linear);
    device.queue.writeBuffer(this.#srgb, linear.byteLength, fixed);
    this.#growable = {
      tiles: this.#storage('tiles', 4096),
      blocks: this.#storage('blocks', 4096),
      covered: this.#storage('covered', 256),
    };
  }

  /**
   * `src`: rgba8unorm with TEXTURE_BINDING; `dst`: rgba8unorm with STORAGE_BINDING, the same size, not `src`.
   * Every pixel of `dst` is written. For a `transparent` overlay, show `dst` with premultiplied alpha.
   * `indirect` (INDIRECT | COPY_DST, at least INDIRECT_ARGS_BYTES): each stage dispatches the workgroups written
   * there (its counts are written there first, by queue.writeBuffer), so a pass that runs before this one on the GPU
   * can zero them and make this encode draw nothing (the motion guard's whole-frame cover).
   */
  encode(encoder: GPUCommandEncoder, src: GPUTexture, dst: GPUTexture, p: AnonymizeParams, indirect?: GPUBuffer): void {
    checkTextures(src, dst);
    const plan = planAnonymize(src.width, src.height, p, this.maxFaces);
    const { width, height } = plan;
    const queue = this.#device.queue;

    // Every tiled stage's list, one after another in the tile buffer.
    const lists: Uint32Array<ArrayBuffer>[] = [];
    let tileTotal = 0;
    const passes = mapStages((stage, spec): PassParams => {
      const cells = [plan.coarseWidth, plan.coarseHeight] as const;
      const frame = [width, height] as const;
      const size = stage === 'coarseH' || stage === 'coarseV' ? cells : frame;
      const base = { extent: frame, size, level: stage === 'coarseH' ? 1 : 0, tileBase: 0, tileCount: 0 } as const;
      if (spec.dispatch.kind !== 'tiles') return base;
      const grid = 'cells' in spec.dispatch ? cells : frame;
      const tiles = this.#tiles.list(plan.spans[spec.dispatch.spans], grid[0], grid[1]);
      lists.push(tiles);
      tileTotal += tiles.length;
      return { ...base, tileBase: tileTotal - tiles.length, tileCount: tiles.length };
    });
    this.#grow('tiles', tileTotal * 4);
    this.#grow('blocks', plan.blockTotal * 16);
    const covering = plan.fullFrame
      ? null
      : tileBits(
          lists[STAGE_NAMES.filter((s) => STAGES[s].dispatch.kind === 'tiles').indexOf('composite')],
          width,
          height,
        );
    if (covering) this.#grow('covered', covering.byteLength);

    const dispatches = STAGE_NAMES.map((stage) => ({
      stage,
      size: workgroups(STAGES[stage].dispatch, plan, passes[stage], this.#foldAt),
    })).filter((d): d is { stage: Stage; size: [number, number] } => d.size !== null);
    const compiling = dispatches.filter((d) => !this.#pipelines[d.stage].compiled).map((d) => d.stage);
    if (compiling.length) {
      throw new Error(`anonymize: ${compiling.join(', ')} still compiling (await ready, or draw the whole frame)`);
    }
    const targets = this.#targetsFor(src, dst, plan.effect === 'strong');

    let at = 0;
    for (const tiles of lists) {
      if (tiles.length) queue.writeBuffer(this.#growable.tiles, at * 4, tiles);
      at += tiles.length;
    }
    if (covering && !(this.#coveredClear && passes.composite.tileCount === 0)) {
      queue.writeBuffer(this.#growable.covered, 0, covering);
      this.#coveredClear = passes.composite.tileCount === 0;
    }
    const { faces, weights } = packFaces(plan);
    if (faces.byteLength > 0) {
      queue.writeBuffer(this.#faces, 0, faces);
      queue.writeBuffer(this.#weights, 0, weights);
    }
    const view = new DataView(this.#paramsData);
    STAGE_NAMES.forEach((stage, i) => writeParams(view, i * this.#paramsStride, plan, passes[stage]));
    queue.writeBuffer(this.#params, 0, this.#paramsData);

    if (indirect) {
      const args = new Uint32Array(dispatches.length * 3);
      dispatches.forEach(({ size }, i) => args.set([...size, 1], i * 3));
      queue.writeBuffer(indirect, 0, args);
    }

    if (plan.blockTotal) encoder.clearBuffer(this.#growable.blocks, 0, plan.blockTotal * 16);
    const pass = encoder.beginComputePass({ label: 'anonymize' });
    dispatches.forEach(({ stage, size }, i) => {
      pass.setPipeline(this.#pipelines[stage].pipeline);
      pass.setBindGroup(0, this.#sharedGroup(stage));
      pass.setBindGroup(1, this.#texturesGroup(targets, stage, plan.effect === 'strong'));
      if (indirect) pass.dispatchWorkgroupsIndirect(indirect, i * 12);
      else pass.dispatchWorkgroups(...size);
    });
    pass.end();
  }

  destroy(): void {
    this.#targets?.textures.forEach((t) => t.destroy());
    this.#targets?.strong?.mosaic.destroy();
    this.#targets = null;
    this.#params.destroy();
    this.#faces.destroy();
    this.#weights.destroy();
    this.#srgb.destroy();
    Object.values(this.#growable).forEach((b) => b.destroy());
  }

  #storage(label: string, size: number): GPUBuffer {
    return this.#device.createBuffer({
      label: `anonymize-${label}`,
      size: Math.max(16, size),
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
  }

  /** At least `bytes` in the buffer, doubling; a new buffer starts zeroed and needs new bind groups. */
  #grow(which: Growable, bytes: number): void {
    const old = this.#growable[which];
    if (old.size >= bytes) return;
    let size = old.size;
    while (size < bytes) size *= 2;
    old.destroy();
    this.#growable[which] = this.#storage(which, size);
    if (which === 'covered') this.#coveredClear = true;
    this.#shared = {};
  }

  #sharedGroup(stage: Stage): GPUBindGroup {
    const made = this.#shared[stage];
    if (made) return made;
    const { tiles, blocks, covered } = this.#growable;
    const buffers: Record<number, GPUBufferBinding> = {
      [PARAMS]: { buffer: this.#params, size: ANONYMIZE_PARAMS.byteSize },
      [FACES]: { buffer: this.#faces },
      [WEIGHTS]: { buffer: this.#weights },
      [TILES]: { buffer: tiles },
      [BLOCKS]: { buffer: blocks },
      [BLOCK_SUMS]: { buffer: blocks },
      [COVERED]: { buffer: covered },
      [SRGB]: { buffer: this.#srgb },
    };
    const i = STAGE_NAMES.indexOf(stage);
    const group = this.#device.createBindGroup({
      label: `anonymize-${stage}`,
      layout: this.#pipelines[stage].pipeline.getBindGroupLayout(0),
      entries: STAGES[stage].shared.map((binding) => ({
        binding,
        resource: binding === PARAMS ? { ...buffers[PARAMS], offset: i * this.#paramsStride } : buffers[binding],
      })),
    });
    this.#shared[stage] = group;
    return group;
  }

  /** Group 1 of `stage`: the frame's own textures, or for "strong" the mosaic where a stage reads it. */
  #texturesGroup(t: Targets, stage: Stage, strong: boolean): GPUBindGroup {
    const m = strong ? t.strong : null;
    if (m && isMosaicStage(stage)) return (m.groups[stage] ??= this.#textureGroup(stage, m.bound[stage]));
    return (t.groups[stage] ??= this.#textureGroup(stage, t.bound[stage]));
  }

  #targetsFor(src: GPUTexture, dst: GPUTexture, strong: boolean): Targets {
    let t = this.#targets;
    if (!t || t.src !== src || t.dst !== dst) {
      const { width, height } = src;
      let textures = t?.textures;
      let mosaic = t?.strong?.mosaic ?? null;
      if (!t || t.width !== width || t.height !== height) {
        t?.textures.forEach((x) => x.destroy());
        mosaic?.destroy();
        mosaic = null;
        textures = this.#makeIntermediates(width, height);
      }
      const [rows, cells, cellRows, cellsBlurred] = textures!;
      const bound: Record<Stage, Record<number, GPUTexture>> = {
        copy: { [SRC]: src, [DST]: dst },
        mosaicBlocks: { [SRC]: src },
        fill: { [DST]: rows }, // a stand-in until "strong" makes its mosaic; only "strong" dispatches fill
        downsample: { [SRC]: src, [DST]: cells },
        coarseH: { [SRC]: cells, [DST]: cellRows },
        coarseV: { [SRC]: cellRows, [DST]: cellsBlurred },
        directH: { [SRC]: src, [DST]: rows },
        composite: { [SRC]: src, [DST]: dst, [ROWS]: rows, [COARSE]: cellsBlurred },
        fullFrame: { [DST]: dst, [COARSE]: cellsBlurred },
        outlines: { [DST]: dst },
      };
      t = { width, height, textures: textures!, src, dst, bound, groups: {}, strong: null };
      if (mosaic) t.strong = this.#strongTargets(t, mosaic);
      this.#targets = t;
    }
    if (strong) t.strong ??= this.#strongTargets(t, this.#texture('mosaic', t.width, t.height));
    return t;
  }

  #strongTargets(t: Targets, mosaic: GPUTexture): NonNullable<Targets['strong']> {
    const [rows, cells] = t.textures;
    return {
      mosaic,
      bound: {
        fill: { [DST]: mosaic },
        directH: { [SRC]: mosaic, [DST]: rows },
        downsample: { [SRC]: mosaic, [DST]: cells },
      },
      groups: {},
    };
  }

  #textureGroup(stage: Stage, bound: Record<number, GPUTexture>): GPUBindGroup {
    return this.#device.createBindGroup({
      label: `anonymize-${stage}-textures`,
      layout: this.#pipelines[stage].pipeline.getBindGroupLayout(1),
      entries: Object.entries(bound).map(([binding, tex]) => ({
        binding: Number(binding),
        resource: tex.createView(),
      })),
    });
  }

  #texture(label: string, width: number, height: number): GPUTexture {
    return this.#device.createTexture({
      label: `anonymize-${label}`,
      size: [width, height],
      format: 'rgba8unorm',
      usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING,
    });
  }

  /** rows: full-resolution blur_h output; then the coarse grid's cells, their rows, and their blur. */
  #makeIntermediates(width: number, height: number): GPUTexture[] {
    // The finest coarse grid a plan can ask for: cells of 2 pixels, or 1 in full-frame mode on tiny frames.
    const finest = Math.min(2, Math.max(1, Math.ceil(Math.min(width, height) / FULL_FRAME_CELLS)));
    const cw = Math.ceil(width / finest);
    const ch = Math.ceil(height / finest);
    return (
      [
        ['rows', width, height],
        ['cells', cw, ch],
        ['cell-rows', cw, ch],
        ['cells-blurred', cw, ch],
      ] as const
    ).map(([label, w, h]) => this.#texture(label, w, h));
  }
}

/** Every stage's pipeline, compiled in the background, the whole frame's asked for first. */
function compileStages(device: GPUDevice): Record<Stage, CompiledPipeline> {
  const module = device.createShaderModule({ label: 'anonymize', code });
  const constants = { WG, MAX_RADIUS, SOLID_MARGIN: SOLID_MARGIN_PX, OUTLINE_PX, FULL_BLOCK };
  // Pipelines by entry point: blur_h serves two stages.
  const byEntry = new Map<string, CompiledPipeline>();
  for (const stage of [...WHOLE_FRAME_STAGES, ...STAGE_NAMES]) {
    const { entry } = STAGES[stage];
    if (!byEntry.has(entry)) {
      byEntry.set(entry, new CompiledPipeline(device, `anonymize-${entry}`, module, constants, entry));
    }
  }
  return mapStages((_, { entry }) => byEntry.get(entry)!);
}

function mapStages<T>(fn: (stage: Stage, spec: StageSpec, index: number) => T): Record<Stage, T> {
  return Object.fromEntries(STAGE_NAMES.map((s, i) => [s, fn(s, STAGES[s], i)])) as Record<Stage, T>;
}

/** Workgroups a stage dispatches this frame; null skips it. */
function workgroups(d: Dispatch, plan: AnonymizePlan, pass: PassParams, foldAt: number): [number, number] | null {
  const per = (n: number) => [Math.ceil(plan.width / n), Math.ceil(plan.height / n)] as [number, number];
  switch (d.kind) {
    case 'frame':
      return plan.fullFrame ? null : per(WG);
    case 'full':
      return plan.fullFrame ? per(WG * Math.min(FULL_BLOCK, plan.factor)) : null;
    case 'blocks':
      return plan.blockThreads ? dispatchSize(Math.ceil(plan.blockThreads / (WG * WG)), foldAt) : null;
    case 'tiles':
      return pass.tileCount ? dispatchSize(pass.tileCount, foldAt) : null;
  }
}

function checkTextures(src: GPUTexture, dst: GPUTexture): void {
  const problems = [
    src.format !== 'rgba8unorm' && `src is ${src.format}, not rgba8unorm`,
    !(src.usage & GPUTextureUsage.TEXTURE_BINDING) && 'src lacks TEXTURE_BINDING usage',
    dst.format !== 'rgba8unorm' && `dst is ${dst.format}, not rgba8unorm`,
    !(dst.usage & GPUTextureUsage.STORAGE_BINDING) && 'dst lacks STORAGE_BINDING usage',
    (src.width !== dst.width || src.height !== dst.height) &&
      `dst is ${dst.width}x${dst.height}, src ${src.width}x${src.height}`,
    src === dst && 'src and dst are the same texture',
  ].filter((x): x is string => typeof x === 'string');
  if (problems.length) throw new TypeError(`anonymize: ${problems.join('; ')}`);
}
