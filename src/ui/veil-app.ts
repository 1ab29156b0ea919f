import { LitElement, css, html, nothing } from 'lit';
import { LivePipeline, type LiveSettings, type LiveStats, type LiveStatus } from '../app/live-pipeline';
import {
  DEFAULT_SETTINGS,
  loadStoredSettings,
  settingsFromUrl,
  settingsToUrl,
  storeSettings,
  type Settings,
} from '../app/settings';
import { trustBudget } from '../app/trust-budget';
import { toAppError } from '../app/errors';
import { VideoElementFeed } from '../source/frame-feed';
import { cameraMayBeBack, listCameras, openSource, type OpenSource, type SourceChoice } from '../source/video-source';
import { describeError, describeFailClosed } from './messages';
import type { ControlChange, SourceOption } from './veil-controls';
import './veil-controls';
import './veil-recorder';

const DEMO = 'demo';

/** What the status line's face count counts (Track.confirmed), for its tooltip. */
const FACE_COUNT_TITLE =
  'Faces the detector has found again where the tracker expected them. Every box it finds is blurred from the ' +
  'first frame, counted here or not: a one-off box is left out, a face it misses for a moment stays in.';

function choiceFromValue(value: string): SourceChoice {
  return value === DEMO ? { kind: 'demo' } : { kind: 'camera', deviceId: value.slice('camera:'.length) || undefined };
}

const INITIAL_STATUS: LiveStatus = {
  state: 'starting',
  adapter: '',
  backend: '',
  backendWhy: '',
  frameImport: '',
  provider: 'loading',
  fps: 0,
  frames: 0,
  detectorMs: NaN,
  budgetMs: trustBudget(DEFAULT_SETTINGS.budgetMs, NaN),
  faces: 0,
  shown: [],
  boxes: [],
  detected: [],
  detections: 0,
  unseen: [],
  failClosed: 'detector-starting',
  error: null,
};

/** The app's root: owns the live pipeline and the source, and shows only the anonymized canvas. */
export class VeilApp extends LitElement {
  static override properties = {
    status: { state: true },
    sources: { state: true },
    source: { state: true },
    notices: { state: true },
    sourceError: { state: true },
  };

  // Lit's reactive state is internal but public: lit makes an accessor for each name in `properties`, which a
  // #private field cannot have.
  declare status: LiveStatus;
  declare sources: SourceOption[];
  declare source: string;
  declare notices: string[];
  declare sourceError: ReturnType<typeof toAppError> | null;

  readonly #settings: Settings & LiveSettings;
  readonly #video = document.createElement('video');
  #pipeline: LivePipeline | null = null;
  #open: OpenSource | null = null;
  #openSeq = 0;

  constructor() {
    super();
    // An embedding page may pass its own query string in the `params` attribute; otherwise the page URL's is used.
    const parsed = settingsFromUrl(this.getAttribute('params') ?? location.search);
    this.#settings = { ...DEFAULT_SETTINGS, ...loadStoredSettings(), ...parsed.settings, paused: false };
    this.notices = parsed.notices;
    this.status = INITIAL_STATUS;
    this.sources = [{ value: DEMO, label: 'Demo clip' }];
    this.source = '';
    this.sourceError = null;
    // The raw video is never shown: it only feeds the GPU. It stays in the DOM so frame callbacks keep firing.
    this.#video.setAttribute('aria-hidden', 'true');
    this.#video.className = 'raw-source';
  }

