import type { Ack } from './ack.js';
import type { AudioCommandPayload, AudioSession, AudioStopped } from './audio.js';
import type { AuthSocketData, Permission } from './auth.js';
import type { Call } from './calls.js';
import type { IngestBatchItem, IngestEvent, IngestResult } from './ingest.js';
import type { CaptureState, ScreenshotAnnouncement, ScreenshotMeta, WatchScreensPayload } from './screens.js';
import type { AppSettings } from './settings.js';
import type { TranscriptBatchItem, TranscriptSegment } from './speech.js';
import type { CallDetail, CallEventRecord, WallboardDelta, WallboardSnapshot, WatchCallPayload } from './wallboard.js';

/**
 * Socket.IO event maps for the dashboard namespace ("/"), defined once for server and client.
 * Names are `domain:verb`: past tense for facts from the server, imperative for commands from the client.
 * Payloads from clients are typed for the caller's convenience; the server parses them with schemas anyway.
 */
export interface ServerToClientEvents {
  'wallboard:delta': (delta: WallboardDelta) => void;
  /** To watchers of one call (room `call:<id>`): the call changed. */
  'call:updated': (call: Call) => void;
  /** To watchers of one call: an entry was added to its history. */
  'call:event': (event: CallEventRecord) => void;
  /** To every signed-in dashboard that may view the wallboard: an admin changed the settings (live). */
  'settings:updated': (settings: AppSettings) => void;
  /** To dashboards showing the call (after `screens:watch`) and to its call page: a new screenshot exists. */
  'screen:captured': (announcement: ScreenshotAnnouncement) => void;
  /** To an agent's capture page: whether they are on a call, the capture interval, who is watching. */
  'capture:state': (state: CaptureState) => void;
  /**
   * To a controller on a call's audio: one 20 ms frame in the binary frame format of shared/src/audio.ts
   * (µ-law, channel agent, caller or both). Dropped, never queued, when the controller's connection is backed up.
   */
  'audio:frame': (frame: ArrayBuffer | Uint8Array) => void;
  /** To a controller whose audio session ended without their asking. */
  'audio:stopped': (stopped: AudioStopped) => void;
}

export interface ClientToServerEvents {
  /** Joins the wallboard room and answers with a snapshot; deltas follow. Also used to resync. */
  'wallboard:join': (ack: (result: Ack<WallboardSnapshot>) => void) => void;
  'wallboard:leave': () => void;
  /** Joins one call's room and answers with the call and its history so far. */
  'call:watch': (payload: WatchCallPayload, ack: (result: Ack<CallDetail>) => void) => void;
  'call:unwatch': (payload: WatchCallPayload) => void;
  /**
   * The calls whose tiles are visible now (replaces the previous set). Answers the latest screenshot of
   * each, or null; later ones arrive as `screen:captured`. Tiles off screen get no thumbnails.
   */
  'screens:watch': (
    payload: WatchScreensPayload,
    ack: (result: Ack<Record<string, ScreenshotMeta | null>>) => void,
  ) => void;
  /** The capture page joins its agent's room and gets the current CaptureState; updates follow. */
  'capture:join': (ack: (result: Ack<CaptureState>) => void) => void;
  /**
   * Listen to a live call (both sides; nobody hears the controller). Also steps down from whisper or barge.
   * A socket is on at most one call's audio: taking another call leaves the first.
   */
  'audio:listen': (payload: AudioCommandPayload, ack: (result: Ack<AudioSession>) => void) => void;
  /** Talk to the agent only; the controller's frames go out as `audio:talk` with channel `to_agent`. */
  'audio:whisper': (payload: AudioCommandPayload, ack: (result: Ack<AudioSession>) => void) => void;
  /** Talk to both sides; refused while another controller barges on the same call. */
  'audio:barge': (payload: AudioCommandPayload, ack: (result: Ack<AudioSession>) => void) => void;
  'audio:leave': (payload: AudioCommandPayload, ack: (result: Ack<null>) => void) => void;
  /**
   * The controller's microphone while whispering or barging: one 20 ms frame (binary frame format, µ-law
   * or L16 mono, channel `to_agent` or `to_both` matching the mode). No acknowledgement, as it comes 50
   * times a second; a refused frame is answered with `audio:stopped` only when the session is gone.
   */
  'audio:talk': (frame: ArrayBuffer | Uint8Array) => void;
}

export type InterServerEvents = Record<string, never>;

/** What the server keeps on a dashboard socket: the signed-in user (AuthSocketData) and when it connected. */
export interface SocketData extends AuthSocketData {
  connectedAt: number;
}

/**
 * The permission each dashboard command needs, checked by the server before the handler runs (null: any
 * signed-in socket). Typed over every client-to-server event, so a new event without a row does not compile;
 * the permission-matrix integration test drives every row for every role.
 */
export const DASHBOARD_COMMAND_PERMISSIONS = {
  'wallboard:join': 'wallboard:view',
  'wallboard:leave': null,
  'call:watch': 'calls:view',
  'call:unwatch': null,
  'screens:watch': 'screens:view',
  'capture:join': 'screens:upload',
  'audio:listen': 'audio:listen',
  'audio:whisper': 'audio:whisper',
  'audio:barge': 'audio:barge',
  'audio:leave': null,
  'audio:talk': 'audio:whisper',
} as const satisfies Record<keyof ClientToServerEvents, Permission | null>;
export type DashboardCommand = keyof typeof DASHBOARD_COMMAND_PERMISSIONS;

/** Event maps for the ingest namespace (`INGEST_NAMESPACE`), used by telephony adapters and the simulator. */
export interface IngestClientToServerEvents {
  'ingest:event': (event: IngestEvent, ack: (result: Ack<IngestResult>) => void) => void;
  'ingest:batch': (events: IngestEvent[], ack: (result: Ack<IngestBatchItem[]>) => void) => void;
  /** Transcript segments (TRANSCRIPT_INGEST_EVENT), acknowledged per segment. */
  'ingest:transcript': (segments: TranscriptSegment[], ack: (result: Ack<TranscriptBatchItem[]>) => void) => void;
}

export type IngestServerToClientEvents = Record<string, never>;
