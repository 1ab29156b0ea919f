/// <reference types="chrome" />
import {
  type BridgeMessage,
  DEFAULT_LOOK,
  type EngineFiles,
  type HookMessage,
  type StoredSettings,
  statusKey,
  TAG,
} from './protocol';

/**
 * The bridge, in the extension's isolated world of every page: answers page-hook.ts from the extension's storage
 * (is Veil on for this site, and how it looks), has the background put the engine into the page and hands it the
 * detector's files, keeps the popup's status for the site, and passes look changes on while a call runs.
 */

const site = location.origin;
const post = (message: BridgeMessage) => window.postMessage(message, site === 'null' ? '*' : site);

async function read(path: string): Promise<Uint8Array> {
  const response = await fetch(chrome.runtime.getURL(path));
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The engine in the page and its files; what failed instead, in words. */
async function prepareEngine(): Promise<{ files: EngineFiles | null; failed: string }> {
  try {
    const injected = (await chrome.runtime.sendMessage({ type: 'inject-engine' })) as { ok: boolean; error?: string };
    if (!injected?.ok) return { files: null, failed: `the engine could not be put into the page: ${injected?.error}` };
    const [model, wasm] = await Promise.all([
      read('models/yunet_n_dynamic.onnx'),
      read('ort/ort-wasm-simd-threaded.wasm'),
    ]);
    return { files: { model, wasm }, failed: '' };
  } catch (e) {
    return { files: null, failed: e instanceof Error ? e.message : String(e) };
  }
}

async function answer(): Promise<void> {
  const stored = (await chrome.storage.local.get(['sites', 'look'])) as StoredSettings;
  const look = { ...DEFAULT_LOOK, ...stored.look };
  const sites = stored.sites ?? {};
  if (!sites[site]) {
    post({ tag: TAG, type: 'answer', on: false });
    return;
  }
  post({ tag: TAG, type: 'answer', on: true, look, ...(await prepareEngine()) });
}

window.addEventListener('message', (e) => {
  const data = e.data as HookMessage | null;
  if (e.source !== window || data?.tag !== TAG) return;
  if (data.type === 'ask') void answer();
  else if (data.type === 'status') void chrome.storage.local.set({ [statusKey(site)]: data.status });
});

chrome.storage.onChanged.addListener((changes, area) => {
  const look = changes.look?.newValue as StoredSettings['look'];
  if (area === 'local' && look) post({ tag: TAG, type: 'look', look: { ...DEFAULT_LOOK, ...look } });
});
