import { blurWhole } from './blur-whole';
import {
  type BridgeMessage,
  DEFAULT_LOOK,
  ENGINE_KEY,
  type Engine,
  type ExtensionLook,
  type HookMessage,
  type SiteStatus,
  TAG,
} from './protocol';

/**
 * The page script, in every page's own world from before its scripts run: a site's getUserMedia that asks for video
 * gets, where the user turned Veil on for the site, a stream whose video is anonymized (its audio as it was). It is
 * small; the engine (engine.ts: the library, the detector) is put into the page only when needed. While Veil is on,
 * the raw camera never reaches the page: Veil failing to start gives a stream blurred whole, and failing that, the
 * call fails as with a broken camera.
 */

/** How long the bridge may take to say whether Veil is on (it reads storage; the engine is put in on the way). */
const ANSWER_TIMEOUT_MS = 15_000;

type Answer = Extract<BridgeMessage, { type: 'answer' }>;

const post = (message: HookMessage) => window.postMessage(message, location.origin === 'null' ? '*' : location.origin);

/** A message from the bridge, or null for any other (the page's own, or this script's). */
function fromBridge(e: MessageEvent): BridgeMessage | null {
  const data = e.data as { tag?: unknown; type?: unknown } | null;
  const ours = e.source === window && data?.tag === TAG && (data.type === 'answer' || data.type === 'look');
  return ours ? (data as BridgeMessage) : null;
}

/** Outputs now running on this page, told of look changes. */
const running = new Set<(look: ExtensionLook) => void>();

window.addEventListener('message', (e) => {
  const message = fromBridge(e);
  if (message?.type === 'look') for (const update of running) update(message.look);
});

/** Asks the bridge whether Veil is on here; no answer in time is a failure (the caller then blurs whole). */
function ask(): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      window.removeEventListener('message', onMessage);
      reject(new Error('the extension did not answer (reload the page after updating or reloading the extension)'));
    }, ANSWER_TIMEOUT_MS);
    const onMessage = (e: MessageEvent) => {
      const message = fromBridge(e);
      if (message?.type !== 'answer') return;
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      resolve(message);
    };
    window.addEventListener('message', onMessage);
    post({ tag: TAG, type: 'ask' });
  });
}

const report = (status: SiteStatus) => post({ tag: TAG, type: 'status', status });

/** The camera anonymized by the engine, or blurred whole when the engine cannot run; never the camera itself. */
async function anonymized(
  camera: MediaStreamTrack,
  answer: Extract<Answer, { on: true }>,
): Promise<{ track: MediaStreamTrack; stop(): void }> {
  const engine = (window as unknown as Record<symbol, Engine | undefined>)[ENGINE_KEY];
  try {
    if (!engine || !answer.files) throw new Error(answer.failed || 'the engine is not in the page');
    const output = await engine.anonymize(camera, answer.look, answer.files, report);
    running.add(output.update);
    return {
      track: output.track,
      stop: () => {
        running.delete(output.update);
        output.stop();
      },
    };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    report({
      state: 'blurred-whole',
      detail: `Veil could not start here (${why}): the whole picture is blurred.`,
      faces: 0,
      fps: 0,
    });
    return blurWhole(camera);
  }
}

const devices = navigator.mediaDevices;
if (devices?.getUserMedia) {
  const original = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints?: MediaStreamConstraints): Promise<MediaStream> => {
    const stream = await original(constraints);
    const [camera] = stream.getVideoTracks();
    if (!camera) return stream;
    let answer: Answer;
    try {
      answer = await ask();
    } catch (e) {
      // Unknown whether Veil is on: it may be, so the camera is not handed over raw.
      answer = { tag: TAG, type: 'answer', on: true, look: DEFAULT_LOOK, files: null, failed: (e as Error).message };
    }
    if (!answer.on) return stream;
    let output: { track: MediaStreamTrack; stop(): void };
    try {
      output = await anonymized(camera, answer);
    } catch (e) {
      for (const t of stream.getTracks()) t.stop();
      throw new DOMException(`Veil could not cover the camera: ${(e as Error).message}`, 'NotReadableError');
    }
    // The outputs work on clones: the camera as opened is not needed, and its light goes off with the output.
    camera.stop();
    const { track } = output;
    // A page ends a call by stopping its tracks; a track stopped by its holder fires no event, so stop() is where to
    // hear it.
    const stopTrack = track.stop.bind(track);
    track.stop = () => {
      stopTrack();
      output.stop();
    };
    return new MediaStream([track, ...stream.getAudioTracks()]);
  };
}
