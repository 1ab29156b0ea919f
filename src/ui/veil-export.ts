import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { ConversionCanceledError } from 'mediabunny';
import { DEFAULT_SETTINGS, loadStoredSettings, settingsFromUrl, type Effect, type Settings } from '../app/settings';
import type { Point } from '../core/types';
import { NO_EDITS, regionFromDrag, toggleTrack, trackAt, tracksOf, type Edits } from '../export/edits';
import { openEngine, type OpenedEngine } from '../export/engine';
import { requireBackend } from '../app/backend-choice';
import {
  closeMedia,
  exportMedia,
  facesOn,
  frameCount,
  frameSize,
  openMedia,
  renderPreview,
  type Look,
  type OpenedMedia,
} from '../export/media';
import { describeProblem, toProblem, type Problem } from '../export/problems';
import { ANONYMIZE_EFFECTS, DEFAULT_SOLID_COLOR } from '../render/anonymize-pass';
import { formatDuration, rateOf } from '../offline/time-left';
import { describeBlurred } from '../render/mask-area';

/** idle: waiting for a file; working: checking, finding faces or exporting (with progress); preview: choose, export. */
type Phase = 'idle' | 'working' | 'preview' | 'done' | 'error';

interface Progress {
  label: string;
  done: number;
  total: number;
  startMs: number;
}

/**
 * Anonymizes a video or photo file: pick or drop it, watch faces being found, scrub the preview (click a face to
 * show or blur it for the whole clip, drag a box to blur a region always), export, download. Nothing leaves the
 * page; the only picture ever shown comes out of AnonymizePass.
 */
export class VeilExport extends LitElement {
  static override properties = {
    phase: { state: true },
    problem: { state: true },
    notice: { state: true },
    progress: { state: true },
    output: { state: true },
    frame: { state: true },
    edits: { state: true },
    look: { state: true },
    download: { state: true },
    drag: { state: true },
    status: { state: true },
  };

  // Lit's reactive state is internal but public: lit makes an accessor for each name in `properties`, which a
  // #private field cannot have.
  declare phase: Phase;
  declare problem: Problem | null;
  declare notice: string;
  declare progress: Progress | null;
  /** The output's format in words. */
  declare output: string;
  declare frame: number;
  declare edits: Edits;
  declare look: Look;
  /** The export, and how much of its picture it blurred, in words. */
  declare download: { url: string; name: string; size: number; blurred: string } | null;
  /** A region being drawn, in frame pixels. */
  declare drag: { from: Point; to: Point } | null;
  declare status: string;

  #engine: Promise<OpenedEngine> | null = null;
  /** How decoded frames reach the GPU and which detector finds the faces (`?import=`, `?model=`, ... as in live mode). */
  #engineChoices: Pick<Settings, 'frameImport' | 'model' | 'tiles' | 'threshold' | 'backend'>;
  #media: OpenedMedia | null = null;
  #abort: AbortController | null = null;
  /** The engine does one frame at a time: preview renders queue behind each other. */
  #gpuQueue: Promise<unknown> = Promise.resolve();
  /** Newest preview request; older ones still queued are skipped. */
  #previewTicket = 0;

  constructor() {
    super();
    this.phase = 'idle';
    this.problem = null;
    this.notice = '';
    this.progress = null;
    this.output = '';
    this.frame = 0;
    this.edits = NO_EDITS;
    const s = { ...DEFAULT_SETTINGS, ...loadStoredSettings(), ...settingsFromUrl(location.search).settings };
    this.look = {
      effect: s.effect,
      strength: s.strength,
      scale: s.maskScale,
      shape: s.shape,
      color: DEFAULT_SOLID_COLOR,
      outlines: false,
    };
    this.#engineChoices = s;
    this.download = null;
    this.drag = null;
    this.status = '';
    // Without WebGPU and WebGL2 no file can be anonymized here: the page says so on load.
    try {
      requireBackend(s.backend);
    } catch (e) {
      this.problem = toProblem(e);
      this.phase = 'error';
    }
  }