  static override styles = css`
    :host([obs]) { padding: 0; background: transparent; min-height: 0; }
    :host([obs]) .stage { position: fixed; inset: 0; background: transparent; }
    :host([obs]) canvas { width: 100vw; height: 100vh; object-fit: cover; }
    :host([obs][transparent]) canvas { object-fit: contain; }
    :host { display: flex; flex-direction: column; gap: 0.5rem; min-height: 100vh; box-sizing: border-box; padding: 0.75rem;
      background: #111; color: #eee; font: 14px system-ui, sans-serif; }
    .stage { position: relative; flex: 1; display: flex; align-items: center; justify-content: center; min-height: 240px; background: #000; }
    canvas { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: contain; }
    .raw-source { position: absolute; width: 1px; height: 1px; opacity: 0; pointer-events: none; }
    .banner { position: absolute; top: 0.5rem; left: 50%; transform: translateX(-50%); padding: 0.3rem 0.7rem; border-radius: 4px;
      background: rgba(180, 110, 0, 0.9); color: #fff; }
    .error { border-left: 4px solid #e55; background: #2a1515; padding: 0.5rem 0.75rem; }
    .error p { margin: 0.2rem 0; }
    .notice { color: #fc6; }
    .status { color: #aaa; font: 12px ui-monospace, monospace; }
    button.link { background: none; border: 1px solid #888; color: inherit; cursor: pointer; }
    a.link { color: #9cf; align-self: center; }
    .shown-face { position: absolute; box-sizing: border-box; border: 2px dashed #ffb000; border-radius: 50%; pointer-events: none; }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    this.#reflectState('starting');
    // OBS mode fills the source with the picture, cropped where the source's shape differs from the camera's: a
    // letterbox's bands are clear only where the host composites the page with alpha, and elsewhere show the host's
    // backdrop (a browser's white). Patches alone (transparent=1) overlay a camera source fitted into the same box,
    // so they are letterboxed as that source is, and their bands are as clear as the rest of their picture.
    this.toggleAttribute('obs', this.#settings.obs);
    this.toggleAttribute('transparent', this.#settings.obs && this.#settings.transparent);
    if (this.#settings.obs) document.documentElement.classList.add('veil-obs');
  }

  /**
   * The anonymized output as a MediaStream (a virtual camera for WebRTC, MediaRecorder, ...). It carries only what
   * the canvas shows, which is never a raw frame: blank until the first anonymized frame is drawn.
   */
  captureStream(fps = 30): MediaStream {
    return this.#outputCanvas().captureStream(fps);
  }

  #outputCanvas(): HTMLCanvasElement {
    return this.renderRoot.querySelector<HTMLCanvasElement>('canvas[data-role="output"]')!;
  }

  override firstUpdated(): void {
    this.renderRoot.querySelector('.stage')!.append(this.#video);
    this.#pipeline = new LivePipeline(this.#outputCanvas(), new VideoElementFeed(this.#video), this.#settings, (s) =>
      this.#onStatus(s),
    );
    window.veil = {
      status: () => this.status,
      loseDevice: () => this.#pipeline?.testHooks.loseDevice(),
      injectDetectorFaults: (count: number) => this.#pipeline?.testHooks.injectDetectorFaults(count),
      slowDetections: (ms: number) => this.#pipeline?.testHooks.slowDetections(ms),
      takeStats: () => this.#pipeline?.takeStats() ?? null,
      captureStream: (fps?: number) => this.captureStream(fps),
    };
    void this.#pipeline.start();
    void this.#startSource();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#open?.stop();
    this.#pipeline?.stop();
  }

  #onStatus(s: LiveStatus): void {
    this.status = s;
    this.#reflectState(s.state);
  }

  /** data-veil-state on the app and the document root: the contract outside checks read. */
  #reflectState(state: LiveStatus['state']): void {
    this.dataset.veilState = state;
    document.documentElement.dataset.veilState = state;
  }

  /** `?source=` wins; otherwise the camera, and the demo clip when there is none. */
  async #startSource(): Promise<void> {
    const wanted = this.#settings.source;
    if (wanted === 'demo') {
      await this.#switchSource(DEMO);
      return;
    }
    const ok = await this.#switchSource('camera:');
    if (!ok && wanted === null) {
      this.notices = [
        ...this.notices,
        'No usable camera, so the demo clip is playing. Pick a camera in the source list when one is connected.',
      ];
      await this.#switchSource(DEMO);
    }
  }

  async #switchSource(value: string): Promise<boolean> {
    const seq = ++this.#openSeq;
    this.#open?.stop();
    this.#open = null;
    this.#pipeline?.resetTracking();
    this.source = value;
    try {
      const opened = await openSource(choiceFromValue(value), this.#video);
      if (seq !== this.#openSeq) {
        opened.stop();
        return false;
      }
      this.#open = opened;
      this.sourceError = null;
      void opened.ended.then((e) => this.#onCameraLost(seq, value, e));
      if (value !== DEMO) await this.#refreshCameras();
      return true;
    } catch (e) {
      if (seq !== this.#openSeq) return false;
      this.sourceError = toAppError(e);
      if (value !== DEMO) void this.#reopenWhenCameraBack(seq, value);
      return false;
    }
  }

  async #onCameraLost(seq: number, value: string, e: Error): Promise<void> {
    if (seq !== this.#openSeq) return;
    this.sourceError = toAppError(e);
    await this.#reopenWhenCameraBack(seq, value);
  }

  /** A camera that failed or went away is taken up again when it may be back, unless the user has moved on. */
  async #reopenWhenCameraBack(seq: number, value: string): Promise<void> {
    await cameraMayBeBack();
    if (seq === this.#openSeq) await this.#switchSource(value);
  }

  async #refreshCameras(): Promise<void> {
    const cams = await listCameras();
    this.sources = [
      ...cams.map((c, i) => ({ value: `camera:${c.deviceId}`, label: c.label || `Camera ${i + 1}` })),
      { value: DEMO, label: 'Demo clip' },
    ];
    if (this.source === 'camera:' && cams[0]) this.source = `camera:${cams[0].deviceId}`;
  }

  #onControl(e: CustomEvent<ControlChange>): void {
    const c = e.detail;
    if (c.name === 'source') {
      void this.#switchSource(c.value);
      return;
    }
    Object.assign(this.#settings, { [c.name]: c.value });
    storeSettings(this.#settings);
    // The provider is chosen when the detector starts: a reload with the new parameter applies it.
    if (c.name === 'provider') location.search = settingsToUrl({ ...this.#settings, source: this.#settings.source });
    this.requestUpdate();
  }

  #renderProblem() {
    // The pipeline unable to run at all (no WebGPU, no model) comes first: no camera would change that.
    const fatal = this.status.state === 'error' ? this.status.error : undefined;
    const problem = fatal ?? this.sourceError ?? this.status.error;
    if (!problem) return nothing;
    const m = describeError(problem);
    return html`<div class="error" role="alert" data-error=${problem.kind}>
      <p><strong>${m.title}</strong></p><p>${m.action}</p>
      ${
        this.sourceError && this.source !== DEMO
          ? html`<p>
        <button class="link" @click=${() => this.#switchSource(this.source)}>Try the camera again</button>
        <button class="link" @click=${() => this.#switchSource(DEMO)}>Play the demo clip</button></p>`
          : nothing
      }
    </div>`;
  }

  /** OBS browser source: the output alone, filling the source; only a problem is ever written over it. */
  #renderObs() {
    return html`${this.#renderProblem()}<div class="stage"><canvas data-role="output" aria-label="Anonymized video"></canvas></div>`;
  }

