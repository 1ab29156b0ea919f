// The library's entry (`import { createVeil } from 'veil'`); the LiveKit processor is `veil/livekit`.
export { createVeil, type Veil, type VeilLook, type VeilOptions, type VeilStatus } from './veil';