  static override styles = css`
    :host { display: block; max-width: 960px; margin: 0 auto; padding: 1rem; color: #eee; font: 15px/1.4 system-ui, sans-serif; }
    .drop { border: 2px dashed #666; border-radius: 8px; padding: 2rem; text-align: center; }
    .drop.over { border-color: #8cf; }
    /* Small frames are shown larger, to be clicked on, and tall ones no taller than most of the window; the band is
       placed in % of the stage, which is the canvas. */
    .stage { position: relative; width: min(100%, 720px, 65vh * var(--aspect)); cursor: crosshair; touch-action: none; }
    canvas { display: block; width: 100%; height: auto; background: #000; }
    .band { position: absolute; border: 2px solid #fc4; pointer-events: none; }
    .row { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin: 0.5rem 0; }
    input[type=range] { flex: 1; min-width: 12rem; }
    button, select { font: inherit; padding: 0.25rem 0.5rem; }
    progress { width: 100%; }
    [role=alert] { border-left: 4px solid #f66; padding: 0.5rem 1rem; background: #2a1616; }
    .muted { color: #aaa; }
    a { color: #8cf; }
  `;

  #openEngine(): Promise<OpenedEngine> {
    if (!this.#engine) {
      const { frameImport, model, tiles, threshold, backend } = this.#engineChoices;
      const opening = openEngine(frameImport, model, { tiles, threshold }, backend).then((e) => {
        this.status = `GPU: ${e.engine.adapter}${e.engine.importPath === 'cpu' ? ' (frames converted on the CPU)' : ''} · detector: ${model} on ${e.provider}`;
        return e;
      });
      // A failed start (no WebGPU, say) is tried again with the next file.
      opening.catch(() => {
        if (this.#engine === opening) this.#engine = null;
      });
      this.#engine = opening;
    }
    return this.#engine;
  }

