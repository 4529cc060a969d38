import { z } from 'zod';

/** listen: hears both sides, nobody hears them; whisper: the agent hears them; barge: everyone does. */
export const MONITOR_MODES = ['listen', 'whisper', 'barge'] as const;
export const MonitorModeSchema = z.enum(MONITOR_MODES);
export type MonitorMode = z.infer<typeof MonitorModeSchema>;

export const MONITOR_MODE_LABELS: Record<MonitorMode, string> = {
  listen: 'listening',
  whisper: 'whispering',
  barge: 'barging in',
};

/** Someone of the quality team on a live call's audio, shown on the tile and the call page. */
export const MonitorSchema = z.object({
  userId: z.string(),
  displayName: z.string(),
  mode: MonitorModeSchema,
  /** Epoch ms when they took this mode. */
  since: z.number().int(),
});
export type Monitor = z.infer<typeof MonitorSchema>;

/** History entries for monitoring, written into the call's event history (`detail` holds mode and who). */
export const MONITOR_STARTED_EVENT_TYPE = 'monitor.started';
export const MONITOR_STOPPED_EVENT_TYPE = 'monitor.stopped';
