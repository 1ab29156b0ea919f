import { LitElement, css, html } from 'lit';

export interface SourceOption {
  /** 'demo' or 'camera:<deviceId>' ('camera:' for the default camera). */
  value: string;
  label: string;
}

export type ControlChange =
  | { name: 'source'; value: string }
  | { name: 'strength'; value: number }
  | { name: 'showBoxes'; value: boolean }
  | { name: 'paused'; value: boolean };

/** The control bar: state comes down as properties, every change goes up as one `control-change` event. */
export class VeilControls extends LitElement {
  static override properties = {
    sources: { attribute: false },
    source: {},
    strength: { type: Number },
    showBoxes: { type: Boolean },
    paused: { type: Boolean },
  };

  declare sources: SourceOption[];
  declare source: string;
  declare strength: number;
  declare showBoxes: boolean;
  declare paused: boolean;

  constructor() {
    super();
    this.sources = [];
    this.source = '';
    this.strength = 0.5;
    this.showBoxes = false;
    this.paused = false;
  }

  static override styles = css`
    :host { display: flex; flex-wrap: wrap; gap: 0.75rem 1.25rem; align-items: center; font: 14px system-ui, sans-serif; }
    label { display: inline-flex; gap: 0.4rem; align-items: center; }
    select, button { font: inherit; padding: 0.25rem 0.5rem; }
    input[type='range'] { width: 9rem; }
  `;

  private emit(change: ControlChange): void {
    this.dispatchEvent(new CustomEvent<ControlChange>('control-change', { detail: change, bubbles: true, composed: true }));
  }

  override render() {
    return html`
      <label>Source
        <select data-control="source" @change=${(e: Event) => this.emit({ name: 'source', value: (e.target as HTMLSelectElement).value })}>
          ${this.sources.map((s) => html`<option value=${s.value} ?selected=${s.value === this.source}>${s.label}</option>`)}
        </select>
      </label>
      <label>Blur strength
        <input data-control="strength" type="range" min="0" max="1" step="0.05" .valueAsNumber=${this.strength}
          @input=${(e: Event) => this.emit({ name: 'strength', value: (e.target as HTMLInputElement).valueAsNumber })}>
      </label>
      <label>
        <input data-control="boxes" type="checkbox" .checked=${this.showBoxes}
          @change=${(e: Event) => this.emit({ name: 'showBoxes', value: (e.target as HTMLInputElement).checked })}>
        Show boxes
      </label>
      <button data-control="pause" @click=${() => this.emit({ name: 'paused', value: !this.paused })}>
        ${this.paused ? 'Resume' : 'Pause'}
      </button>
      <slot name="end"></slot>
    `;
  }
}

customElements.define('veil-controls', VeilControls);

declare global {
  interface HTMLElementTagNameMap {
    'veil-controls': VeilControls;
  }
}
