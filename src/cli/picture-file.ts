import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { Luma } from '../track/patch-motion';

/**
 * Every frame's small luma picture (lumaSize(): 57.6 KB a frame at 320x180, about 100 MB a minute at 30 fps),
 * kept in a file rather than in memory, so a long clip never sits in memory whole; the offline tracker reads it
 * frame by frame, forwards and then backwards.
 */
export class PictureFile {
  readonly #fd: number;
  readonly #width: number;
  readonly #height: number;
  #count = 0;

  constructor(path: string, size: { width: number; height: number }) {
    this.#fd = openSync(path, 'w+');
    this.#width = size.width;
    this.#height = size.height;
  }

  get count(): number {
    return this.#count;
  }

  append(picture: Luma): void {
    const n = this.#width * this.#height;
    if (picture.width !== this.#width || picture.height !== this.#height)
      throw new Error(`a ${picture.width}x${picture.height} picture in a file of ${this.#width}x${this.#height}`);
    writeSync(this.#fd, Uint8Array.from(picture.data), 0, n, this.#count * n);
    this.#count++;
  }

  at(frame: number): Luma {
    const n = this.#width * this.#height;
    const data = new Uint8Array(n);
    readSync(this.#fd, data, 0, n, frame * n);
    return { width: this.#width, height: this.#height, data };
  }

  close(): void {
    closeSync(this.#fd);
  }
}
