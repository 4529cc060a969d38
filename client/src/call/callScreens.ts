import { type ScreenshotMeta, ScreenshotMetaSchema } from '@earshot/shared';
import { queryOptions } from '@tanstack/react-query';
import { z } from 'zod';
import { getJson } from '../lib/http.js';

/** How many of a call's screenshots the strip shows (the newest). */
export const SCREEN_STRIP_LIMIT = 60;

/** `GET /api/calls/:id/screens` answers the list, bare or as `{ screenshots }`; anything else is an error. */
const CallScreensAnswerSchema = z.union([
  z.array(ScreenshotMetaSchema),
  z.object({ screenshots: z.array(ScreenshotMetaSchema) }).transform((answer) => answer.screenshots),
]);

export function callScreensQueryOptions(callId: string) {
  return queryOptions({
    queryKey: ['calls', callId, 'screens'],
    queryFn: async ({ signal }) => {
      const answer = await getJson<unknown>(`/api/calls/${encodeURIComponent(callId)}/screens`, signal);
      const parsed = CallScreensAnswerSchema.safeParse(answer);
      if (!parsed.success) throw new Error("the server's list of screenshots was not understood");
      return mergeScreens([], parsed.data);
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Adds screenshots to a call's list: each once, oldest first; the same frame again keeps the newer lastSeenAt. */
export function mergeScreens(
  current: readonly ScreenshotMeta[],
  incoming: readonly ScreenshotMeta[],
): ScreenshotMeta[] {
  const byId = new Map(current.map((meta) => [meta.id, meta]));
  for (const meta of incoming) {
    const known = byId.get(meta.id);
    if (!known || meta.lastSeenAt >= known.lastSeenAt) byId.set(meta.id, meta);
  }
  return [...byId.values()].sort((a, b) => a.capturedAt - b.capturedAt || a.id.localeCompare(b.id));
}

/** An identical frame within this of the capture is not worth mentioning as "unchanged until". */
export const SCREEN_UNCHANGED_CAPTION_MIN_MS = 1_000;

/** Whether the frame was seen again (unchanged) long enough after its capture to say so in the caption. */
export function unchangedUntil(meta: ScreenshotMeta): number | null {
  return meta.lastSeenAt > meta.capturedAt + SCREEN_UNCHANGED_CAPTION_MIN_MS ? meta.lastSeenAt : null;
}