  /** Where the frame's pixels lie in the canvas element, which letterboxes them (object-fit: contain). */
  #frameLayout(canvas: HTMLCanvasElement): { scale: number; padX: number; padY: number } | null {
    if (!canvas.width || !canvas.height) return null;
    const scale = Math.min(canvas.clientWidth / canvas.width, canvas.clientHeight / canvas.height);
    return {
      scale,
      padX: (canvas.clientWidth - canvas.width * scale) / 2,
      padY: (canvas.clientHeight - canvas.height * scale) / 2,
    };
  }

  /** A click on a face leaves that person unblurred (and a second click blurs them again). */
  #onCanvasClick(e: MouseEvent): void {
    const layout = this.#frameLayout(e.currentTarget as HTMLCanvasElement);
    if (layout)
      this.#pipeline?.toggleFaceAt((e.offsetX - layout.padX) / layout.scale, (e.offsetY - layout.padY) / layout.scale);
  }

  /** Dashed rings over the preview (not in the output) around the faces left unblurred. */
  #renderShownFaces() {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas[data-role="output"]');
    const layout = canvas && this.#frameLayout(canvas);
    if (!canvas || !layout) return nothing;
    const k = layout.scale * this.#settings.maskScale;
    return this.status.shown.map(
      (b) =>
        html`<div class="shown-face" data-role="shown-face" style=${
          `left:${canvas.offsetLeft + layout.padX + (b.x + b.w / 2) * layout.scale - (b.w * k) / 2}px;` +
          `top:${canvas.offsetTop + layout.padY + (b.y + b.h / 2) * layout.scale - (b.h * k) / 2}px;width:${b.w * k}px;height:${b.h * k}px`
        }></div>`,
    );
  }

  override render() {
    if (this.#settings.obs) return this.#renderObs();
    const s = this.status;
    const ms = Number.isFinite(s.detectorMs) ? `${s.detectorMs.toFixed(1)} ms` : '–';
    return html`
      <veil-controls .sources=${this.sources} .source=${this.source} .effect=${this.#settings.effect} .strength=${this.#settings.strength}
        .maskScale=${this.#settings.maskScale} .shape=${this.#settings.shape} .budgetMs=${this.#settings.budgetMs}
        .provider=${this.#settings.provider} .showBoxes=${this.#settings.showBoxes} .paused=${this.#settings.paused}
        .obsUrl=${settingsToUrl({ ...this.#settings, obs: true, source: this.source === DEMO ? 'demo' : 'camera' })}
        @control-change=${this.#onControl}>
        <veil-recorder slot="end" .stream=${() => this.captureStream(30)}></veil-recorder>
        <a slot="end" class="link" href="export.html" data-role="export-link">Anonymize a file…</a>
      </veil-controls>
      ${this.#renderProblem()}
      ${this.notices.map((n) => html`<div class="notice" role="status">${n}</div>`)}
      <div class="stage">
        <canvas data-role="output" aria-label="Anonymized video" title="Click a face to leave it unblurred; click it again to blur it"
          @click=${this.#onCanvasClick}></canvas>
        ${this.#renderShownFaces()}
        ${s.failClosed && s.state !== 'error' ? html`<div class="banner" role="status" data-fail-closed=${s.failClosed}>${describeFailClosed(s.failClosed, s.budgetMs, s.detectorMs)}</div>` : nothing}
      </div>
      <div class="status" data-role="status">
        GPU: ${s.adapter || '…'}${s.frameImport === 'cpu' ? ' (frames converted on the CPU)' : ''}${s.backend === 'webgl' ? ` (WebGL2: ${s.backendWhy})` : ''} · detector: ${s.provider} ${ms} · ${s.fps} fps · <span data-role="face-count" title=${FACE_COUNT_TITLE}>${s.faces} face${s.faces === 1 ? '' : 's'}</span>${s.unseen.length > 0 ? ' · panning: new border blurred' : ''}${this.#settings.paused ? ' · paused' : ''}
        ${
          s.shown.length
            ? html`· <span data-role="shown-count">${s.shown.length} left unblurred</span>
          <button class="link" data-control="blur-all" @click=${() => this.#pipeline?.clearExclusions()}>Blur everyone</button>`
            : nothing
        }
      </div>
    `;
  }
}

customElements.define('veil-app', VeilApp);

declare global {
  interface HTMLElementTagNameMap {
    'veil-app': VeilApp;
  }
  interface Window {
    /** A small handle for tests and debugging in the console. */
    veil?: {
      status(): LiveStatus;
      loseDevice(): void;
      injectDetectorFaults(count: number): void;
      slowDetections(ms: number): void;
      takeStats(): LiveStats | null;
      captureStream(fps?: number): MediaStream;
    };
  }
}
