import type { ScreenshotMime } from '@earshot/shared';

/** One stored screenshot: ScreenshotMeta plus where its files are (relative to DATA_DIR, `/`-separated). */
export interface ScreenshotsTable {
  id: string;
  call_id: string;
  agent_id: string;
  captured_at: number;
  received_at: number;
  last_seen_at: number;
  mime: ScreenshotMime;
  width: number;
  height: number;
  bytes: number;
  content_hash: string;
  thumb_width: number;
  thumb_height: number;
  file_path: string;
  thumb_path: string;
}

export interface ScreenshotTables {
  screenshots: ScreenshotsTable;
}
