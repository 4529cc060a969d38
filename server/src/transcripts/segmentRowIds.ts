/**
 * Row ids of transcript segments, chosen so that their order is the order of their calls' offer times:
 * `(whole seconds from 2000-01-01 to the call's offeredAt) × 2^20 + a counter` within that second. The search
 * index is keyed by these ids, so
 * - "newest first" is one walk of the index in descending id order (newest calls first), stopping at `limit`;
 * - a time range on the offer becomes an id range the index seeks to, instead of a walk over every newer
 *   match (which made a past week of a common word cost 200 ms at a million lines).
 * The ids stay below 2^53 (exact as JS numbers, both drivers read them as numbers) for 270 years; a
 * million segments (2^20) of calls offered within one second is far beyond any centre. Fewer counter bits
 * keep the gaps between calls' ids, and so the index's delta-encoded doclists, small.
 */
export const ROWID_COUNTER_BITS = 20;
const SLOT = 2 ** ROWID_COUNTER_BITS;
/** EpochMsSchema refuses anything before this, so no call is offered earlier. */
const EPOCH_2000_MS = 946_684_800_000;

const secondOf = (epochMs: number) => Math.max(0, Math.floor((epochMs - EPOCH_2000_MS) / 1000));

/** The ids segments of calls offered at `offeredAt` may take: [first, last]. */
export function rowIdSlot(offeredAt: number): { first: number; last: number } {
  const first = secondOf(offeredAt) * SLOT;
  return { first, last: first + SLOT - 1 };
}

/** Ids that can belong to calls offered within [from, to] (either open); a superset, refined by the call's time. */
export function rowIdRange(
  from: number | undefined,
  to: number | undefined,
): { min: number | null; max: number | null } {
  const min = from === undefined ? null : rowIdSlot(from).first;
  const max = to === undefined ? null : Math.min(Number.MAX_SAFE_INTEGER, rowIdSlot(to).last);
  return { min, max };
}
