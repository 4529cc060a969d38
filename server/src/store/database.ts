import type { CallState, EndReason, Line, Topic } from '@earshot/shared';
import type { AuditTables } from '../audit/tables.js';
import type { AuthTables } from '../auth/tables.js';
import type { EvaluationTables } from '../evaluations/tables.js';
import type { RecordingTables } from '../recordings/tables.js';
import type { ScreenshotTables } from '../screens/tables.js';
import type { SpeechTables } from '../speech/tables.js';
import type { TranscriptTables } from '../transcripts/tables.js';

/**
 * The store's tables as Kysely sees them. Times are epoch milliseconds in `bigint` columns; both drivers
 * hand them back as JS numbers (SQLite natively, PostgreSQL through the int8 parser set in openStore).
 */
export interface Database
  extends AuthTables,
    AuditTables,
    ScreenshotTables,
    RecordingTables,
    TranscriptTables,
    SpeechTables,
    EvaluationTables {
  calls: CallsTable;
  call_events: CallEventsTable;
  agents: AgentsTable;
  settings: SettingsTable;
}

/** Settings an admin changed, one row per setting; a setting without a row has its configured default. */
export interface SettingsTable {
  key: string;
  /** JSON text of the value. */
  value: string;
  updated_at: number;
  updated_by: string | null;
}

export interface CallsTable {
  id: string;
  line: Line;
  caller_number: string;
  topic: Topic;
  state: CallState;
  offered_at: number;
  answered_at: number | null;
  ended_at: number | null;
  end_reason: EndReason | null;
  agent_id: string | null;
  agent_name: string | null;
  hold_since: number | null;
  hold_ms: number;
  hold_count: number;
  transfer_count: number;
  last_event_at: number;
  /** How many history entries the call has; the next entry's `seq` is this plus one. */
  event_count: number;
}

export interface CallEventsTable {
  event_id: string;
  call_id: string;
  /** Position in the call's history, from 1; orders entries that share a timestamp. */
  seq: number;
  type: string;
  at: number;
  received_at: number;
  /** JSON object text: the event's own fields beyond id, call, type and time. */
  detail: string;
}

export interface AgentsTable {
  id: string;
  name: string;
  first_seen_at: number;
  last_seen_at: number;
}
