import { LitElement, css, html } from 'lit';
import type { CallStats } from './call-stats';
import { LoopbackCall } from './loopback-call';
import '../ui/veil-app';

/** A frame rate as shown: one decimal under 10, so that a slow trickle of frames does not read as 0. */
function fps(n: number): string {
  return n < 10 ? n.toFixed(1) : n.toFixed(0);
}

/**
 * "Call preview": the anonymized stream sent through a real WebRTC connection and shown as the other side of a
 * call would see it, with what a caller checks before joining (resolution, frame rate, round trip).
 */
export class VeilCallPreview extends LitElement {
  static override properties = { stats: { state: true }, failure: { state: true } };

  // Lit's reactive state is internal but public: lit makes an accessor for each name in `properties`, which a
  // #private field cannot have.
  declare stats: CallStats | null;
  declare failure: string;
  #call: LoopbackCall | null = null;
  #timer = 0;

  constructor() {
    super();
    this.stats = null;
    this.failure = '';
  }

  static override styles = css`
    :host { display: grid; grid-template-columns: 1fr 1fr; gap: 0.75rem; background: #111; color: #eee; min-height: 100vh;
      font: 14px system-ui, sans-serif; padding: 0.75rem; box-sizing: border-box; }
    h2 { font-size: 1rem; margin: 0 0 0.5rem; }
    video { width: 100%; background: #000; }
    .stats { font: 12px ui-monospace, monospace; color: #aaa; }
    section { display: flex; flex-direction: column; height: calc(100vh - 1.5rem); min-width: 0; }
    veil-app { flex: 1; min-height: 0; padding: 0; }
  `;

  override async firstUpdated(): Promise<void> {
    const app = this.renderRoot.querySelector('veil-app')!;
    await app.updateComplete;
    try {
      this.#call = new LoopbackCall(app.captureStream(30));
      await this.#call.connect();
      const video = this.renderRoot.querySelector<HTMLVideoElement>('video[data-role="remote"]')!;
      video.srcObject = await this.#call.remote;
      await video.play();
      void this.#readStats();
    } catch (e) {
      this.failure = `The loopback call could not start: ${(e as Error).message}`;
    }
  }

  /**
   * Once a second, each reading after the previous one has landed, as the frame rate is counted between the two. A
   * reading that fails (the call closed meanwhile) ends them.
   */
  async #readStats(): Promise<void> {
    const call = this.#call;
    const stats = await call?.stats().catch(() => null);
    if (!stats || this.#call !== call) return;
    this.stats = stats;
    this.#timer = window.setTimeout(() => void this.#readStats(), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
    this.#call?.close();
    this.#call = null;
  }

  override render() {
    const s = this.stats;
    const rtt = s && Number.isFinite(s.rttMs) ? `${s.rttMs.toFixed(1)} ms` : '–';
    return html`
      <section><h2>You (anonymized locally)</h2><veil-app></veil-app></section>
      <section>
        <h2>What the other side receives</h2>
        <video data-role="remote" muted playsinline></video>
        <div class="stats" data-role="call-stats">
          ${this.failure || (s ? `${s.width}x${s.height} · ${fps(s.fps)} fps · ${s.frames} frames · round trip ${rtt} · ${s.codec}` : 'connecting…')}
        </div>
      </section>
    `;
  }
}

customElements.define('veil-call-preview', VeilCallPreview);
