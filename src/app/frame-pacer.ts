// A slow GPU (a software one, say) must drop frames rather than build a queue of them: the queue would delay the
// detector's work behind it and so push every frame into fail-closed mode.
const MAX_RENDERS_IN_FLIGHT = 2;

/**
 * Which video frames live mode takes on: none while a frame is still being converted on the CPU (FrameImporter's
 * cpu path, one at a time) or while the GPU has as many renders as it may queue; those frames are dropped.
 */
export class FramePacer {
  #importing = false;
  /** Submitted renders the GPU has not finished. */
  #rendersInFlight = 0;

  /** Whether the frame arriving now may be drawn. */
  get ready(): boolean {
    return !this.#importing && this.#rendersInFlight < MAX_RENDERS_IN_FLIGHT;
  }

  importStarted(): void {
    this.#importing = true;
  }

  importEnded(): void {
    this.#importing = false;
  }

  renderSubmitted(): void {
    this.#rendersInFlight++;
  }

  renderDone(): void {
    this.#rendersInFlight--;
  }

  /** A lost device's renders never report back: they stop counting. */
  forgetRenders(): void {
    this.#rendersInFlight = 0;
  }
}
