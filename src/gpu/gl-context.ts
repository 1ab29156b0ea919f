import { SOFTWARE_RENDERER } from './device';
import type { FrameSize, RgbaImage } from '../core/types';

/** Why WebGL2 could not be had: as GpuUnavailableError does for WebGPU, the UI turns it into words and a next step. */
export class GlUnavailableError extends Error {
  readonly kind = 'no-webgl';
  constructor(message: string) {
    super(message);
    this.name = 'GlUnavailableError';
  }
}

/** A WebGL2 context on the output canvas, and what the status line says of it. */
export interface Gl {
  gl: WebGL2RenderingContext;
  /** The renderer as the browser names it (the unmasked name where the browser gives it). */
  description: string;
  /** A CPU rasteriser (SwiftShader, llvmpipe): the drawing backends are compared by measurement there. */
  software: boolean;
}

/** Where the live loop shows its frames: a page's canvas, or a worker's. */
export type GlCanvas = HTMLCanvasElement | OffscreenCanvas;

/**
 * A WebGL2 context on `canvas`. The drawing buffer is preserved: the canvas is read after the frame's task (a
 * page's screenshot, captureStream, the library's VideoFrame), and a cleared buffer there would read as black.
 * `transparent`: an alpha channel, premultiplied as browsers and OBS composite.
 */
export function acquireGl(canvas: GlCanvas, transparent: boolean): Gl {
  const attributes: WebGLContextAttributes = {
    alpha: transparent,
    premultipliedAlpha: true,
    antialias: false,
    depth: false,
    stencil: false,
    preserveDrawingBuffer: true,
    powerPreference: 'high-performance',
  };
  const gl = canvas.getContext('webgl2', attributes) as WebGL2RenderingContext | null;
  if (!gl) throw new GlUnavailableError(NO_WEBGL2);
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  const description = `WebGL2 ${renderer}`;
  const software = SOFTWARE_RENDERER.test(renderer);
  return { gl, description, software };
}

/** Whether this browser gives WebGL2 contexts at all (a throwaway canvas is asked). */
export function requireWebGl2(): void {
  const canvas = typeof OffscreenCanvas === 'function' ? new OffscreenCanvas(1, 1) : null;
  const gl = canvas?.getContext('webgl2') as WebGL2RenderingContext | null | undefined;
  if (!gl) throw new GlUnavailableError(NO_WEBGL2);
  gl.getExtension('WEBGL_lose_context')?.loseContext();
}

/** The canvas's drawing buffer, top row first (WebGL reads the bottom row first). */
export function readCanvas(gl: WebGL2RenderingContext, width: number, height: number): RgbaImage {
  const rows = new Uint8Array(width * height * 4);
  gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, rows);
  const row = width * 4;
  const data = new Uint8Array(rows.length);
  for (let y = 0; y < height; y++) data.set(rows.subarray(y * row, (y + 1) * row), (height - 1 - y) * row);
  return { width, height, data };
}

const NO_WEBGL2 = 'This browser gave no WebGL2 context (WebGL is off or blocked for this GPU).';

function shader(gl: WebGL2RenderingContext, type: GLenum, source: string, label: string): WebGLShader {
  const s = gl.createShader(type)!;
  gl.shaderSource(s, source);
  gl.compileShader(s);
  if (!gl.getShaderParameter(s, gl.COMPILE_STATUS) && !gl.isContextLost()) {
    throw new Error(`${label}: ${gl.getShaderInfoLog(s)}`);
  }
  return s;
}

/** A linked program and its uniforms' locations, looked up once. */
export interface GlProgram<U extends string> {
  program: WebGLProgram;
  uniforms: Record<U, WebGLUniformLocation | null>;
}

/**
 * Linear light to sRGB's encoding, for shaders that sample an sRGB texture (decoded) and write encoded values where
 * no sRGB target does it (the canvas, a luma picture). A shader asks for it with a line `//#include encode`.
 */
const ENCODE = `vec3 encode(vec3 linear) {
  vec3 lo = linear * 12.92;
  vec3 hi = 1.055 * pow(max(linear, vec3(0.0031308)), vec3(1.0 / 2.4)) - 0.055;
  return mix(hi, lo, vec3(lessThanEqual(linear, vec3(0.0031308))));
}`;

