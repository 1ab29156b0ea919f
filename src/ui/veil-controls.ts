import { LitElement, css, html } from 'lit';
import type { Effect, MaskShape, ProviderPreference } from '../app/settings';
import { ANONYMIZE_EFFECTS } from '../render/anonymize-plan';

export interface SourceOption {
  /** 'demo' or 'camera:<deviceId>' ('camera:' for the default camera). */
  value: string;
  label: string;
}

export type ControlChange =
  | { name: 'source'; value: string }
  | { name: 'strength' | 'maskScale'; value: number }
  | { name: 'budgetMs'; value: number | null }
  | { name: 'showBoxes' | 'paused'; value: boolean }
  | { name: 'shape'; value: MaskShape }
  | { name: 'effect'; value: Effect }
  | { name: 'provider'; value: ProviderPreference };

/** The control bar: state comes down as properties, every change goes up as one `control-change` event. */
export class VeilControls extends LitElement {
  static override properties = {
    sources: { attribute: false },
    source: {},
    effect: {},
    strength: { type: Number },
    maskScale: { type: Number },
    shape: {},
    budgetMs: {},
    provider: {},
    showBoxes: { type: Boolean },
    paused: { type: Boolean },
    obsUrl: {},
  };

  declare sources: SourceOption[];
  declare source: string;
  declare effect: Effect;
  declare strength: number;
  declare maskScale: number;
  declare shape: MaskShape;
  /** null: auto (by the detector's measured pace). */
  declare budgetMs: number | null;
  declare provider: ProviderPreference;
  declare showBoxes: boolean;
  declare paused: boolean;
  /** The OBS browser-source URL for the current settings. */
  declare obsUrl: string;

  constructor() {
    super();
    this.sources = [];
    this.source = '';
    this.effect = 'gaussian';
    this.strength = 0.5;
    this.maskScale = 1.3;
    this.shape = 'ellipse';
    this.budgetMs = null;
    this.provider = 'auto';
    this.showBoxes = false;
    this.paused = false;
    this.obsUrl = '';
  }

  static override styles = css`
    :host { display: flex; flex-wrap: wrap; gap: 0.75rem 1.25rem; align-items: center; font: 14px system-ui, sans-serif; }
    label { display: inline-flex; gap: 0.4rem; align-items: center; }
    select, button, input { font: inherit; padding: 0.2rem 0.4rem; }
    input[type='range'] { width: 8rem; }
    input[type='number'] { width: 5rem; }
    details { width: 100%; }
    details > div { display: flex; flex-wrap: wrap; gap: 0.75rem 1.25rem; align-items: center; padding-top: 0.5rem; }
    a { color: #8cf; }
  `;

  #emit(change: ControlChange): void {
    this.dispatchEvent(
      new CustomEvent<ControlChange>('control-change', { detail: change, bubbles: true, composed: true }),
    );
  }

  #value(e: Event): string {
    return (e.target as HTMLInputElement | HTMLSelectElement).value;
  }

  #number(e: Event): number {
    return (e.target as HTMLInputElement).valueAsNumber;
  }

  /** An emptied number input: null (auto). */
  #optionalNumber(e: Event): number | null {
    const v = this.#number(e);
    return Number.isFinite(v) ? v : null;
  }

  override render() {
    return html`
      <label>Source
        <select data-control="source" @change=${(e: Event) => this.#emit({ name: 'source', value: this.#value(e) })}>
          ${this.sources.map((s) => html`<option value=${s.value} ?selected=${s.value === this.source}>${s.label}</option>`)}
        </select>
      </label>
      <label>Effect
        <select data-control="effect" @change=${(e: Event) => this.#emit({ name: 'effect', value: this.#value(e) as Effect })}>
          ${ANONYMIZE_EFFECTS.map((v) => html`<option value=${v} ?selected=${v === this.effect}>${v}</option>`)}
        </select>
      </label>
      <label>Strength
        <input data-control="strength" type="range" min="0" max="1" step="0.05" .valueAsNumber=${this.strength}
          @input=${(e: Event) => this.#emit({ name: 'strength', value: this.#number(e) })}>
      </label>
      <label>
        <input data-control="boxes" type="checkbox" .checked=${this.showBoxes}
          @change=${(e: Event) => this.#emit({ name: 'showBoxes', value: (e.target as HTMLInputElement).checked })}>
        Show boxes
      </label>
      <button data-control="pause" @click=${() => this.#emit({ name: 'paused', value: !this.paused })}>
        ${this.paused ? 'Resume' : 'Pause'}
      </button>
      <slot name="end"></slot>
      <details>
        <summary>More settings</summary>
        <div>
          <label>Mask
            <select data-control="mask" @change=${(e: Event) => this.#emit({ name: 'shape', value: this.#value(e) as MaskShape })}>
              ${(['ellipse', 'box'] as const).map((v) => html`<option value=${v} ?selected=${v === this.shape}>${v}</option>`)}
            </select>
          </label>
          <label>Mask scale
            <input data-control="scale" type="range" min="1" max="3" step="0.05" .valueAsNumber=${this.maskScale}
              @input=${(e: Event) => this.#emit({ name: 'maskScale', value: this.#number(e) })}>
          </label>
          <label title="Detections older than this are not trusted: the whole frame is blurred. Empty: auto, by how long detections take here">Detector budget (ms)
            <input data-control="budget" type="number" min="50" max="5000" step="50" placeholder="auto"
              .value=${this.budgetMs === null ? '' : String(this.budgetMs)}
              @change=${(e: Event) => this.#emit({ name: 'budgetMs', value: this.#optionalNumber(e) })}>
          </label>
          <label title="Applies after a reload">Detector provider
            <select data-control="ep" @change=${(e: Event) => this.#emit({ name: 'provider', value: this.#value(e) as ProviderPreference })}>
              ${(['auto', 'webgpu', 'wasm'] as const).map((v) => html`<option value=${v} ?selected=${v === this.provider}>${v}</option>`)}
            </select>
          </label>
          <a data-role="obs-url" href=${this.obsUrl} target="_blank" rel="noopener">OBS browser-source URL</a>
        </div>
      </details>
    `;
  }
}

customElements.define('veil-controls', VeilControls);

declare global {
  interface HTMLElementTagNameMap {
    'veil-controls': VeilControls;
  }
}
