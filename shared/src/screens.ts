import { z } from 'zod';
import { EpochMsSchema, ExternalIdSchema } from './calls.js';

/**
 * Agent screens: still screenshots captured in the agent's browser (or rendered by the simulator) and
 * uploaded over HTTP; the socket only says that a new one exists. Documented in docs/ingest.md.
 */

/** Image types accepted, judged by the bytes, never by the Content-Type header alone. */
export const SCREENSHOT_MIME_TYPES = ['image/webp', 'image/jpeg', 'image/png'] as const;
export const ScreenshotMimeSchema = z.enum(SCREENSHOT_MIME_TYPES);
export type ScreenshotMime = z.infer<typeof ScreenshotMimeSchema>;

export const SCREENSHOT_MAX_BYTES = 4 * 1024 * 1024;
/** 4K plus room for a second monitor's worth of width; beyond this an image is refused. */
export const SCREENSHOT_MAX_PIXELS = 7680 * 2160;
export const SCREENSHOT_THUMB_WIDTH_PX = 320;
/** How often the capture page takes a frame while its agent is on a call (the server may override). */
export const CAPTURE_INTERVAL_MS = 2_000;
/** A tile's thumbnail not seen (new or unchanged, see lastSeenAt) for longer than this is marked stale. */
export const SCREENSHOT_STALE_MS = 15_000;

/**
 * `POST /api/screens` query string; the body is the raw image bytes.
 * Agents (session cookie + CSRF) upload for their own current call; ingest clients (ingest key) name the agent.
 */
export const ScreenshotUploadQuerySchema = z
  .object({
    callId: ExternalIdSchema,
    capturedAt: z.coerce.number().int().pipe(EpochMsSchema),
    /** Required with an ingest key; with an agent session it must be absent or the agent's own id. */
    agentId: ExternalIdSchema.optional(),
  })
  .strict();
export type ScreenshotUploadQuery = z.infer<typeof ScreenshotUploadQuerySchema>;

export const ScreenshotMetaSchema = z.object({
  id: z.string(),
  callId: z.string(),
  agentId: z.string(),
  capturedAt: EpochMsSchema,
  receivedAt: EpochMsSchema,
  /** Capture time of the latest upload identical to this frame (= capturedAt for a fresh frame): the screen is live. */
  lastSeenAt: EpochMsSchema,
  mime: ScreenshotMimeSchema,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().positive(),
  /** SHA-256 of the image bytes, hex: identical consecutive frames are stored once. */
  contentHash: z.string(),
  thumbWidth: z.number().int().positive(),
  thumbHeight: z.number().int().positive(),
});
export type ScreenshotMeta = z.infer<typeof ScreenshotMetaSchema>;

export interface ScreenshotUploadResult {
  screenshot: ScreenshotMeta;
  /** True when the frame was identical to the agent's previous one: nothing new was stored. */
  duplicate: boolean;
}

/** Pushed to dashboards that show the call (room per call): a new screenshot exists; fetch it over HTTP. */
export interface ScreenshotAnnouncement {
  callId: string;
  screenshot: ScreenshotMeta;
}

/** Client → server: the calls whose tiles are on screen now (replaces the previous set). */
export const WatchScreensPayloadSchema = z.object({ callIds: z.array(ExternalIdSchema).max(500) });
export type WatchScreensPayload = z.infer<typeof WatchScreensPayloadSchema>;

/** What the capture page needs to know, pushed to the agent whenever it changes. */
export interface CaptureState {
  agentId: string;
  /** The agent's live call, or null when idle (then nothing is captured). */
  callId: string | null;
  intervalMs: number;
  /** Quality-team members watching or listening to this agent's call right now. */
  watchers: { userId: string; displayName: string; activity: 'watching' | 'listening' | 'whispering' | 'barging' }[];
}

/** URL of a screenshot's full image and thumbnail (immutable: ids never change content). */
export const screenshotUrl = (id: string) => `/api/screens/${encodeURIComponent(id)}`;
export const screenshotThumbUrl = (id: string) => `/api/screens/${encodeURIComponent(id)}/thumb`;
