import type { CallState } from '@earshot/shared';

/** Small line icons that go with a label; never the only carrier of meaning. */
interface IconProps {
  className?: string;
}

export function TalkingIcon({ className }: IconProps) {
  return (
    <svg className={className} viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      <path d="M3 6v4M6 4v8M9 2v12M12 5v6" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" fill="none" />
    </svg>
  );
}

export function HoldIcon({ className }: IconProps) {
  return (
    <svg className={className} viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      <rect x="3.5" y="3" width="3" height="10" rx="1" fill="currentColor" />
      <rect x="9.5" y="3" width="3" height="10" rx="1" fill="currentColor" />
    </svg>
  );
}

export function QueuedIcon({ className }: IconProps) {
  return (
    <svg className={className} viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      <circle cx="8" cy="8" r="6" stroke="currentColor" strokeWidth="1.6" fill="none" />
      <path d="M8 4.5V8l2.5 1.5" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" fill="none" />
    </svg>
  );
}

export function EndedIcon({ className }: IconProps) {
  return (
    <svg className={className} viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
    </svg>
  );
}

export function TransferIcon({ className }: IconProps) {
  return (
    <svg className={className} viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
      <path
        d="M2 5h10M9 2l3 3-3 3M14 11H4M7 8l-3 3 3 3"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
        strokeLinejoin="round"
        fill="none"
      />
    </svg>
  );
}

export const STATE_LABELS: Record<CallState, string> = {
  queued: 'Waiting',
  talking: 'Talking',
  hold: 'On hold',
  ended: 'Ended',
};

export function StateIcon({ state, className }: { state: CallState } & IconProps) {
  if (state === 'talking') return <TalkingIcon className={className} />;
  if (state === 'hold') return <HoldIcon className={className} />;
  if (state === 'queued') return <QueuedIcon className={className} />;
  return <EndedIcon className={className} />;
}

/** A call's state as a badge: icon and word, coloured only for hold (its own cue). */
export function StateBadge({ state }: { state: CallState }) {
  return (
    <span className={`state-badge state-${state}`} data-testid="call-state">
      <StateIcon state={state} />
      {STATE_LABELS[state]}
    </span>
  );
}
