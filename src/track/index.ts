export { DEFAULT_TRACKER_OPTIONS, type TrackerOptions } from './options';
export { Tracker, type FrameSize, type TrackedFace } from './tracker';
