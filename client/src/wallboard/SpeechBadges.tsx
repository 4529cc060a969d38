import type { Sentiment } from '@earshot/shared';
import {
  DEAD_AIR_DETAILS,
  type DeadAirKind,
  deadAirAlertText,
  SENTIMENT_WORDS,
  type SilenceView,
  silenceBadgeText,
} from './silence.js';
import './speech.css';

/**
 * The silence in progress, ticking: quiet below the dead-air threshold, loud from it. It takes the place of
 * the state badge on a talking call (the call is connected but nobody speaks).
 */
export function SilenceBadge({ view }: { view: SilenceView }) {
  return (
    <span
      className={`silence-badge${view.deadAir ? ` silence-badge-dead-air dead-air-${view.deadAir}` : ''}`}
      data-testid="silence-badge"
      data-dead-air={view.deadAir ?? 'no'}
    >
      <SilenceIcon />
      <span className="timer">{silenceBadgeText(view)}</span>
    </span>
  );
}

/** The dead-air alert in words: `Dead air · stuck` and what that means (the screen stood still). */
export function DeadAirAlert({ kind, className = '' }: { kind: DeadAirKind; className?: string }) {
  return (
    <span
      className={`dead-air-alert dead-air-${kind} ${className}`}
      data-testid="dead-air-alert"
      data-dead-air={kind}
      title={`Dead air: ${DEAD_AIR_DETAILS[kind]}`}
    >
      <span className="dead-air-alert-word">{deadAirAlertText(kind)}</span>
      <span className="dead-air-alert-detail">{SCREEN_HINTS[kind]}</span>
    </span>
  );
}

/** The short reason after the alert's word, as room allows. */
const SCREEN_HINTS: Record<DeadAirKind, string> = {
  working: 'screen changing',
  stuck: 'screen still',
  unknown: 'no screenshots',
};

/**
 * The call's sentiment as a chip: negative and positive stand out a little with their word; neutral (most
 * calls) stays quiet, a faint face on a tile. The score and whether it is final are in the tooltip.
 */
export function SentimentChip({ sentiment, size = 'small' }: { sentiment: Sentiment; size?: 'small' | 'large' }) {
  const score = `${sentiment.score > 0 ? '+' : ''}${sentiment.score.toFixed(2)}`;
  return (
    <span
      className={`sentiment-chip sentiment-${sentiment.label} sentiment-${size}`}
      data-testid="sentiment-chip"
      data-sentiment={sentiment.label}
      title={`Sentiment ${SENTIMENT_WORDS[sentiment.label]}, score ${score}${sentiment.final ? '' : ' so far'}`}
    >
      <SentimentIcon label={sentiment.label} />
      {size === 'small' && sentiment.label === 'neutral' ? (
        <span className="sr-only">{SENTIMENT_WORDS.neutral}</span>
      ) : (
        SENTIMENT_WORDS[sentiment.label]
      )}
      {size === 'large' && <span className="sentiment-score timer">{score}</span>}
    </span>
  );
}

function SilenceIcon() {
  return (
    <svg className="silence-icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
      <path d="M2 8h2M7 8h2M12 8h2" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}

function SentimentIcon({ label }: { label: Sentiment['label'] }) {
  // A face whose mouth turns down, stays flat or turns up: the shape carries the meaning, not only the colour.
  const mouth = label === 'negative' ? 'M5 11.5q3-2.5 6 0' : label === 'positive' ? 'M5 9.5q3 3 6 0' : 'M5.5 10.5h5';
  return (
    <svg className="sentiment-icon" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
      <circle cx="8" cy="8" r="6.5" stroke="currentColor" strokeWidth="1.4" fill="none" />
      <circle cx="5.8" cy="6.3" r="0.9" fill="currentColor" />
      <circle cx="10.2" cy="6.3" r="0.9" fill="currentColor" />
      <path d={mouth} stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" fill="none" />
    </svg>
  );
}