export function glProgram<U extends string>(
  gl: WebGL2RenderingContext,
  label: string,
  vertex: string,
  fragment: string,
  uniforms: readonly U[],
): GlProgram<U> {
  const program = gl.createProgram()!;
  const vs = shader(gl, gl.VERTEX_SHADER, vertex, `${label} (vertex)`);
  const fs = shader(gl, gl.FRAGMENT_SHADER, fragment.replace('//#include encode', ENCODE), `${label} (fragment)`);
  gl.attachShader(program, vs);
  gl.attachShader(program, fs);
  gl.linkProgram(program);
  gl.deleteShader(vs);
  gl.deleteShader(fs);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS) && !gl.isContextLost()) {
    throw new Error(`${label}: ${gl.getProgramInfoLog(program)}`);
  }
  const locations = Object.fromEntries(uniforms.map((u) => [u, gl.getUniformLocation(program, u)]));
  return { program, uniforms: locations as Record<U, WebGLUniformLocation | null> };
}

/** Levels of a full mip chain for this size. */
export function mipLevels(size: FrameSize): number {
  return Math.floor(Math.log2(Math.max(size.width, size.height, 1))) + 1;
}

/**
 * A texture with storage for `levels` levels, clamped at its edges, and a framebuffer on each level, made with it:
 * made on first use, a level's framebuffer came with the first face of a new size, minutes into a run, and the
 * objects the context holds grew where nothing leaks (`npm run soak` counts them).
 */
export interface GlTarget {
  texture: WebGLTexture;
  /** By level. */
  framebuffers: WebGLFramebuffer[];
  width: number;
  height: number;
}

/** A framebuffer drawing into `level` of `t`. */
export function levelFramebuffer(gl: WebGL2RenderingContext, t: GlTarget, level = 0): WebGLFramebuffer {
  const fb = t.framebuffers[level];
  if (!fb) throw new RangeError(`level ${level} of a texture with ${t.framebuffers.length}`);
  gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
  return fb;
}

/** The size of `level` of a texture of `size`. */
export function levelSize(size: FrameSize, level: number): FrameSize {
  return { width: Math.max(1, size.width >> level), height: Math.max(1, size.height >> level) };
}

/**
 * sRGB storage: sampling decodes to linear light and rendering encodes back, so every average (blur, mosaic, mip
 * level) is of light, as the WebGPU pass's decode tables make it, and the bytes stay the picture's own.
 */
export function glTarget(
  gl: WebGL2RenderingContext,
  size: FrameSize,
  levels = 1,
  format: GLenum = gl.SRGB8_ALPHA8,
): GlTarget {
  const texture = gl.createTexture()!;
  gl.bindTexture(gl.TEXTURE_2D, texture);
  gl.texStorage2D(gl.TEXTURE_2D, levels, format, size.width, size.height);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, levels > 1 ? gl.LINEAR_MIPMAP_NEAREST : gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  const bound = gl.getParameter(gl.DRAW_FRAMEBUFFER_BINDING) as WebGLFramebuffer | null;
  const framebuffers = Array.from({ length: levels }, (_, level) => {
    const fb = gl.createFramebuffer()!;
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, level);
    return fb;
  });
  gl.bindFramebuffer(gl.FRAMEBUFFER, bound);
  return { texture, framebuffers, width: size.width, height: size.height };
}

export function deleteTarget(gl: WebGL2RenderingContext, t: GlTarget | null): void {
  if (!t) return;
  gl.deleteTexture(t.texture);
  for (const fb of t.framebuffers) if (fb) gl.deleteFramebuffer(fb);
}

/**
 * The camera's frame in two textures: plain RGBA8, copied to the canvas as it is (a blit: on a software rasteriser,
 * re-encoding every pixel in a shader cost 40 ms a 1280x720 frame), read for the detector and made into the
 * tracker's picture; and a mipmapped sRGB texture with the same bytes that the blur and mosaic sample (in linear
 * light). On a software rasteriser (`uploadOnce`) the frame is uploaded once, into the first, and its bytes reach the
 * second through a pixel buffer, a copy that converts nothing (a blit into an sRGB target would encode them again):
 * uploading a video element converts its colours pixel by pixel there, and 1280x720 camera frames in Chromium on
 * SwiftShader took 202 ms a frame uploaded twice, 101 ms uploaded once and copied (medians of 15). On a GPU both
 * uploads are the GPU's own copies, while ANGLE may take an upload from a pixel buffer through the CPU ("copied on
 * CPU due to store" in its log): there it uploads twice. Rows top first (WebGL uploads a picture's top row first),
 * so texel (x, y) is the frame's pixel (x, y) and every pass works in the frame's own coordinates.
 */
export class GlFrame {
  readonly #gl: WebGL2RenderingContext;
  #target: GlTarget | null = null;
  #raw: GlTarget | null = null;
  /** Holds the raw texture's bytes on their way to the sRGB one (uploadOnce). */
  #copy: WebGLBuffer | null = null;
  readonly #uploadOnce: boolean;
  /** Changes whenever the textures are made anew: a frame imported into older ones is not drawn. */
  generation = 0;
  #mipsFresh = false;

