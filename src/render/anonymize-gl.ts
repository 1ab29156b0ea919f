import blurCode from './anonymize-blur.glsl?raw';
import coverCode from './anonymize-cover.glsl?raw';
import {
  deleteTarget,
  glProgram,
  glTarget,
  levelFramebuffer,
  levelSize,
  mipLevels,
  RECT_VERTEX,
  type GlFrame,
  type GlProgram,
  type GlTarget,
} from '../gpu/gl-context';
import {
  FaceFlag,
  gaussianHalfKernel,
  MAX_RADIUS,
  planAnonymize,
  type AnonymizeParams,
  type PlannedFace,
} from './anonymize-plan';
import { OUTLINE_PX, SOLID_MARGIN_PX } from './mask-shape';

const BLUR_UNIFORMS = [
  'u_rect',
  'u_target',
  'u_flip',
  'u_src',
  'u_size',
  'u_dir',
  'u_radius',
  'u_lod',
  'u_weights',
  'u_block',
  'u_block_origin',
  'u_block_lod',
] as const;
const COVER_UNIFORMS = [
  'u_rect',
  'u_target',
  'u_flip',
  'u_frame',
  'u_blurred',
  'u_size',
  'u_face',
  'u_box',
  'u_feather',
  'u_margin',
  'u_cover',
  'u_colour',
  'u_block',
  'u_block_origin',
  'u_block_lod',
  'u_lod',
  'u_outline_px',
  'u_transparent',
] as const;

/**
 * A mosaic block's mean, for the blur's "strong" taps and the mosaic cover: the block holding p (frame pixels) on the
 * grid of side u_block anchored at u_block_origin, as 4 x 4 samples of `src` on the level u_block_lod whose texels
 * are a quarter of a block (an approximation of the WGSL pass's exact sums).
 */
const BLOCK_MEAN = `vec4 block_mean(sampler2D src, vec2 p) {
  vec2 corner = u_block_origin + floor((p - u_block_origin) / u_block) * u_block;
  vec4 sum = vec4(0.0);
  for (int j = 0; j < 4; j++) {
    for (int i = 0; i < 4; i++) {
      vec2 q = clamp(corner + (vec2(i, j) + 0.5) * (u_block / 4.0), vec2(0.5), u_size - 0.5);
      sum += textureLod(src, q / u_size, u_block_lod);
    }
  }
  return sum / 16.0;
}`;

const withBlockMean = (code: string) => code.replace('//#include block_mean', BLOCK_MEAN);

/** anonymize-cover.glsl's u_cover. */
const Cover = { blurred: 0, mosaic: 1, solid: 2, outline: 3 } as const;
/** anonymize.wgsl's outline colours, 0..1. */
const OUTLINE_BLURRED = [0, 1, 0.4] as const;
const OUTLINE_EXCLUDED = [1, 176 / 255, 0] as const;

/** Where a face's Gaussian is drawn: on mip level `lod` (texels 2^lod frame pixels wide), `radius` texels a side. */
export interface GlTaps {
  lod: number;
  radius: number;
  /** The half kernel in the level's texels, centre first, padded to MAX_RADIUS + 1. */
  weights: Float32Array;
}

/**
 * The level a face's blur is drawn on: the frame's own pixels while 3 sigma fits in MAX_RADIUS taps, else the first
 * mip level whose texels are wide enough, as the WebGPU pass moves a large face to its coarse grid.
 */
export function glTaps(sigma: number): GlTaps {
  const lod = Math.max(0, Math.ceil(Math.log2((3 * sigma) / MAX_RADIUS)));
  const sigmaTexels = sigma / 2 ** lod;
  const radius = Math.min(MAX_RADIUS, Math.ceil(3 * sigmaTexels));
  const weights = new Float32Array(MAX_RADIUS + 1);
  weights.set(gaussianHalfKernel(sigmaTexels, radius));
  return { lod, radius, weights };
}

/** The mip level whose texels are a quarter of a mosaic block: the cover samples 4 x 4 of them per block. */
function blockLod(block: number): number {
  return Math.max(0, Math.floor(Math.log2(block / 4)));
}

type Span4 = [number, number, number, number];

/**
 * The WebGL2 drawing backend of the anonymize pass: the same plan (planAnonymize: which faces, their sigma, mosaic
 * grid, feather, outlines, the fail-closed cover) drawn with fragment shaders instead of compute. A face's blur is
 * two passes over its own rectangle (rows, then columns, on frame-sized sRGB targets, faces in order of growing
 * sigma so a wider blur wins where they overlap); then the frame is copied to the canvas (GlFrame.blitToCanvas; or the canvas cleared, for
 * a transparent overlay) and each face's cover blended on with its coverage. Coverage of overlapping faces adds up
 * as 1 - (1 - a)(1 - b), never less than either.
 */
