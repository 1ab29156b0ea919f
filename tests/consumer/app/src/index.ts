// The README's five lines, as a user of the package writes them.
import { createVeil } from 'veil';

const camera = await navigator.mediaDevices.getUserMedia({ video: true });
const veil = await createVeil({ assetsBase: '/veil/' });
const anonymized = await veil.anonymize(camera.getVideoTracks()[0]!);
document.querySelector('video')!.srcObject = new MediaStream([anonymized]);

// For the tests that drive this page.
Object.assign(window, { veil, anonymized });
