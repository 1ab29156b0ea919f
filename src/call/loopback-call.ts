import { type CallStats, CallStatsReader } from './call-stats';

/**
 * A real RTCPeerConnection pair on one page: what a video call would send of `stream`, received back as the remote
 * side would see it. ICE stays on host candidates (no STUN/TURN server), so nothing crosses the network.
 */
export class LoopbackCall {
  readonly #sender = new RTCPeerConnection({ iceServers: [] });
  readonly #receiver = new RTCPeerConnection({ iceServers: [] });

  readonly #stats = new CallStatsReader();
  #remoteTrackId = '';

  readonly remote: Promise<MediaStream>;

  constructor(stream: MediaStream) {
    this.#sender.onicecandidate = (e) => void (e.candidate && this.#receiver.addIceCandidate(e.candidate));
    this.#receiver.onicecandidate = (e) => void (e.candidate && this.#sender.addIceCandidate(e.candidate));
    this.remote = new Promise((resolve) => {
      this.#receiver.ontrack = (e) => {
        this.#remoteTrackId = e.track.id;
        resolve(e.streams[0] ?? new MediaStream([e.track]));
      };
    });
    for (const track of stream.getVideoTracks()) this.#sender.addTrack(track, stream);
  }

  async connect(): Promise<void> {
    const offer = await this.#sender.createOffer();
    await this.#sender.setLocalDescription(offer);
    await this.#receiver.setRemoteDescription(offer);
    const answer = await this.#receiver.createAnswer();
    await this.#receiver.setLocalDescription(answer);
    await this.#sender.setRemoteDescription(answer);
  }

  /** The remote side's resolution, frame rate, frames so far, round trip and codec, as the receiver measures them. */
  async stats(): Promise<CallStats> {
    return this.#stats.read(await this.#receiver.getStats(), this.#remoteTrackId);
  }

  close(): void {
    this.#sender.close();
    this.#receiver.close();
  }
}
