/** Where frames wait to be drawn: in the document (frame callbacks stop for a detached video), never seen. */
function hiddenHolder(): HTMLElement {
  const holder = document.createElement('div');
  holder.dataset.veil = 'hidden-source';
  holder.setAttribute('aria-hidden', 'true');
  holder.style.cssText =
    'position:fixed;left:0;top:0;width:1px;height:1px;overflow:hidden;opacity:0;pointer-events:none';
  (document.body ?? document.documentElement).append(holder);
  return holder;
}

/** A muted video playing `track`, in a hidden holder (removing the holder lets both go). */
export function hiddenVideo(track: MediaStreamTrack): { video: HTMLVideoElement; holder: HTMLElement } {
  const holder = hiddenHolder();
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  holder.append(video);
  void video.play().catch(() => undefined);
  return { video, holder };
}
