/**
 * When the capture page takes a frame: every `intervalMs` while its agent is on a call, at once when a
 * call starts, and at once when the screen changed noticeably since the last frame taken; never while
 * the agent is idle. Pure: the page feeds it the time and the measured change and acts on the answer.
 */

/** How often the page samples the screen to look for a change. */
export const CHANGE_CHECK_INTERVAL_MS = 500;
/** Mean absolute grey-level difference (0–255) on the downscaled frame that counts as a noticeable change. */
export const CHANGE_THRESHOLD = 6;

export type CaptureReason = 'call_started' | 'interval' | 'changed';

export interface CaptureCheck {
  /** The agent's live call, or null when idle. */
  callId: string | null;
  now: number;
  intervalMs: number;
  /** Difference between the screen now and the last frame taken, or null when not measured. */
  changeScore: number | null;
  changeThreshold?: number;
}

export class CaptureScheduler {
  private lastCaptureAt: number | null = null;
  private lastCallId: string | null = null;

  /** Whether to take a frame now, and why; null for "not now". Records the capture when it says yes. */
  check({
    callId,
    now,
    intervalMs,
    changeScore,
    changeThreshold = CHANGE_THRESHOLD,
  }: CaptureCheck): CaptureReason | null {
    if (callId === null) {
      this.lastCallId = null;
      this.lastCaptureAt = null;
      return null;
    }
    let reason: CaptureReason | null = null;
    if (callId !== this.lastCallId || this.lastCaptureAt === null) reason = 'call_started';
    else if (now - this.lastCaptureAt >= intervalMs) reason = 'interval';
    else if (changeScore !== null && changeScore >= changeThreshold) reason = 'changed';
    if (reason !== null) {
      this.lastCallId = callId;
      this.lastCaptureAt = now;
    }
    return reason;
  }

  /** Forgets the last capture, e.g. after the share was restarted: the next check takes a frame. */
  reset(): void {
    this.lastCaptureAt = null;
    this.lastCallId = null;
  }
}
