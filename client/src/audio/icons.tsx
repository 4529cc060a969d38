import type { MonitorMode } from '@earshot/shared';

/** Line icons for the monitoring modes; always next to a label or a name, never the only carrier of meaning. */
interface IconProps {
  className?: string;
}

export function HeadphonesIcon({ className }: IconProps) {
  return (
    <svg className={className} viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      <path
        d="M2.5 10V8a5.5 5.5 0 0 1 11 0v2"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
        fill="none"
      />
      <rect x="1.5" y="9" width="3.5" height="5" rx="1.2" fill="currentColor" />
      <rect x="11" y="9" width="3.5" height="5" rx="1.2" fill="currentColor" />
    </svg>
  );
}

export function WhisperIcon({ className }: IconProps) {
  return (
    <svg className={className} viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      <rect x="5.5" y="1.5" width="5" height="8.5" rx="2.5" fill="currentColor" />
      <path
        d="M3 7.5a5 5 0 0 0 10 0M8 12.5v2"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinecap="round"
        fill="none"
      />
    </svg>
  );
}

export function BargeIcon({ className }: IconProps) {
  return (
    <svg className={className} viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      <path d="M2 6.5h2.5L10 3v10L4.5 9.5H2z" fill="currentColor" />
      <path
        d="M12 5.5a3.5 3.5 0 0 1 0 5M13.5 3.5a6 6 0 0 1 0 9"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinecap="round"
        fill="none"
      />
    </svg>
  );
}

export function MonitorModeIcon({ mode, className }: IconProps & { mode: MonitorMode }) {
  if (mode === 'barge') return <BargeIcon className={className} />;
  if (mode === 'whisper') return <WhisperIcon className={className} />;
  return <HeadphonesIcon className={className} />;
}