  #onGpu<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#gpuQueue.then(work, work);
    this.#gpuQueue = run.catch(() => undefined);
    return run;
  }

  #reset(): void {
    this.#abort?.abort();
    if (this.#media) closeMedia(this.#media);
    this.#media = null;
    this.#dropDownload();
    Object.assign(this, {
      problem: null,
      notice: '',
      progress: null,
      output: '',
      frame: 0,
      edits: NO_EDITS,
      drag: null,
    });
  }

  #track(label: string, total: number): (done: number, total: number) => void {
    this.progress = { label, done: 0, total, startMs: performance.now() };
    return (done, all) => {
      if (this.progress) this.progress = { ...this.progress, done, total: all };
    };
  }

  async #open(file: File): Promise<void> {
    this.#reset();
    const abort = new AbortController();
    this.#abort = abort;
    this.phase = 'working';
    let progress = this.#track(`Checking ${file.name}`, 1);
    try {
      const { engine } = await this.#openEngine();
      const media = await this.#onGpu(() =>
        openMedia(file, engine, {
          checked: ({ frames, output }) => {
            this.output = output;
            progress = this.#track('Finding faces', frames);
          },
          progress: (done, total) => progress(done, total),
          signal: abort.signal,
        }),
      );
      if (abort.signal.aborted) return closeMedia(media);
      this.#media = media;
      this.progress = null;
      this.phase = 'preview';
      void this.#drawPreview();
    } catch (e) {
      this.#fail(e, 'idle', abort);
    }
  }

  /** Cancel goes back to where the user was; a problem is shown with what to do. */
  #fail(e: unknown, onCancel: Phase, abort: AbortController): void {
    if (this.#abort !== abort) return; // a newer file took over (and canceled this one)
    this.progress = null;
    if (abort.signal.aborted || e instanceof ConversionCanceledError) {
      this.phase = onCancel;
      this.notice = 'Canceled. Nothing was written.';
      return;
    }
    this.problem = toProblem(e);
    this.phase = 'error';
  }

  async #drawPreview(): Promise<void> {
    const media = this.#media;
    const engine = this.#engine;
    if (!media || !engine) return;
    const ticket = ++this.#previewTicket;
    const { frame, edits, look } = this;
    const img = await this.#onGpu(async () =>
      ticket === this.#previewTicket ? renderPreview(media, frame, edits, (await engine).engine, look) : null,
    ).catch((e: unknown) => {
      this.problem = toProblem(e);
      this.phase = 'error';
      return null;
    });
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas[data-role="preview"]');
    if (!img || !canvas || ticket !== this.#previewTicket) return;
    canvas.width = img.width;
    canvas.height = img.height;
    canvas
      .getContext('2d')!
      .putImageData(new ImageData(new Uint8ClampedArray(img.data.buffer), img.width, img.height), 0, 0);
    canvas.dataset.frame = String(frame);
  }

  async #export(): Promise<void> {
    const media = this.#media;
    if (!media) return;
    const abort = new AbortController();
    this.#abort = abort;
    this.phase = 'working';
    this.notice = '';
    this.#dropDownload();
    const progress = this.#track('Anonymizing and encoding', frameCount(media));
    try {
      const { engine } = await this.#openEngine();
      const out = await this.#onGpu(() => exportMedia(media, this.edits, engine, this.look, progress, abort.signal));
      this.download = {
        url: URL.createObjectURL(out.blob),
        name: out.filename,
        size: out.blob.size,
        blurred: describeBlurred(out.blurred, frameCount(media)),
      };
      this.progress = null;
      this.phase = 'done';
    } catch (e) {
      this.#fail(e, 'preview', abort);
    }
  }

  #cancel(): void {
    this.#abort?.abort();
  }

  /** Pointer position in frame pixels. */
  #framePoint(ev: PointerEvent): Point {
    const canvas = ev.currentTarget as HTMLElement;
    const r = canvas.getBoundingClientRect();
    const size = this.#media ? frameSize(this.#media) : { width: 1, height: 1 };
    return { x: ((ev.clientX - r.left) / r.width) * size.width, y: ((ev.clientY - r.top) / r.height) * size.height };
  }

  #pointerDown(ev: PointerEvent): void {
    if (!this.#editable()) return;
    (ev.currentTarget as HTMLElement).setPointerCapture(ev.pointerId);
    const p = this.#framePoint(ev);
    this.drag = { from: p, to: p };
  }

  #pointerMove(ev: PointerEvent): void {
    if (this.drag) this.drag = { ...this.drag, to: this.#framePoint(ev) };
  }

  #pointerUp(ev: PointerEvent): void {
    const drag = this.drag;
    const media = this.#media;
    this.drag = null;
    if (!drag || !media) return;
    const to = this.#framePoint(ev);
    const region = regionFromDrag(drag.from, to, frameSize(media));
    if (region) {
      this.edits = { ...this.edits, regions: [...this.edits.regions, region] };
      return;
    }
    const track = trackAt(facesOn(media, this.frame), to, this.look);
    if (track !== null) this.edits = toggleTrack(this.edits, track);
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.dataset.phase = this.phase;
    const edited = changed.has('edits') || changed.has('look');
    if (this.phase === 'done' && edited) {
      // The download no longer matches what the preview shows: a face blurred now may be shown in it.
      this.#dropDownload();
      this.phase = 'preview';
    }
    if (this.#editable() && (edited || changed.has('frame') || changed.has('phase'))) void this.#drawPreview();
  }

  #editable(): boolean {
    return this.phase === 'preview' || this.phase === 'done';
  }

  #dropDownload(): void {
    if (this.download) URL.revokeObjectURL(this.download.url);
    this.download = null;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#reset();
    void this.#engine?.then(
      (e) => e.engine.destroy(),
      () => undefined,
    );
  }

  #picker() {
    const pick = (ev: Event) => {
      const input = ev.target as HTMLInputElement;
      const file = input.files?.[0];
      input.value = '';
      if (file) void this.#open(file);
    };
    const drop = (ev: DragEvent) => {
      ev.preventDefault();
      (ev.currentTarget as HTMLElement).classList.remove('over');
      const file = ev.dataTransfer?.files[0];
      if (file) void this.#open(file);
    };
    const over = (ev: DragEvent) => {
      ev.preventDefault();
      (ev.currentTarget as HTMLElement).classList.add('over');
    };
    return html`<div class="drop" data-role="drop" @dragover=${over} @dragleave=${(ev: DragEvent) => (ev.currentTarget as HTMLElement).classList.remove('over')} @drop=${drop}>
      <p>Drop a video (MP4, MOV, WebM) or photo (JPEG, PNG, WebP) here, or
        <input type="file" data-control="file" accept="video/mp4,video/quicktime,video/webm,image/jpeg,image/png,image/webp" @change=${pick} ?disabled=${this.phase === 'working'} /></p>
      <p class="muted">It is read and anonymized on this device; nothing is uploaded.</p>
    </div>`;
  }

  #progressView() {
    const p = this.progress;
    if (!p) return nothing;
    const { fps, secondsLeft } = rateOf(p.done, p.total, (performance.now() - p.startMs) / 1000);
    return html`<div class="row">
      <span data-role="progress-text">${p.label}: ${p.done} of ${p.total} frames · ${fps.toFixed(1)} fps · ${formatDuration(secondsLeft)} left</span>
      <button data-control="cancel" @click=${this.#cancel}>Cancel</button>
    </div>
    <progress data-role="progress" max=${p.total} value=${p.done}></progress>`;
  }

  #editor() {
    const media = this.#media;
    if (!media || !this.#editable()) return nothing;
    const frames = frameCount(media);
    const tracks =
      media.kind === 'video' ? tracksOf(media.plan.faces) : media.faces.map((f) => ({ track: f.track, firstFrame: 0 }));
    const d = this.drag;
    const size = frameSize(media);
    const band =
      d &&
      html`<div class="band" style="left:${(Math.min(d.from.x, d.to.x) / size.width) * 100}%;top:${(Math.min(d.from.y, d.to.y) / size.height) * 100}%;width:${(Math.abs(d.to.x - d.from.x) / size.width) * 100}%;height:${(Math.abs(d.to.y - d.from.y) / size.height) * 100}%"></div>`;
    return html`
      <p class="muted">Click a face to show it (outlined) or blur it again, for the whole ${media.kind === 'video' ? 'clip' : 'photo'}; drag a box to blur that region always.</p>
      <div class="stage" style="--aspect:${size.width / size.height}">
        <canvas data-role="preview" @pointerdown=${this.#pointerDown} @pointermove=${this.#pointerMove} @pointerup=${this.#pointerUp}></canvas>
        ${band || nothing}
      </div>
      ${
        frames > 1
          ? html`<div class="row">
        <input type="range" data-control="scrub" min="0" max=${frames - 1} .value=${String(this.frame)}
          @input=${(ev: Event) => (this.frame = Number((ev.target as HTMLInputElement).value))} />
        <span data-role="frame">frame ${this.frame + 1} of ${frames}</span>
      </div>`
          : nothing
      }
      <div class="row" data-role="tracks">
        ${tracks.length === 0 ? html`<span class="muted">No faces found.</span>` : nothing}
        ${tracks.map(
          (
            t,
          ) => html`<button data-control="track" data-track=${t.track} aria-pressed=${this.edits.excluded.has(t.track)}
          @click=${() => {
            this.edits = toggleTrack(this.edits, t.track);
            if (media.kind === 'video') this.frame = t.firstFrame;
          }}>
          Face ${t.track}: ${this.edits.excluded.has(t.track) ? 'shown' : 'blurred'}</button>`,
        )}
        ${this.edits.regions.map(
          (_, i) =>
            html`<button data-control="remove-region" @click=${() => {
              this.edits = { ...this.edits, regions: this.edits.regions.filter((__, j) => j !== i) };
            }}>Region ${i + 1} ✕</button>`,
        )}
      </div>
      <div class="row">
        <label>Effect <select data-control="effect" @change=${(ev: Event) => (this.look = { ...this.look, effect: (ev.target as HTMLSelectElement).value as Effect })}>
          ${ANONYMIZE_EFFECTS.map((e) => html`<option value=${e} ?selected=${e === this.look.effect}>${e}</option>`)}
        </select></label>
        <span data-role="format">Output: ${this.output}</span>
        <button data-control="export" @click=${this.#export}>Export</button>
      </div>`;
  }

  override render() {
    const problem = this.problem && describeProblem(this.problem);
    return html`
      <h1>Anonymize a video or photo</h1>
      ${this.#picker()}
      ${problem ? html`<div role="alert" data-role="error" data-error=${this.problem!.kind}><strong>${problem.title}</strong><br />${problem.action}</div>` : nothing}
      ${this.notice ? html`<p data-role="notice">${this.notice}</p>` : nothing}
      ${this.phase === 'working' ? this.#progressView() : nothing}
      ${this.#editor()}
      ${
        this.download
          ? html`<p><a data-role="download" href=${this.download.url} download=${this.download.name}>
        Download ${this.download.name} (${(this.download.size / 1e6).toFixed(2)} MB)</a>
        <span data-role="blurred">· ${this.download.blurred}</span></p>`
          : nothing
      }
      <p class="muted" data-role="status">${this.status}</p>
    `;
  }
}

customElements.define('veil-export', VeilExport);

declare global {
  interface HTMLElementTagNameMap {
    'veil-export': VeilExport;
  }
}
