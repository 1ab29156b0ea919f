export type SourceChoice = { kind: 'camera'; deviceId?: string } | { kind: 'demo' };

export type SourceErrorKind = 'camera-denied' | 'no-camera' | 'camera-busy' | 'camera-failed' | 'demo-failed';

/** A source that could not be opened; the UI words it and offers the demo clip instead. */
export class SourceError extends Error {
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

export interface OpenSource {
  label: string;
  /** Settles with what happened when the source stops by itself (camera unplugged, permission revoked). */
  ended: Promise<SourceError>;
  stop(): void;
}

export const DEMO_CLIP_URL = 'demo/demo-webcam.webm';

function cameraError(e: unknown): SourceError {
  const name = e instanceof DOMException ? e.name : '';
  const message = e instanceof Error ? e.message : String(e);
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new SourceError('camera-denied', message);
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new SourceError('no-camera', message);
    case 'NotReadableError':
    case 'AbortError':
      return new SourceError('camera-busy', message);
    default:
      return new SourceError('camera-failed', message);
  }
}

async function openCamera(video: HTMLVideoElement, deviceId?: string): Promise<OpenSource> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new SourceError('no-camera', 'This page cannot reach cameras (no navigator.mediaDevices).');
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { deviceId: deviceId ? { exact: deviceId } : undefined, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
  } catch (e) {
    throw cameraError(e);
  }
  const [track] = stream.getVideoTracks();
  video.srcObject = stream;
  await video.play();
  const permission = await cameraPermission();
  const stop = () => {
    if (permission) permission.onchange = null;
    stream.getTracks().forEach((t) => t.stop());
    video.srcObject = null;
  };
  const revoked = () => new SourceError('camera-denied', 'Camera access was revoked.');
  const ended = new Promise<SourceError>((resolve) => {
    // Chromium ends the track before it reports the revoked permission, so an ending asks which it was.
    track?.addEventListener(
      'ended',
      () => {
        void cameraPermission().then((p) =>
          resolve(
            p?.state === 'denied'
              ? revoked()
              : new SourceError('camera-failed', 'The camera stopped (unplugged, or switched off).'),
          ),
        );
      },
      { once: true },
    );
    // Other browsers may leave the track running when the permission is revoked; it is not ours to use then either.
    if (permission) {
      permission.onchange = () => {
        if (permission.state === 'denied') resolve(revoked());
      };
    }
  });
  void ended.then(stop);
  return { label: track?.label || 'camera', ended, stop };
}

/** The camera permission's live status, where the browser reports it (Firefox and older Safari may not). */
async function cameraPermission(): Promise<PermissionStatus | null> {
  try {
    return await navigator.permissions.query({ name: 'camera' as PermissionName });
  } catch {
    return null;
  }
}

async function openDemo(video: HTMLVideoElement): Promise<OpenSource> {
  video.srcObject = null;
  video.src = new URL(DEMO_CLIP_URL, document.baseURI).href;
  video.loop = true;
  try {
    await video.play();
  } catch (e) {
    throw new SourceError('demo-failed', `The demo clip did not play: ${(e as Error).message}`);
  }
  return {
    label: 'demo clip',
    ended: new Promise(() => {}),
    stop: () => {
      video.pause();
      video.removeAttribute('src');
      video.load();
    },
  };
}

/** Plays the chosen source into `video` (muted, inline, never shown: only the anonymized canvas is). */
export function openSource(choice: SourceChoice, video: HTMLVideoElement): Promise<OpenSource> {
  video.muted = true;
  video.playsInline = true;
  return choice.kind === 'camera' ? openCamera(video, choice.deviceId) : openDemo(video);
}

/** Resolves when a camera may be usable again: a device was plugged in, or the permission was granted again. */
export async function cameraMayBeBack(): Promise<void> {
  const permission = await cameraPermission();
  const devices = navigator.mediaDevices;
  await new Promise<void>((resolve) => {
    const done = () => {
      devices?.removeEventListener('devicechange', done);
      if (permission) permission.onchange = null;
      resolve();
    };
    devices?.addEventListener('devicechange', done);
    if (permission) {
      permission.onchange = () => {
        if (permission.state === 'granted') done();
      };
    }
  });
}

export async function listCameras(): Promise<MediaDeviceInfo[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
}
