/// <reference types="chrome" />
/**
 * The background: puts the engine (engine.js) into the page's own world of the frame that asks (bridge.ts), once a
 * site with Veil on asks for a camera. Injected by the extension, the engine is not subject to the site's
 * Content-Security-Policy for scripts; what the engine then does (compile wasm) still is, and fails closed.
 */
chrome.runtime.onMessage.addListener((message: { type?: string }, sender, respond) => {
  const tabId = sender.tab?.id;
  if (message?.type !== 'inject-engine' || tabId === undefined) return false;
  chrome.scripting
    .executeScript({ target: { tabId, frameIds: [sender.frameId ?? 0] }, files: ['engine.js'], world: 'MAIN' })
    .then(
      () => respond({ ok: true }),
      (e: unknown) => respond({ ok: false, error: e instanceof Error ? e.message : String(e) }),
    );
  return true;
});
