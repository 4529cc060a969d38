import {
  type Call,
  type CallDetail,
  type CallEventRecord,
  type CallsPage,
  can,
  maskPhoneNumber,
  type Role,
  type WallboardDelta,
  type WallboardSnapshot,
} from '@earshot/shared';

/**
 * Caller numbers are personal data: roles without `calls:view_caller_number` get them masked everywhere a
 * call leaves the server (API answers, wallboard snapshots and deltas, call rooms). These helpers make the
 * masked copy; the originals are never changed.
 */
export function seesCallerNumbers(role: Role): boolean {
  return can(role, 'calls:view_caller_number');
}

export function maskCall(call: Call): Call {
  return { ...call, callerNumber: maskPhoneNumber(call.callerNumber) };
}

/** History entries repeat the number in the offer's detail (`detail.callerNumber`). */
export function maskCallEventRecord(record: CallEventRecord): CallEventRecord {
  const number = record.detail.callerNumber;
  if (typeof number !== 'string') return record;
  return { ...record, detail: { ...record.detail, callerNumber: maskPhoneNumber(number) } };
}

export function maskCallDetail(detail: CallDetail): CallDetail {
  return { call: maskCall(detail.call), events: detail.events.map(maskCallEventRecord) };
}

export function maskCallsPage(page: CallsPage): CallsPage {
  return { ...page, items: page.items.map(maskCall) };
}

export function maskWallboardSnapshot(snapshot: WallboardSnapshot): WallboardSnapshot {
  return { ...snapshot, calls: snapshot.calls.map(maskCall) };
}

export function maskWallboardDelta(delta: WallboardDelta): WallboardDelta {
  return { ...delta, upserts: delta.upserts.map(maskCall) };
}
