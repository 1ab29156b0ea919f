import type { AppError } from '../app/errors';
import type { FailClosedReason } from '../app/fail-closed';
import { NUMBERS } from '../app/settings';

export interface Message {
  title: string;
  /** What to do next. */
  action: string;
}

const WEBGPU_HELP =
  'Use a browser with WebGPU: Chrome or Edge 113+ (on Linux start Chromium with ' +
  '--enable-unsafe-webgpu), Safari 26+, or Firefox 141+ on Windows; and open the page from https:// or http://localhost.';

/** Words for every error kind: what happened and what to do. Nothing unblurred is shown meanwhile. */
export function describeError(e: AppError): Message {
  switch (e.kind) {
    case 'no-webgpu':
      return { title: 'This browser has no WebGPU, so Veil cannot anonymize here.', action: WEBGPU_HELP };
    case 'no-webgl':
      return {
        title: 'This browser has neither WebGPU nor WebGL2, so Veil cannot anonymize here.',
        action: `Switch on hardware acceleration in the browser's settings, or ${WEBGPU_HELP[0]!.toLowerCase()}${WEBGPU_HELP.slice(1)}`,
      };
    case 'no-adapter':
      return {
        title: 'WebGPU is switched on, but no GPU adapter is available.',
        action: `Check that hardware acceleration is enabled in the browser settings. ${WEBGPU_HELP}`,
      };
    case 'no-device':
      return {
        title: 'The GPU refused to start a WebGPU device.',
        action: 'Close other GPU-heavy tabs and reload the page.',
      };
    case 'camera-denied':
      return {
        title: 'Camera access was denied or revoked.',
        action:
          'Allow the camera in the address bar’s site settings (Veil takes it up again by itself), or pick the demo clip.',
      };
    case 'no-camera':
      return {
        title: 'No camera was found.',
        action: 'Connect a camera and choose it in the source list, or pick the demo clip.',
      };
    case 'camera-busy':
      return {
        title: 'The camera is in use by another program or could not start.',
        action: 'Close the other program (video-call apps often hold the camera) and choose the camera again.',
      };
    case 'camera-failed':
      return {
        title: 'The camera could not be opened.',
        action: 'Choose the camera again, try another one, or pick the demo clip.',
      };
    case 'demo-failed':
      return {
        title: 'The demo clip could not be played.',
        action: 'Reload the page; if it persists, the app was installed without its public/demo folder.',
      };
    case 'model-load':
      return {
        title: 'The face detector could not be loaded, so the whole picture stays blurred.',
        action:
          'Reload the page. If it persists, reinstall (npm install) — the model files in public/models may be missing or damaged.',
      };
    case 'device-lost':
      return {
        title: 'The GPU was lost (driver reset, or the GPU was needed elsewhere). Recovering…',
        action: 'Nothing is shown until the GPU is back; this usually takes a moment.',
      };
    case 'detector-error':
      return {
        title: 'The face detector failed on a frame; the whole picture is blurred until it recovers.',
        action: 'It retries on every frame. If this stays, reload the page.',
      };
    case 'frames-refused':
      return {
        title:
          'The browser has stopped handing over video frames, so the picture is frozen (on its last anonymized frame).',
        action: 'Choose the source again; if it stays frozen, reload the page.',
      };
    case 'draw-failed':
      return {
        title: 'Veil could not draw the last frames, so the picture is frozen (on its last anonymized frame).',
        action: 'Reload the page. If it happens again, the browser console ("Frame skipped") says what failed.',
      };
    case 'internal':
      return {
        title: 'Something went wrong inside Veil.',
        action: 'Reload the page. The picture stays blurred or hidden meanwhile.',
      };
  }
}

/**
 * Why the whole frame is blurred, in words for the banner. `budgetMs`: the trust budget in force; `detectorMs`: the
 * detections' measured time (NaN before the first), which says what helps when they are too slow for it.
 */
export function describeFailClosed(r: FailClosedReason, budgetMs: number, detectorMs = Number.NaN): string {
  switch (r) {
    case 'detector-starting':
      return 'Whole frame blurred: the face detector is starting.';
    case 'new-picture':
      return 'Whole frame blurred: looking for faces in the new picture.';
    case 'detector-stalled':
      return detectorMs * 2 > budgetMs
        ? `Whole frame blurred: face detection takes about ${Math.round(detectorMs)} ms here, too slow to trust ` +
            `its boxes within ${budgetMs} ms. What helps: a smaller camera size, a GPU (or a browser that uses it), ` +
            `or a longer detector budget (More settings, or budget=${Math.min(NUMBERS.budgetMs!.max, 500 * Math.ceil((3 * detectorMs) / 500))} in the address).`
        : `Whole frame blurred: no face detection in the last ${budgetMs} ms.`;
    case 'detector-error':
      return 'Whole frame blurred: the face detector is failing.';
    case 'fast-motion':
      return 'Whole frame blurred: the picture moved fast; waiting for the detector to catch up.';
    case 'gpu-lost':
      return 'Nothing shown: the GPU was lost and is being restored.';
  }
}
