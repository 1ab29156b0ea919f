import type { Track, TrackProcessor, VideoProcessorOptions } from 'livekit-client';
import { createVeil, type Veil, type VeilLook, type VeilOptions, type VeilStatus } from './veil';

/** A LiveKit video processor that anonymizes faces; `update` changes the look while it runs. */
export interface VeilTrackProcessor extends TrackProcessor<Track.Kind.Video, VideoProcessorOptions> {
  update(look: Partial<VeilLook>): void;
  status(): VeilStatus | null;
  readonly debug: Veil['debug'];
}

/**
 * `await localVideoTrack.setProcessor(VeilProcessor(options))`: LiveKit then sends `processedTrack`, Veil's
 * anonymized copy of the camera, instead of the camera. LiveKit owns the camera track: Veil works on a clone.
 */
export function VeilProcessor(options: VeilOptions = {}): VeilTrackProcessor {
  let veil: Veil | null = null;
  const processor: VeilTrackProcessor = {
    name: 'veil-face-anonymizer',
    processedTrack: undefined,
    async init({ track }) {
      veil ??= await createVeil(options);
      processor.processedTrack = await veil.anonymize(track);
    },
    // A new camera (a device switch, or the track restarted): the old output ends, a new one follows the new camera.
    async restart(opts) {
      veil?.stop();
      await processor.init(opts);
    },
    async destroy() {
      veil?.stop();
      veil = null;
      processor.processedTrack = undefined;
    },
    update(look) {
      options = { ...options, ...look };
      veil?.update(look);
    },
    status: () => veil?.status() ?? null,
    debug: {
      loseDevice: () => veil?.debug.loseDevice(),
      takeStats: async () => (await veil?.debug.takeStats()) ?? null,
    },
  };
  return processor;
}
