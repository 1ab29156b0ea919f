/// <reference types="chrome" />
import { LitElement, css, html, nothing } from 'lit';
import type { Effect } from '../app/settings';
import { ANONYMIZE_EFFECTS } from '../render/anonymize-plan';
import { BUDGETS, DEFAULT_LOOK, type ExtensionLook, type SiteStatus, type StoredSettings, statusKey } from './protocol';

/** The popup's budget choice: auto (null) or milliseconds. */
function budgetFrom(value: string): number | null {
  return value === 'auto' ? null : Number(value);
}

/** The site the popup is about: the active tab's origin, or `?site=` (an options page or a test names one). */
async function currentSite(): Promise<string | null> {
  const named = new URLSearchParams(location.search).get('site');
  if (named) return new URL(named).origin;
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  const url = tab?.url ? new URL(tab.url) : null;
  return url && (url.protocol === 'https:' || url.protocol === 'http:') ? url.origin : null;
}

function describeStatus(s: SiteStatus | undefined, on: boolean): string {
  if (!on) return 'Off: this site gets the camera as it is.';
  if (!s) return 'On: waiting for the site to open the camera.';
  switch (s.state) {
    case 'running':
      return `Running: ${s.faces} face${s.faces === 1 ? '' : 's'} blurred, ${s.fps} fps.`;
    default:
      return s.detail;
  }
}

/** The toolbar popup: on or off for this site, the effect and strength, and what Veil is doing here. */
class VeilPopup extends LitElement {
  static override properties = {
    site: { state: true },
    on: { state: true },
    look: { state: true },
    status: { state: true },
  };
  declare site: string | null | undefined;
  declare on: boolean;
  declare look: ExtensionLook;
  declare status: SiteStatus | undefined;

  static override styles = css`
    :host { display: block; width: 300px; padding: 0.75rem; color: #eee; background: #111; font: 14px system-ui, sans-serif; }
    h1 { font-size: 1rem; margin: 0 0 0.5rem; }
    label { display: flex; gap: 0.5rem; align-items: center; margin: 0.4rem 0; }
    strong { overflow-wrap: anywhere; }
    .status { color: #aaa; font-size: 12px; margin-top: 0.6rem; }
    .status[data-state='blurred-whole'], .status[data-state='error'] { color: #fc6; }
  `;

  constructor() {
    super();
    this.site = undefined;
    this.on = false;
    this.look = DEFAULT_LOOK;
    this.status = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
    chrome.storage.onChanged.addListener(() => void this.#load());
  }

  async #load(): Promise<void> {
    this.site ??= await currentSite();
    if (!this.site) return;
    const key = statusKey(this.site);
    const stored = (await chrome.storage.local.get(['sites', 'look', key])) as StoredSettings & Record<string, unknown>;
    this.on = stored.sites?.[this.site] === true;
    this.look = { ...DEFAULT_LOOK, ...stored.look };
    this.status = stored[key] as SiteStatus | undefined;
  }

  async #setOn(on: boolean): Promise<void> {
    const site = this.site;
    if (!site) return;
    const { sites = {} } = (await chrome.storage.local.get('sites')) as StoredSettings;
    await chrome.storage.local.set({ sites: { ...sites, [site]: on } });
    await chrome.storage.local.remove(statusKey(site));
  }

  #setLook(change: Partial<ExtensionLook>): void {
    void chrome.storage.local.set({ look: { ...this.look, ...change } });
  }

  override render() {
    if (this.site === undefined) return nothing;
    if (this.site === null) return html`<h1>Veil</h1><p>Veil works on web pages (http and https).</p>`;
    return html`
      <h1>Veil: blur faces in web calls</h1>
      <label><input type="checkbox" data-control="on" .checked=${this.on}
        @change=${(e: Event) => this.#setOn((e.target as HTMLInputElement).checked)} />
        <span>Blur faces in my camera on <strong title=${this.site}>${new URL(this.site).host}</strong></span></label>
      <label>Effect <select data-control="effect" @change=${(e: Event) => this.#setLook({ effect: (e.target as HTMLSelectElement).value as Effect })}>
        ${ANONYMIZE_EFFECTS.map((v) => html`<option value=${v} ?selected=${v === this.look.effect}>${v}</option>`)}
      </select></label>
      <label title="Detections older than this are not trusted: the whole frame is blurred. A slow machine needs more.">Detector budget
        <select data-control="budget" @change=${(e: Event) => this.#setLook({ budgetMs: budgetFrom((e.target as HTMLSelectElement).value) })}>
        <option value="auto" ?selected=${this.look.budgetMs === null}>auto (by the detector's pace)</option>
        ${BUDGETS.map((v) => html`<option value=${v} ?selected=${v === this.look.budgetMs}>${v} ms</option>`)}
      </select></label>
      <label>Strength <input type="range" data-control="strength" min="0" max="1" step="0.05" .value=${String(this.look.strength)}
        @change=${(e: Event) => this.#setLook({ strength: Number((e.target as HTMLInputElement).value) })} /></label>
      <p class="status" role="status" data-role="status" data-state=${this.on ? (this.status?.state ?? 'waiting') : 'off'}>
        ${describeStatus(this.status, this.on)}</p>
      <p class="status">On or off applies the next time the site opens the camera: restart the call, or reload the page.</p>
    `;
  }
}

customElements.define('veil-popup', VeilPopup);
