// The README's LiveKit lines: a local camera track with Veil as its processor, no server needed.
import { createLocalVideoTrack } from 'livekit-client';
import { VeilProcessor } from 'veil/livekit';

const track = await createLocalVideoTrack();
const processor = VeilProcessor({ assetsBase: '/veil/' });
await track.setProcessor(processor);
track.attach(document.querySelector('video')!);

// For the tests that drive this page: what LiveKit would send.
Object.assign(window, { veil: processor, anonymized: track.mediaStreamTrack });