  /** `uploadOnce`: one upload and a copy through a pixel buffer, for a software rasteriser (Gl.software). */
  constructor(gl: WebGL2RenderingContext, { uploadOnce }: { uploadOnce: boolean }) {
    this.#gl = gl;
    this.#uploadOnce = uploadOnce;
  }

  /** The sRGB texture (mipmapped). */
  get target(): GlTarget | null {
    return this.#target;
  }

  /** The stored bytes (RGBA8, one level). */
  get raw(): GlTarget | null {
    return this.#raw;
  }

  /** Uploads `source` (its displayed size: width x height), remaking the textures when the size changed. */
  import(source: TexImageSource, width: number, height: number): GlTarget {
    const gl = this.#gl;
    if (!this.#target || this.#target.width !== width || this.#target.height !== height) {
      this.destroy();
      this.#target = glTarget(gl, { width, height }, mipLevels({ width, height }));
      this.#raw = glTarget(gl, { width, height }, 1, gl.RGBA8);
      if (this.#uploadOnce) {
        this.#copy = gl.createBuffer();
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, this.#copy);
        gl.bufferData(gl.PIXEL_PACK_BUFFER, width * height * 4, gl.STREAM_COPY);
        gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
      }
      this.generation++;
    }
    const target = this.#target;
    const raw = this.#raw!;
    // Both must be off for an upload from a pixel buffer, and the picture is wanted as it is anyway.
    gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, false);
    gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
    const upload = (t: GlTarget) => {
      gl.bindTexture(gl.TEXTURE_2D, t.texture);
      gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, gl.RGBA, gl.UNSIGNED_BYTE, source);
    };
    upload(raw);
    if (!this.#copy) upload(target);
    else {
      levelFramebuffer(gl, raw);
      gl.bindBuffer(gl.PIXEL_PACK_BUFFER, this.#copy);
      gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, 0);
      gl.bindBuffer(gl.PIXEL_PACK_BUFFER, null);
      gl.bindFramebuffer(gl.FRAMEBUFFER, null);
      gl.bindBuffer(gl.PIXEL_UNPACK_BUFFER, this.#copy);
      gl.bindTexture(gl.TEXTURE_2D, target.texture);
      gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, 0);
      gl.bindBuffer(gl.PIXEL_UNPACK_BUFFER, null);
    }
    this.#mipsFresh = false;
    return target;
  }

  /** Fills the coarser levels (in linear light) once per frame, for the passes that sample them. */
  mipmaps(): void {
    if (this.#mipsFresh || !this.#target) return;
    const gl = this.#gl;
    gl.bindTexture(gl.TEXTURE_2D, this.#target.texture);
    gl.generateMipmap(gl.TEXTURE_2D);
    this.#mipsFresh = true;
  }

  /** The frame's bytes as uploaded, top row first: what the CPU detector reads. */
  read(): RgbaImage {
    const t = this.#raw;
    if (!t) throw new Error('no frame has been imported');
    const gl = this.#gl;
    const data = new Uint8Array(t.width * t.height * 4);
    levelFramebuffer(gl, t);
    gl.readPixels(0, 0, t.width, t.height, gl.RGBA, gl.UNSIGNED_BYTE, data);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    return { width: t.width, height: t.height, data };
  }

  /** Copies the frame as it is onto the canvas (rows bottom first there). */
  blitToCanvas(): void {
    const t = this.#raw;
    if (!t) throw new Error('no frame has been imported');
    const gl = this.#gl;
    gl.bindFramebuffer(gl.READ_FRAMEBUFFER, levelFramebuffer(gl, t));
    gl.bindFramebuffer(gl.DRAW_FRAMEBUFFER, null);
    gl.blitFramebuffer(0, 0, t.width, t.height, 0, t.height, t.width, 0, gl.COLOR_BUFFER_BIT, gl.NEAREST);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
  }

  destroy(): void {
    deleteTarget(this.#gl, this.#target);
    deleteTarget(this.#gl, this.#raw);
    this.#gl.deleteBuffer(this.#copy);
    this.#target = this.#raw = null;
    this.#copy = null;
  }
}

/** Draws a rectangle given in target pixels (x0, y0, x1, y1, ends excluded); `flip` for the canvas (rows bottom first). */
export const RECT_VERTEX = `#version 300 es
uniform vec4 u_rect;
uniform vec2 u_target;
uniform bool u_flip;
void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float(gl_VertexID >> 1));
  vec2 ndc = mix(u_rect.xy, u_rect.zw, corner) / u_target * 2.0 - 1.0;
  gl_Position = vec4(ndc.x, u_flip ? -ndc.y : ndc.y, 0.0, 1.0);
}
`;
