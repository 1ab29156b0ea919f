export interface CallStats {
  width: number;
  height: number;
  fps: number;
  /** Round trip of the connection's active candidate pair, ms; NaN until measured. */
  rttMs: number;
  codec: string;
}

/**
 * A real RTCPeerConnection pair on one page: what a video call would send of `stream`, received back as the remote
 * side would see it. ICE stays on host candidates (no STUN/TURN server), so nothing crosses the network.
 */
export class LoopbackCall {
  readonly #sender = new RTCPeerConnection({ iceServers: [] });
  readonly #receiver = new RTCPeerConnection({ iceServers: [] });

  readonly remote: Promise<MediaStream>;

  constructor(stream: MediaStream) {
    this.#sender.onicecandidate = (e) => void (e.candidate && this.#receiver.addIceCandidate(e.candidate));
    this.#receiver.onicecandidate = (e) => void (e.candidate && this.#sender.addIceCandidate(e.candidate));
    this.remote = new Promise((resolve) => {
      this.#receiver.ontrack = (e) => resolve(e.streams[0] ?? new MediaStream([e.track]));
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

  async stats(): Promise<CallStats> {
    const out: CallStats = { width: 0, height: 0, fps: 0, rttMs: NaN, codec: '' };
    const report = await this.#receiver.getStats();
    const codecs = new Map<string, string>();
    report.forEach((r: RTCStats & Record<string, unknown>) => {
      if (r.type === 'codec') codecs.set(r.id, String(r.mimeType ?? ''));
    });
    report.forEach((r: RTCStats & Record<string, unknown>) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') {
        out.width = Number(r.frameWidth ?? 0);
        out.height = Number(r.frameHeight ?? 0);
        out.fps = Number(r.framesPerSecond ?? 0);
        out.codec = codecs.get(String(r.codecId)) ?? '';
      }
      if (r.type === 'candidate-pair' && r.state === 'succeeded' && typeof r.currentRoundTripTime === 'number') {
        out.rttMs = r.currentRoundTripTime * 1000;
      }
    });
    return out;
  }

  close(): void {
    this.#sender.close();
    this.#receiver.close();
  }
}
