import { can, type Role } from '@earshot/shared';
import { seesCallerNumbers } from '../calls/privacy.js';

/**
 * The dashboard namespace's rooms. What is broadcast to a room is computed once per change, not per socket,
 * so the audiences that must see different data get different rooms: one with caller numbers in full, one
 * with them masked. A socket joins the variant its role allows.
 */
export const WALLBOARD_ROOM = 'wallboard';
export const WALLBOARD_MASKED_ROOM = 'wallboard:masked';
/** Every socket whose role may view the wallboard: they hear `settings:updated`. */
export const SETTINGS_ROOM = 'settings';

// Distinct prefixes: call ids may contain ':', so a suffix could collide with another call's id.
const CALL_ROOM_PREFIX = 'call:';
const CALL_MASKED_ROOM_PREFIX = 'call-masked:';

const SCREENS_ROOM_PREFIX = 'screens:';
const AGENT_ROOM_PREFIX = 'agent:';

/** Dashboards with this call's tile on screen (after `screens:watch`): they hear `screen:captured`. */
export const screensRoom = (callId: string) => `${SCREENS_ROOM_PREFIX}${callId}`;
export const isScreensRoom = (room: string) => room.startsWith(SCREENS_ROOM_PREFIX);
/** An agent's capture pages (after `capture:join`): they hear `capture:state`. */
export const agentRoom = (agentId: string) => `${AGENT_ROOM_PREFIX}${agentId}`;

export function wallboardRoomFor(role: Role): string {
  return seesCallerNumbers(role) ? WALLBOARD_ROOM : WALLBOARD_MASKED_ROOM;
}

export function callRoom(callId: string, masked: boolean): string {
  return `${masked ? CALL_MASKED_ROOM_PREFIX : CALL_ROOM_PREFIX}${callId}`;
}

export function callRoomFor(callId: string, role: Role): string {
  return callRoom(callId, !seesCallerNumbers(role));
}

/** The part of a server-side socket that room bookkeeping needs. */
export interface RoomMember {
  rooms: Set<string>;
  join(room: string): unknown;
  leave(room: string): unknown;
}

/**
 * After a user's role changed: moves each of the socket's rooms to the variant the new role allows, or out
 * of it when the role may no longer see it at all. The wallboard's sequence numbers are shared by both of
 * its rooms, so a socket moved between them keeps applying deltas without a gap.
 */
export function reassignRooms(socket: RoomMember, role: Role): void {
  for (const room of [...socket.rooms]) {
    let target: string | null = room;
    if (room === WALLBOARD_ROOM || room === WALLBOARD_MASKED_ROOM) {
      target = can(role, 'wallboard:view') ? wallboardRoomFor(role) : null;
    } else if (room === SETTINGS_ROOM) {
      target = can(role, 'wallboard:view') ? SETTINGS_ROOM : null;
    } else if (room.startsWith(CALL_ROOM_PREFIX) || room.startsWith(CALL_MASKED_ROOM_PREFIX)) {
      const callId = room.slice(
        room.startsWith(CALL_ROOM_PREFIX) ? CALL_ROOM_PREFIX.length : CALL_MASKED_ROOM_PREFIX.length,
      );
      target = can(role, 'calls:view') ? callRoomFor(callId, role) : null;
    } else if (room.startsWith(SCREENS_ROOM_PREFIX)) {
      target = can(role, 'screens:view') ? room : null;
    } else if (room.startsWith(AGENT_ROOM_PREFIX)) {
      target = can(role, 'screens:upload') ? room : null;
    }
    if (target === room) continue;
    void socket.leave(room);
    if (target !== null) void socket.join(target);
  }
  if (can(role, 'wallboard:view') && !socket.rooms.has(SETTINGS_ROOM)) void socket.join(SETTINGS_ROOM);
}
