/** Formats a duration for a timer: `mm:ss` under an hour, `h:mm:ss` from an hour on. Negative counts as zero. */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.floor(Math.max(0, ms) / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const mmss = `${pad2(minutes)}:${pad2(seconds)}`;
  return hours > 0 ? `${hours}:${mmss}` : mmss;
}

/** Time of day as `HH:MM:SS` (24-hour, local time). */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Date and time of day, e.g. `24 Nov 14:03:22`; the date is left out for today. */
export function formatDateTime(epochMs: number, now: number): string {
  const d = new Date(epochMs);
  const today = new Date(now);
  const sameDay =
    d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  if (sameDay) return formatClock(epochMs);
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${formatClock(epochMs)}`;
}

/** A percentage with one decimal, or an em dash when there is nothing to measure yet. */
export function formatPct(pct: number | null): string {
  if (pct === null) return '—';
  return `${pct.toFixed(1)}%`;
}

/** Whole numbers with thin grouping, readable at a distance: 12 345. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-GB').replace(/,/g, '\u202f');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
