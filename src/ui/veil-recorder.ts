import { LitElement, css, html, nothing } from 'lit';
import { ClipRecorder, extensionFor } from '../app/recorder';

/** Record button, elapsed time and a download link for the anonymized clip. */
export class VeilRecorder extends LitElement {
  static override properties = {
    stream: { attribute: false },
    elapsed: { state: true },
    download: { state: true },
    failure: { state: true },
  };

  /** Supplies the anonymized stream when recording starts. */
  declare stream: (() => MediaStream) | null;
  // Lit's reactive state is internal but public: lit makes an accessor for each name in `properties`, which a
  // #private field cannot have.
  declare elapsed: number;
  declare download: { url: string; name: string; size: number } | null;
  declare failure: string;

  #recorder: ClipRecorder | null = null;
  #timer = 0;

  constructor() {
    super();
    this.stream = null;
    this.elapsed = 0;
    this.download = null;
    this.failure = '';
  }

  static override styles = css`
    :host { display: inline-flex; gap: 0.5rem; align-items: center; }
    button { font: inherit; padding: 0.25rem 0.5rem; }
    .rec { color: #f66; font-variant-numeric: tabular-nums; }
    a { color: #8cf; }
  `;

  #start(): void {
    if (!this.stream) return;
    if (this.download) URL.revokeObjectURL(this.download.url);
    this.download = null;
    try {
      this.#recorder = new ClipRecorder(this.stream());
      this.#recorder.start();
      this.failure = '';
    } catch (e) {
      this.failure = `Recording is not available in this browser: ${(e as Error).message}`;
      return;
    }
    this.#timer = window.setInterval(() => (this.elapsed = this.#recorder?.durationMs ?? 0), 250);
  }

  async #stop(): Promise<void> {
    const recorder = this.#recorder;
    if (!recorder) return;
    this.#recorder = null;
    clearInterval(this.#timer);
    const blob = await recorder.stop();
    this.elapsed = recorder.durationMs;
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
    this.download = {
      url: URL.createObjectURL(blob),
      name: `veil-${stamp}.${extensionFor(blob.type)}`,
      size: blob.size,
    };
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    void this.#stop();
    if (this.download) URL.revokeObjectURL(this.download.url);
  }

  override render() {
    const secs = (this.elapsed / 1000).toFixed(1);
    return html`
      ${
        this.#recorder
          ? html`<button data-control="record-stop" @click=${this.#stop}>Stop</button><span class="rec">● ${secs} s</span>`
          : html`<button data-control="record" ?disabled=${!this.stream} @click=${this.#start}>Record</button>`
      }
      ${
        this.download
          ? html`<a data-role="download" href=${this.download.url} download=${this.download.name}>
        Download ${secs} s (${(this.download.size / 1e6).toFixed(1)} MB)</a>`
          : nothing
      }
      ${this.failure ? html`<span role="alert">${this.failure}</span>` : nothing}
    `;
  }
}

customElements.define('veil-recorder', VeilRecorder);

declare global {
  interface HTMLElementTagNameMap {
    'veil-recorder': VeilRecorder;
  }
}
