import type { Recording } from '@earshot/shared';
import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from '../store/database.js';
import type { RecordingsTable } from './tables.js';

/** A recording as stored: what the API shows, plus where its file is. */
export interface StoredRecording {
  recording: Recording;
  /** Relative to DATA_DIR, `/`-separated. */
  file: string;
}

/** The figures written when a recording is finished, interrupted or repaired. */
export type RecordingUpdate = Pick<
  Updateable<RecordingsTable>,
  | 'status'
  | 'ended_at'
  | 'frames'
  | 'duration_ms'
  | 'size_bytes'
  | 'gap_frames_agent'
  | 'gap_frames_caller'
  | 'late_frames'
  | 'controller_frames'
>;

function fromRow(row: Selectable<RecordingsTable>): StoredRecording {
  return {
    recording: {
      callId: row.call_id,
      status: row.status,
      startedAt: Number(row.started_at),
      endedAt: row.ended_at === null ? null : Number(row.ended_at),
      durationMs: Number(row.duration_ms),
      sizeBytes: Number(row.size_bytes),
      channels: Number(row.channels),
      sampleRate: Number(row.sample_rate),
      bitsPerSample: Number(row.bits_per_sample),
      sourceCodec: row.source_codec,
      frames: Number(row.frames),
      gapFramesAgent: Number(row.gap_frames_agent),
      gapFramesCaller: Number(row.gap_frames_caller),
      lateFrames: Number(row.late_frames),
      controllerFrames: Number(row.controller_frames),
    },
    file: row.file,
  };
}

/** Reads and writes recording metadata (the `recordings` table). */
export class RecordingRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(stored: StoredRecording, now: number): Promise<void> {
    const { recording } = stored;
    await this.db
      .insertInto('recordings')
      .values({
        call_id: recording.callId,
        file: stored.file,
        status: recording.status,
        started_at: recording.startedAt,
        ended_at: recording.endedAt,
        frames: recording.frames,
        duration_ms: recording.durationMs,
        size_bytes: recording.sizeBytes,
        channels: recording.channels,
        sample_rate: recording.sampleRate,
        bits_per_sample: recording.bitsPerSample,
        source_codec: recording.sourceCodec,
        gap_frames_agent: recording.gapFramesAgent,
        gap_frames_caller: recording.gapFramesCaller,
        late_frames: recording.lateFrames,
        controller_frames: recording.controllerFrames,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }

  async update(callId: string, update: RecordingUpdate, now: number): Promise<void> {
    await this.db
      .updateTable('recordings')
      .set({ ...update, updated_at: now })
      .where('call_id', '=', callId)
      .execute();
  }

  async get(callId: string): Promise<StoredRecording | undefined> {
    const row = await this.db.selectFrom('recordings').selectAll().where('call_id', '=', callId).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /** The recordings of these calls, by call id (a call without one is absent). */
  async getMany(callIds: readonly string[]): Promise<Map<string, Recording>> {
    if (callIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('recordings')
      .selectAll()
      .where('call_id', 'in', [...callIds])
      .execute();
    return new Map(rows.map((row) => [row.call_id, fromRow(row).recording]));
  }

  /** Recordings still marked as being written (at start-up: left so by a crash). */
  async listUnfinished(): Promise<StoredRecording[]> {
    const rows = await this.db
      .selectFrom('recordings')
      .selectAll()
      .where('status', '=', 'recording')
      .orderBy('started_at', 'asc')
      .execute();
    return rows.map(fromRow);
  }

  /** Up to `limit` of the oldest recordings that ended before `cutoff` (retention deletes their files first). */
  async listEndedBefore(cutoff: number, limit: number): Promise<StoredRecording[]> {
    const rows = await this.db
      .selectFrom('recordings')
      .selectAll()
      .where('ended_at', '<', cutoff)
      .orderBy('ended_at', 'asc')
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  async delete(callIds: readonly string[]): Promise<number> {
    if (callIds.length === 0) return 0;
    const result = await this.db
      .deleteFrom('recordings')
      .where('call_id', 'in', [...callIds])
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
