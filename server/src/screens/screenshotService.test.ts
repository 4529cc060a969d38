import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../logger.js';
import type { Database } from '../store/database.js';
import { screenshotMigrations } from './migrations.js';
import { ScreenshotRepository, type StoredScreenshot } from './screenshotRepository.js';
import { ScreenshotService } from './screenshotService.js';

const files = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));

/** A repository whose insert fails, as a store that went away would. */
class FailingInsertRepository extends ScreenshotRepository {
  override async insert(_stored: StoredScreenshot): Promise<void> {
    throw new Error('the store is gone');
  }
}

describe('ScreenshotService', () => {
  let dataDir: string;
  let db: Kysely<Database>;
  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'earshot-screens-unit-'));
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SqliteDatabase(':memory:') }) });
    const { error } = await new Migrator({
      db,
      provider: { getMigrations: async () => screenshotMigrations },
    }).migrateToLatest();
    if (error) throw error;
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const image = () =>
    sharp({ create: { width: 400, height: 300, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();

  it('leaves no file behind when the row cannot be written', async () => {
    const service = new ScreenshotService({
      repository: new FailingInsertRepository(db),
      dataDir,
      now: Date.now,
      logger: createMemoryLogger(),
    });
    await expect(
      service.store({ callId: 'c1', agentId: 'a1', capturedAt: Date.now(), bytes: await image() }),
    ).rejects.toThrow('the store is gone');
    expect(files(dataDir)).toEqual([]);
  });

  it('stores a frame once per run of identical frames of the same call, serialised per agent', async () => {
    const service = new ScreenshotService({
      repository: new ScreenshotRepository(db),
      dataDir,
      now: Date.now,
      logger: createMemoryLogger(),
    });
    const bytes = await image();
    const t = Date.now();
    const results = await Promise.all(
      [0, 1, 2].map((i) => service.store({ callId: 'c1', agentId: 'a1', capturedAt: t + i, bytes })),
    );
    expect(results.map((r) => r.duplicate)).toEqual([false, true, true]);
    // The same picture on another call is that call's first frame.
    expect((await service.store({ callId: 'c2', agentId: 'a1', capturedAt: t + 5, bytes })).duplicate).toBe(false);
    expect(files(dataDir)).toHaveLength(4);
    const retention = await service.retentionTarget().deleteOlderThan(t + 100);
    expect(retention).toEqual({ screenshots: 2 });
    expect(files(dataDir)).toEqual([]);
  });
});
