/** Where frames wait to be drawn: in the document (frame callbacks stop for a detached video), never seen. */
export function hiddenHolder(): HTMLElement {
  const holder = document.createElement('div');
  holder.dataset.veil = 'hidden-source';
  holder.setAttribute('aria-hidden', 'true');
  holder.style.cssText =
    'position:fixed;left:0;top:0;width:1px;height:1px;overflow:hidden;opacity:0;pointer-events:none';
  (document.body ?? document.documentElement).append(holder);
  return holder;
}
