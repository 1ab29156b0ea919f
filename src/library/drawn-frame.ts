import type { OutputCanvas } from '../app/device-resources';
import type { LiveFrame } from '../source/frame-feed';

/**
 * The anonymized frame now on `canvas`, as a VideoFrame stamped with its camera frame's timestamp (µs; its arrival
 * time where the source gave none): what the library sends, from the page's thread or the worker's.
 */
export function drawnFrame(canvas: OutputCanvas, drawn: LiveFrame): VideoFrame {
  return new VideoFrame(canvas, { timestamp: drawn.timestamp ?? Math.round(drawn.now * 1000) });
}
