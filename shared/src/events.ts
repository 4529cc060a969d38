import type { Ack } from './ack.js';
import type { AuthSocketData, Permission } from './auth.js';
import type { Call } from './calls.js';
import type { IngestBatchItem, IngestEvent, IngestResult } from './ingest.js';
import type { CaptureState, ScreenshotAnnouncement, ScreenshotMeta, WatchScreensPayload } from './screens.js';
import type { AppSettings } from './settings.js';
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
} as const satisfies Record<keyof ClientToServerEvents, Permission | null>;
export type DashboardCommand = keyof typeof DASHBOARD_COMMAND_PERMISSIONS;

/** Event maps for the ingest namespace (`INGEST_NAMESPACE`), used by telephony adapters and the simulator. */
export interface IngestClientToServerEvents {
  'ingest:event': (event: IngestEvent, ack: (result: Ack<IngestResult>) => void) => void;
  'ingest:batch': (events: IngestEvent[], ack: (result: Ack<IngestBatchItem[]>) => void) => void;
}

export type IngestServerToClientEvents = Record<string, never>;
