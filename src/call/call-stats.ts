/** What the call preview shows of the remote side, all from the receiving peer's own statistics. */
export interface CallStats {
  width: number;
  height: number;
  /** Frames decoded per second between the last two readings. */
  fps: number;
  /** Frames the receiving side has decoded since the call started. */
  frames: number;
  /** Round trip of the connection's active candidate pair, ms; NaN until measured. */
  rttMs: number;
  codec: string;
}

type Entry = Readonly<Record<string, unknown>>;

function entries(report: ReadonlyMap<string, unknown>): Entry[] {
  return [...report.values()].filter((v): v is Entry => typeof v === 'object' && v !== null);
}

function num(e: Entry | undefined, key: string): number | undefined {
  const v = e?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * Reads a receiving RTCPeerConnection's getStats() reports, one reading at a time. The frame rate is measured here,
 * from the inbound-rtp's framesDecoded between two readings: its framesPerSecond is the browser's optional estimate
 * over a window of its own, which read 0 while frames were arriving, and it stands in only until there is a
 * previous reading to count from.
 */
export class CallStatsReader {
  #last: { ms: number; frames: number } | undefined;

  /** `trackId`: the received track's id, which its inbound-rtp names (any video inbound-rtp when none does). */
  read(report: ReadonlyMap<string, unknown>, trackId: string): CallStats {
    const all = entries(report);
    const videos = all.filter((e) => e.type === 'inbound-rtp' && e.kind === 'video');
    const inbound = videos.find((e) => e.trackIdentifier === trackId) ?? videos[0];
    const codec = all.find((e) => e.type === 'codec' && e.id === inbound?.codecId);
    const pair = all.find(
      (e) => e.type === 'candidate-pair' && e.state === 'succeeded' && num(e, 'currentRoundTripTime') !== undefined,
    );
    const frames = num(inbound, 'framesDecoded') ?? 0;
    const ms = num(inbound, 'timestamp');
    const last = this.#last;
    const fps =
      last && ms !== undefined && ms > last.ms && frames >= last.frames
        ? ((frames - last.frames) * 1000) / (ms - last.ms)
        : (num(inbound, 'framesPerSecond') ?? 0);
    this.#last = ms === undefined ? undefined : { ms, frames };
    return {
      width: num(inbound, 'frameWidth') ?? 0,
      height: num(inbound, 'frameHeight') ?? 0,
      fps,
      frames,
      rttMs: (num(pair, 'currentRoundTripTime') ?? NaN) * 1000,
      codec: typeof codec?.mimeType === 'string' ? codec.mimeType : '',
    };
  }
}
