import type { ScreenshotMeta } from '@earshot/shared';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../store/database.js';
import type { ScreenshotsTable } from './tables.js';

export interface StoredScreenshot {
  meta: ScreenshotMeta;
  /** Relative to DATA_DIR, `/`-separated. */
  filePath: string;
  thumbPath: string;
}

function fromRow(row: Selectable<ScreenshotsTable>): StoredScreenshot {
  return {
    meta: {
      id: row.id,
      callId: row.call_id,
      agentId: row.agent_id,
      capturedAt: Number(row.captured_at),
      receivedAt: Number(row.received_at),
      lastSeenAt: Number(row.last_seen_at),
      mime: row.mime,
      width: Number(row.width),
      height: Number(row.height),
      bytes: Number(row.bytes),
      contentHash: row.content_hash,
      thumbWidth: Number(row.thumb_width),
      thumbHeight: Number(row.thumb_height),
    },
    filePath: row.file_path,
    thumbPath: row.thumb_path,
  };
}

/** Reads and writes screenshot metadata (the `screenshots` table). */
export class ScreenshotRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(stored: StoredScreenshot): Promise<void> {
    const { meta } = stored;
    await this.db
      .insertInto('screenshots')
      .values({
        id: meta.id,
        call_id: meta.callId,
        agent_id: meta.agentId,
        captured_at: meta.capturedAt,
        received_at: meta.receivedAt,
        last_seen_at: meta.lastSeenAt,
        mime: meta.mime,
        width: meta.width,
        height: meta.height,
        bytes: meta.bytes,
        content_hash: meta.contentHash,
        thumb_width: meta.thumbWidth,
        thumb_height: meta.thumbHeight,
        file_path: stored.filePath,
        thumb_path: stored.thumbPath,
      })
      .execute();
  }

  /** An identical frame was uploaded again: moves last_seen_at forward (never back); answers the updated row. */
  async markSeen(id: string, seenAt: number): Promise<StoredScreenshot | undefined> {
    await this.db
      .updateTable('screenshots')
      .set({ last_seen_at: seenAt })
      .where('id', '=', id)
      .where('last_seen_at', '<', seenAt)
      .execute();
    return this.get(id);
  }

  async get(id: string): Promise<StoredScreenshot | undefined> {
    const row = await this.db.selectFrom('screenshots').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /** The agent's newest frame (by capture time), for de-duplication. */
  async latestOfAgent(agentId: string): Promise<StoredScreenshot | undefined> {
    const row = await this.db
      .selectFrom('screenshots')
      .selectAll()
      .where('agent_id', '=', agentId)
      .orderBy('captured_at', 'desc')
      .orderBy('received_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async listForCall(callId: string): Promise<ScreenshotMeta[]> {
    const rows = await this.db
      .selectFrom('screenshots')
      .selectAll()
      .where('call_id', '=', callId)
      .orderBy('captured_at', 'asc')
      .orderBy('received_at', 'asc')
      .execute();
    return rows.map((row) => fromRow(row).meta);
  }

  /** The newest screenshot of each call, in one query; calls without one are absent. */
  async latestForCalls(callIds: readonly string[]): Promise<Map<string, ScreenshotMeta>> {
    const latest = new Map<string, ScreenshotMeta>();
    if (callIds.length === 0) return latest;
    const rows = await this.db
      .selectFrom('screenshots as s')
      .selectAll('s')
      .where('s.call_id', 'in', [...callIds])
      .where((eb) =>
        eb(
          's.captured_at',
          '=',
          eb
            .selectFrom('screenshots as newer')
            .select((inner) => inner.fn.max('newer.captured_at').as('at'))
            .whereRef('newer.call_id', '=', 's.call_id'),
        ),
      )
      .orderBy('s.received_at', 'asc')
      .execute();
    // Two frames with the same capture time: the later received wins.
    for (const row of rows) latest.set(row.call_id, fromRow(row).meta);
    return latest;
  }

  /** Up to `limit` of the oldest screenshots captured before `cutoff` (retention deletes their files first). */
  async listCapturedBefore(cutoff: number, limit: number): Promise<StoredScreenshot[]> {
    const rows = await this.db
      .selectFrom('screenshots')
      .selectAll()
      .where('captured_at', '<', cutoff)
      .orderBy('captured_at', 'asc')
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  async deleteIds(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.db
      .deleteFrom('screenshots')
      .where('id', 'in', [...ids])
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
