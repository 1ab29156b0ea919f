import { hiddenVideo } from '../library/hidden-holder';
import { VideoElementFeed } from '../source/frame-feed';

/** The smaller side of the picture a face is drawn through: at 12 px no face in a camera frame can be recognized. */
const SMALL_SIDE = 12;

/**
 * The camera blurred whole, without WebGPU or a model: each frame drawn into a canvas 12 px on its smaller side,
 * then scaled back up, smoothed and blurred. What a call gets when Veil cannot start on a site that has it on
 * (no WebGPU, an engine the site's policies block): never the raw camera. Works on a clone of `camera`.
 */
export function blurWhole(camera: MediaStreamTrack): { track: MediaStreamTrack; stop(): void } {
  const clone = camera.clone();
  const { video, holder } = hiddenVideo(clone);
  const small = document.createElement('canvas');
  const out = document.createElement('canvas');
  const smallCtx = small.getContext('2d');
  const outCtx = out.getContext('2d');
  if (!smallCtx || !outCtx) throw new Error('no 2D canvas');
  const stopFeed = new VideoElementFeed(video).start(({ width: w, height: h }) => {
    if (w === 0 || h === 0) return;
    const k = SMALL_SIDE / Math.min(w, h);
    small.width = Math.max(1, Math.round(w * k));
    small.height = Math.max(1, Math.round(h * k));
    out.width = w;
    out.height = h;
    smallCtx.drawImage(video, 0, 0, small.width, small.height);
    outCtx.imageSmoothingEnabled = true;
    outCtx.imageSmoothingQuality = 'high';
    outCtx.filter = `blur(${Math.round(Math.min(w, h) / 40)}px)`;
    outCtx.drawImage(small, 0, 0, w, h);
  });
  const [track] = out.captureStream().getVideoTracks();
  if (!track) throw new Error('the canvas gave no video track');
  return {
    track,
    stop() {
      stopFeed();
      track.stop();
      clone.stop();
      holder.remove();
    },
  };
}
