import { type Call, type LiveSilence, type SentimentLabel, SILENCE_BADGE_MIN_MS } from '@earshot/shared';

/**
 * What the agent's screen did during a dead-air silence: it changed (`working`, busy in the CRM), it stood
 * still (`stuck`, the source's "hanging question"), or no screenshot came at all (`unknown`: without
 * pictures a still screen cannot be told from a capture that is off).
 */
export type DeadAirKind = 'working' | 'stuck' | 'unknown';

/** The silence in progress on a live call, as the tile and the call page show it. */
export interface SilenceView {
  silentMs: number;
  /** Past the dead-air threshold: what the screen did meanwhile; null while still under it. */
  deadAir: DeadAirKind | null;
}

export function classifyDeadAir(silence: Pick<LiveSilence, 'screenChanges' | 'screenSeen'>): DeadAirKind {
  if (silence.screenChanges > 0) return 'working';
  return silence.screenSeen ? 'stuck' : 'unknown';
}

/**
 * The silence to show at `now` (server clock), or null. Only a talking call shows one: the server clears
 * the silence for hold, and a queued or ended call has no conversation; nothing is inferred here beyond
 * what the server sent. Under SILENCE_BADGE_MIN_MS (a clock a little behind the server's) nothing shows
 * yet, so the badge never flickers in for a breath between two sentences.
 */
export function liveSilenceView(
  call: Pick<Call, 'state' | 'silence'>,
  now: number,
  deadAirThresholdMs: number,
): SilenceView | null {
  if (call.state !== 'talking' || call.silence === null) return null;
  const silentMs = Math.max(0, now - call.silence.silentSince);
  if (silentMs < SILENCE_BADGE_MIN_MS) return null;
  return { silentMs, deadAir: silentMs >= deadAirThresholdMs ? classifyDeadAir(call.silence) : null };
}

/** A silence's length on a badge: seconds under a minute (`12 s`), then `m:ss` (`1:05`). */
export function formatSilence(ms: number): string {
  const totalSeconds = Math.floor(Math.max(0, ms) / 1000);
  if (totalSeconds < 60) return `${totalSeconds} s`;
  const seconds = totalSeconds % 60;
  return `${Math.floor(totalSeconds / 60)}:${seconds < 10 ? '0' : ''}${seconds}`;
}

/**
 * A measured silence's length (call page, search hits): tenths under 10 s, where "1 s" for 1.9 s would
 * understate it; whole seconds as the ticking badge above that.
 */
export function formatSilenceLength(ms: number): string {
  return ms < 10_000 ? `${(Math.max(0, ms) / 1000).toFixed(1)} s` : formatSilence(ms);
}

/** The short word after "dead air" on the alert; none when there were no screenshots to judge by. */
export const DEAD_AIR_WORDS: Record<DeadAirKind, string> = { working: 'working', stuck: 'stuck', unknown: '' };

/** What the alert's word means, for its tooltip and for screen readers. */
export const DEAD_AIR_DETAILS: Record<DeadAirKind, string> = {
  working: "the agent's screen changed during the silence",
  stuck: "the agent's screen stood still during the silence",
  unknown: 'no screenshots came during the silence',
};

/**
 * The badge's text: `silent 7 s` below the dead-air threshold; from it only the length (`14 s`), as the
 * dead-air alert beside it says the rest and a tile has no room for both.
 */
export function silenceBadgeText(view: SilenceView): string {
  const length = formatSilence(view.silentMs);
  return view.deadAir ? length : `silent ${length}`;
}

/** The alert line: `Dead air · stuck`, `Dead air · working`, or just `Dead air` without screenshots. */
export function deadAirAlertText(kind: DeadAirKind): string {
  const word = DEAD_AIR_WORDS[kind];
  return word ? `Dead air · ${word}` : 'Dead air';
}

/** One sentence for a tile's accessible name: `silent for 7 s` or `dead air for 14 s, stuck: …`. */
export function describeSilence(view: SilenceView): string {
  const length = formatSilence(view.silentMs);
  if (!view.deadAir) return `silent for ${length}`;
  const word = DEAD_AIR_WORDS[view.deadAir];
  return `dead air for ${length}${word ? `, ${word}` : ''}: ${DEAD_AIR_DETAILS[view.deadAir]}`;
}

export const SENTIMENT_WORDS: Record<SentimentLabel, string> = {
  negative: 'negative',
  neutral: 'neutral',
  positive: 'positive',
};
