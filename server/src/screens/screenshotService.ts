import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ScreenshotMeta, ScreenshotUploadResult } from '@earshot/shared';
import type { Logger } from '../logger.js';
import { resolveMediaPath } from '../media/paths.js';
import type { RetentionTarget } from '../retention/retentionService.js';
import { checkImage, SCREENSHOT_EXTENSIONS } from './imageCheck.js';
import type { ScreenshotRepository, StoredScreenshot } from './screenshotRepository.js';

/** Screenshots live under DATA_DIR/screens/<yyyy-mm-dd of capture, UTC>/. */
export const SCREENS_DIR = 'screens';
/** Screenshot ids are UUIDs: anything else names no screenshot (and never reaches a path). */
export const SCREENSHOT_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RETENTION_BATCH = 500;

export interface ScreenshotUpload {
  callId: string;
  agentId: string;
  capturedAt: number;
  bytes: Buffer;
}

export type ScreenshotListener = (meta: ScreenshotMeta) => void;

/**
 * Stores screenshots: checks the image, stores identical consecutive frames of an agent's call once, writes
 * the image (as received: re-encoding would cost CPU per frame and lose detail the reviewer may need) and its
 * WebP thumbnail, then the row. Files are written to a temporary name in their directory and renamed, and
 * removed again if anything after fails, so a refused or failed upload leaves nothing behind.
 */
export class ScreenshotService {
  private readonly listeners = new Set<ScreenshotListener>();
  /** Per agent: the tail of its uploads, so de-duplication compares with the frame stored just before. */
  private readonly agentTails = new Map<string, Promise<unknown>>();

  constructor(
    private readonly deps: {
      repository: ScreenshotRepository;
      dataDir: string;
      now: () => number;
      logger: Logger;
    },
  ) {}

  onStored(listener: ScreenshotListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Throws ImageRejection for a refused image (nothing stored). */
  store(upload: ScreenshotUpload): Promise<ScreenshotUploadResult> {
    const previous = this.agentTails.get(upload.agentId) ?? Promise.resolve();
    const result = previous.then(() => this.storeNow(upload));
    const tail = result.catch(() => {});
    this.agentTails.set(upload.agentId, tail);
    void tail.then(() => {
      if (this.agentTails.get(upload.agentId) === tail) this.agentTails.delete(upload.agentId);
    });
    return result;
  }

  private async storeNow(upload: ScreenshotUpload): Promise<ScreenshotUploadResult> {
    const checked = await checkImage(upload.bytes);
    const contentHash = createHash('sha256').update(upload.bytes).digest('hex');
    const last = await this.deps.repository.latestOfAgent(upload.agentId);
    if (last && last.meta.contentHash === contentHash && last.meta.callId === upload.callId) {
      // Nothing new to store, but the screen is still live: dashboards judge staleness by lastSeenAt.
      const seen = (await this.deps.repository.markSeen(last.meta.id, upload.capturedAt))?.meta ?? last.meta;
      if (seen.lastSeenAt !== last.meta.lastSeenAt) this.announce(seen);
      return { screenshot: seen, duplicate: true };
    }
    const id = randomUUID();
    const day = new Date(upload.capturedAt).toISOString().slice(0, 10);
    const fileName = `${id}.${SCREENSHOT_EXTENSIONS[checked.mime]}`;
    const thumbName = `${id}.thumb.webp`;
    const dir = await resolveMediaPath(this.deps.dataDir, SCREENS_DIR, day);
    await mkdir(dir, { recursive: true });
    const filePath = await resolveMediaPath(this.deps.dataDir, SCREENS_DIR, day, fileName);
    const thumbPath = await resolveMediaPath(this.deps.dataDir, SCREENS_DIR, day, thumbName);
    const meta: ScreenshotMeta = {
      id,
      callId: upload.callId,
      agentId: upload.agentId,
      capturedAt: upload.capturedAt,
      receivedAt: this.deps.now(),
      lastSeenAt: upload.capturedAt,
      mime: checked.mime,
      width: checked.width,
      height: checked.height,
      bytes: upload.bytes.length,
      contentHash,
      thumbWidth: checked.thumbWidth,
      thumbHeight: checked.thumbHeight,
    };
    const written: string[] = [];
    try {
      await writeAtomically(filePath, upload.bytes, written);
      await writeAtomically(thumbPath, checked.thumb, written);
      await this.deps.repository.insert({
        meta,
        filePath: [SCREENS_DIR, day, fileName].join('/'),
        thumbPath: [SCREENS_DIR, day, thumbName].join('/'),
      });
    } catch (error) {
      await Promise.all(written.map((file) => rm(file, { force: true })));
      throw error;
    }
    this.announce(meta);
    return { screenshot: meta, duplicate: false };
  }

  /** Tells listeners (the socket layer) about a new frame or a newer lastSeenAt of the stored one. */
  private announce(meta: ScreenshotMeta): void {
    for (const listener of this.listeners) {
      try {
        listener(meta);
      } catch (error) {
        this.deps.logger.error('screens: a listener failed', { error });
      }
    }
  }

  get(id: string): Promise<StoredScreenshot | undefined> {
    if (!SCREENSHOT_ID_PATTERN.test(id)) return Promise.resolve(undefined);
    return this.deps.repository.get(id);
  }

  listForCall(callId: string): Promise<ScreenshotMeta[]> {
    return this.deps.repository.listForCall(callId);
  }

  latestForCalls(callIds: readonly string[]): Promise<Map<string, ScreenshotMeta>> {
    return this.deps.repository.latestForCalls(callIds);
  }

  /** The absolute path of a stored file, through resolveMediaPath (the stored path is never trusted blindly). */
  resolveStoredPath(relative: string): Promise<string> {
    return resolveMediaPath(this.deps.dataDir, ...relative.split('/'));
  }

  /** Deletes screenshots captured before the cutoff: their files first, then their rows. */
  retentionTarget(): RetentionTarget {
    return {
      name: 'screenshots',
      deleteOlderThan: async (cutoffMs) => {
        let screenshots = 0;
        for (;;) {
          const batch = await this.deps.repository.listCapturedBefore(cutoffMs, RETENTION_BATCH);
          if (batch.length === 0) break;
          for (const stored of batch) {
            for (const relative of [stored.filePath, stored.thumbPath]) {
              await rm(await this.resolveStoredPath(relative), { force: true });
            }
          }
          screenshots += await this.deps.repository.deleteIds(batch.map((s) => s.meta.id));
          if (batch.length < RETENTION_BATCH) break;
        }
        return { screenshots };
      },
    };
  }
}

/** Writes to `<file>.<random>.tmp` in the same directory and renames (atomic on one file system). */
async function writeAtomically(file: string, data: Buffer, written: string[]): Promise<void> {
  const temp = path.join(path.dirname(file), `${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  written.push(temp);
  await writeFile(temp, data, { flag: 'wx' });
  written.push(file);
  await rename(temp, file);
}
