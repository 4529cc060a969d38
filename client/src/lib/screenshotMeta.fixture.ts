import type { ScreenshotMeta } from '@earshot/shared';

/**
 * A screenshot's metadata for tests: captured (and last seen) at `capturedAt`, a 1280×720 WebP of call c1
 * with a 320×180 thumbnail; `overrides` set the rest. Client unit tests only.
 */
export function screenshotMetaFixture(
  id: string,
  capturedAt: number,
  overrides: Partial<ScreenshotMeta> = {},
): ScreenshotMeta {
  return {
    id,
    callId: 'c1',
    agentId: 'agent-001',
    capturedAt,
    receivedAt: capturedAt,
    lastSeenAt: capturedAt,
    mime: 'image/webp',
    width: 1280,
    height: 720,
    bytes: 1000,
    contentHash: id,
    thumbWidth: 320,
    thumbHeight: 180,
    ...overrides,
  };
}
