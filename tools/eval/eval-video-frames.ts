import { spawn } from 'node:child_process';
import type { RgbaImage } from '../../src/core/types';

/**
 * Every frame of a video, decoded by ffmpeg to RGBA8 through a pipe (rawvideo), in order. The caller gives the
 * size (probeSize); frames are read as they are consumed, so a clip never sits in memory whole.
 */
export async function* videoFrames(path: string, size: { width: number; height: number }): AsyncGenerator<RgbaImage> {
  const frameBytes = size.width * size.height * 4;
  const ffmpeg = spawn('ffmpeg', ['-v', 'error', '-nostdin', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  ffmpeg.stderr.on('data', (d: Buffer) => (stderr += String(d)));
  // Settles, never rejects: a failed start is reported after the (then empty) output has been read.
  const exited = new Promise<{ code: number | null; error?: Error }>((done) => {
    ffmpeg.on('error', (error) => done({ code: null, error }));
    ffmpeg.on('close', (code) => done({ code }));
  });
  let pending: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of ffmpeg.stdout as AsyncIterable<Buffer>) {
      pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= frameBytes) {
        yield { width: size.width, height: size.height, data: new Uint8Array(pending.subarray(0, frameBytes)) };
        pending = pending.subarray(frameBytes);
      }
    }
    const { code, error } = await exited;
    if (error)
      throw new Error(`ffmpeg could not be started to decode ${path} (${error.message}; is ffmpeg installed?)`);
    if (code !== 0) throw new Error(`ffmpeg could not decode ${path}: ${stderr.trim().split('\n').pop() ?? ''}`);
    if (pending.length > 0) throw new Error(`ffmpeg: ${path} ended inside a frame (${pending.length} stray bytes)`);
  } finally {
    if (ffmpeg.exitCode === null) ffmpeg.kill();
  }
}