export class AnonymizeGl {
  readonly #gl: WebGL2RenderingContext;
  readonly #blur: GlProgram<(typeof BLUR_UNIFORMS)[number]>;
  readonly #cover: GlProgram<(typeof COVER_UNIFORMS)[number]>;
  /** gl_VertexID draws need a vertex array bound, with no attributes. */
  readonly #vao: WebGLVertexArrayObject;
  #rows: GlTarget | null = null;
  #blurred: GlTarget | null = null;

  constructor(gl: WebGL2RenderingContext) {
    this.#gl = gl;
    const blur = blurCode.replace('precision highp float;', `precision highp float;\n#define MAX_RADIUS ${MAX_RADIUS}`);
    this.#blur = glProgram(gl, 'anonymize-blur', RECT_VERTEX, withBlockMean(blur), BLUR_UNIFORMS);
    this.#cover = glProgram(gl, 'anonymize-cover', RECT_VERTEX, withBlockMean(coverCode), COVER_UNIFORMS);
    this.#vao = gl.createVertexArray()!;
  }

  /** Draws `frame` anonymized onto the canvas (its drawing buffer must be the frame's size). */
  draw(frame: GlFrame, p: AnonymizeParams): void {
    const src = frame.target;
    if (!src) throw new Error('anonymize: no frame has been imported');
    const gl = this.#gl;
    const { width, height } = src;
    const plan = planAnonymize(width, height, p);
    const covered = plan.faces.filter((f) => f.flags & FaceFlag.blur);
    const blurs = plan.effect === 'gaussian' || plan.effect === 'strong';
    const needsMips = plan.effect !== 'solid' && covered.some((f) => f.block > 0 || glTaps(f.sigma).lod > 0);
    if (needsMips) frame.mipmaps();
    gl.bindVertexArray(this.#vao);
    gl.disable(gl.BLEND);
    gl.disable(gl.DEPTH_TEST);
    if (blurs && covered.length) this.#blurFaces(src, covered, plan.effect === 'strong');

    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.viewport(0, 0, width, height);
    if (plan.transparent) {
      gl.clearColor(0, 0, 0, 0);
      gl.clear(gl.COLOR_BUFFER_BIT);
    } else {
      frame.blitToCanvas();
    }
    const u = this.#useCover(width, height, src);
    gl.enable(gl.BLEND);
    if (plan.transparent) gl.blendFunc(gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    else gl.blendFuncSeparate(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA, gl.ZERO, gl.ONE);
    gl.uniform1f(u.u_feather, plan.featherPx);
    gl.uniform1i(u.u_transparent, plan.transparent ? 1 : 0);
    const cover = blurs ? Cover.blurred : plan.effect === 'mosaic' ? Cover.mosaic : Cover.solid;
    gl.uniform3f(u.u_colour, plan.color[0] / 255, plan.color[1] / 255, plan.color[2] / 255);
    gl.uniform1i(u.u_cover, cover);
    for (const f of covered) {
      this.#face(f);
      if (cover === Cover.blurred) gl.uniform1f(u.u_lod, glTaps(f.sigma).lod);
      if (cover === Cover.mosaic) this.#block(u.u_block, u.u_block_origin, u.u_block_lod, f);
      this.#rect(u.u_rect, spanRect(f.rect));
    }
    gl.disable(gl.BLEND);
    gl.uniform1i(u.u_cover, Cover.outline);
    for (const f of plan.faces) {
      if (!(f.flags & FaceFlag.outline)) continue;
      const c = f.flags & FaceFlag.excluded ? OUTLINE_EXCLUDED : OUTLINE_BLURRED;
      gl.uniform3f(u.u_colour, c[0], c[1], c[2]);
      this.#face(f);
      this.#rect(u.u_rect, spanRect(f.rect));
    }
    gl.bindVertexArray(null);
  }

  destroy(): void {
    deleteTarget(this.#gl, this.#rows);
    deleteTarget(this.#gl, this.#blurred);
    this.#rows = this.#blurred = null;
    this.#gl.deleteProgram(this.#blur.program);
    this.#gl.deleteProgram(this.#cover.program);
    this.#gl.deleteVertexArray(this.#vao);
  }

  /** Rows then columns of each face's Gaussian into #blurred, within the face's rectangle. */
  #blurFaces(src: GlTarget, faces: PlannedFace[], strong: boolean): void {
    const gl = this.#gl;
    const { width, height } = src;
    if (this.#rows?.width !== width || this.#rows.height !== height) {
      deleteTarget(gl, this.#rows);
      deleteTarget(gl, this.#blurred);
      this.#rows = glTarget(gl, src, mipLevels(src));
      this.#blurred = glTarget(gl, src, mipLevels(src));
    }
    const ordered = [...faces].sort((a, b) => a.sigma - b.sigma);
    const u = this.#blur.uniforms;
    gl.useProgram(this.#blur.program);
    gl.uniform2f(u.u_target, width, height);
    gl.uniform1i(u.u_flip, 0);
    gl.uniform2f(u.u_size, width, height);
    gl.uniform1i(u.u_src, 0);
    gl.activeTexture(gl.TEXTURE0);
    for (const [target, input, dir] of [
      [this.#rows!, src, [1, 0]],
      [this.#blurred!, this.#rows!, [0, 1]],
    ] as const) {
      gl.bindTexture(gl.TEXTURE_2D, input.texture);
      gl.uniform2f(u.u_dir, dir[0], dir[1]);
      const rows = dir[0] === 1;
      for (const f of ordered) {
        const taps = glTaps(f.sigma);
        const level = levelSize(src, taps.lod);
        levelFramebuffer(gl, target, taps.lod);
        gl.viewport(0, 0, level.width, level.height);
        gl.uniform1i(u.u_radius, taps.radius);
        gl.uniform1f(u.u_lod, taps.lod);
        gl.uniform1fv(u.u_weights, taps.weights);
        if (rows && strong) this.#block(u.u_block, u.u_block_origin, u.u_block_lod, f);
        else gl.uniform1f(u.u_block, 0);
        // One texel more on each side: the cover's bilinear reads reach half a texel past the face. The row pass
        // also covers the rows the column pass reaches above and below.
        const texel = 2 ** taps.lod;
        const reach = texel * (1 + (rows ? taps.radius : 0));
        const [x0, y0, x1, y1] = spanRect(f.rect);
        this.#rect(u.u_rect, [
          Math.max(0, x0 - texel),
          Math.max(0, y0 - reach),
          Math.min(width, x1 + texel),
          Math.min(height, y1 + reach),
        ]);
      }
    }
  }

  #useCover(
    width: number,
    height: number,
    src: GlTarget,
  ): Record<(typeof COVER_UNIFORMS)[number], WebGLUniformLocation | null> {
    const gl = this.#gl;
    const u = this.#cover.uniforms;
    gl.useProgram(this.#cover.program);
    gl.uniform2f(u.u_target, width, height);
    gl.uniform1i(u.u_flip, 1);
    gl.uniform2f(u.u_size, width, height);
    gl.uniform1f(u.u_margin, SOLID_MARGIN_PX);
    gl.uniform1f(u.u_outline_px, OUTLINE_PX);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, src.texture);
    gl.uniform1i(u.u_frame, 0);
    gl.activeTexture(gl.TEXTURE1);
    // Unread unless a face is blurred; bound to the frame otherwise, as a sampler must be bound to something.
    gl.bindTexture(
      gl.TEXTURE_2D,
      (this.#blurred?.width === width && this.#blurred.height === height ? this.#blurred : src).texture,
    );
    gl.uniform1i(u.u_blurred, 1);
    gl.activeTexture(gl.TEXTURE0);
    return u;
  }

  #face(f: PlannedFace): void {
    const u = this.#cover.uniforms;
    this.#gl.uniform4f(u.u_face, f.cx, f.cy, f.rx, f.ry);
    this.#gl.uniform1i(u.u_box, f.flags & FaceFlag.box ? 1 : 0);
  }

  #block(
    block: WebGLUniformLocation | null,
    origin: WebGLUniformLocation | null,
    lod: WebGLUniformLocation | null,
    f: PlannedFace,
  ): void {
    this.#gl.uniform1f(block, f.block);
    this.#gl.uniform2f(origin, f.blockOrigin[0], f.blockOrigin[1]);
    this.#gl.uniform1f(lod, blockLod(f.block));
  }

  #rect(at: WebGLUniformLocation | null, [x0, y0, x1, y1]: Span4): void {
    this.#gl.uniform4f(at, x0, y0, x1, y1);
    this.#gl.drawArrays(this.#gl.TRIANGLE_STRIP, 0, 4);
  }
}

/** An inclusive pixel span as a rectangle whose far edges are excluded. */
function spanRect([x0, y0, x1, y1]: readonly number[]): Span4 {
  return [x0!, y0!, x1! + 1, y1! + 1];
}
