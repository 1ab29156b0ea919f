import { LivePipeline, type LiveSettings } from '../app/live-pipeline';
import { StreamFeed } from '../source/frame-feed';
import { drawnFrame } from './drawn-frame';
import type { FromWorker, ToWorker } from './worker-protocol';

/**
 * The library's pipeline off the page's main thread: the camera's VideoFrames come in on a transferred stream, are
 * anonymized on this worker's own GPU device (and detector), and go back one by one, with their timestamps.
 */
const reply = (message: FromWorker, transfer: Transferable[] = []) => postMessage(message, { transfer });
let pipeline: LivePipeline | null = null;
let settings: LiveSettings | null = null;

addEventListener('message', (e: MessageEvent<ToWorker>) => {
  const message = e.data;
  switch (message.type) {
    case 'start': {
      settings = message.settings;
      const canvas = new OffscreenCanvas(1, 1);
      pipeline = new LivePipeline(
        canvas,
        new StreamFeed(message.frames),
        settings,
        (status) => reply({ type: 'status', status }),
        message.assets,
        (drawn) => {
          const frame = drawnFrame(canvas, drawn);
          reply({ type: 'frame', frame }, [frame]);
        },
      );
      void pipeline.start();
      break;
    }
    case 'update':
      if (settings) Object.assign(settings, message.settings);
      break;
    case 'lose-device':
      pipeline?.testHooks.loseDevice();
      break;
    case 'take-stats':
      if (pipeline) reply({ type: 'stats', stats: pipeline.takeStats() });
      break;
    case 'stop':
      pipeline?.stop();
      pipeline = null;
      close();
      break;
  }
});
