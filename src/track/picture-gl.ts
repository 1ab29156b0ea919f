import code from './picture.glsl?raw';
import {
  deleteTarget,
  glProgram,
  glTarget,
  levelFramebuffer,
  RECT_VERTEX,
  type GlProgram,
  type GlTarget,
} from '../gpu/gl-context';
import type { FrameSize } from '../core/types';

/**
 * The tracker's picture of a frame on the WebGL2 backend (picture.glsl): ThumbnailPass's cell means, drawn into an
 * 8-bit target and read back at once (a 320 px picture is 0.2-0.3 MB; the read waits for the frame's draws).
 */
export class PictureGl {
  readonly #gl: WebGL2RenderingContext;
  readonly #program: GlProgram<'u_rect' | 'u_target' | 'u_flip' | 'u_frame' | 'u_cells'>;
  readonly #vao: WebGLVertexArrayObject;
  #target: GlTarget | null = null;
  #bytes = new Uint8Array(0);

  constructor(gl: WebGL2RenderingContext) {
    this.#gl = gl;
    this.#program = glProgram(gl, 'picture', RECT_VERTEX, code, ['u_rect', 'u_target', 'u_flip', 'u_frame', 'u_cells']);
    this.#vao = gl.createVertexArray()!;
  }

  /** The mean luma (0..255, whole levels) of each of `size`'s cells over `frame` (GlFrame.raw), rows top first. */
  read(frame: GlTarget, size: FrameSize): Float32Array {
    const gl = this.#gl;
    const u = this.#program.uniforms;
    levelFramebuffer(gl, this.#targetFor(size));
    gl.viewport(0, 0, size.width, size.height);
    gl.disable(gl.BLEND);
    gl.useProgram(this.#program.program);
    gl.bindVertexArray(this.#vao);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, frame.texture);
    gl.uniform1i(u.u_frame, 0);
    gl.uniform2i(u.u_cells, size.width, size.height);
    gl.uniform2f(u.u_target, size.width, size.height);
    gl.uniform1i(u.u_flip, 0);
    gl.uniform4f(u.u_rect, 0, 0, size.width, size.height);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    gl.bindVertexArray(null);
    const n = size.width * size.height;
    if (this.#bytes.length < n * 4) this.#bytes = new Uint8Array(n * 4);
    gl.readPixels(0, 0, size.width, size.height, gl.RGBA, gl.UNSIGNED_BYTE, this.#bytes);
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    const luma = new Float32Array(n);
    for (let i = 0; i < n; i++) luma[i] = this.#bytes[i * 4]!;
    return luma;
  }

  #targetFor(size: FrameSize): GlTarget {
    const t = this.#target;
    if (t?.width === size.width && t.height === size.height) return t;
    deleteTarget(this.#gl, t);
    this.#target = glTarget(this.#gl, size, 1, this.#gl.RGBA8);
    return this.#target;
  }

  destroy(): void {
    deleteTarget(this.#gl, this.#target);
    this.#target = null;
    this.#gl.deleteProgram(this.#program.program);
    this.#gl.deleteVertexArray(this.#vao);
  }
}
