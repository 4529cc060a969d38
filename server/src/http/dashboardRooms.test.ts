import { describe, expect, it } from 'vitest';
import {
  agentRoom,
  callRoom,
  reassignRooms,
  SETTINGS_ROOM,
  screensRoom,
  WALLBOARD_MASKED_ROOM,
  WALLBOARD_ROOM,
  wallboardRoomFor,
} from './dashboardRooms.js';

function member(...rooms: string[]) {
  const set = new Set(['socket-id', ...rooms]);
  return { rooms: set, join: (room: string) => set.add(room), leave: (room: string) => set.delete(room) };
}

describe('dashboard rooms', () => {
  it('puts roles that may see caller numbers in the full rooms and the others in the masked ones', () => {
    expect(wallboardRoomFor('controller')).toBe(WALLBOARD_ROOM);
    expect(wallboardRoomFor('admin')).toBe(WALLBOARD_ROOM);
    expect(wallboardRoomFor('supervisor')).toBe(WALLBOARD_MASKED_ROOM);
    // Ids may contain ':'; the two variants of different calls never share a name.
    expect(callRoom('a:masked', false)).not.toBe(callRoom('a', true));
  });

  it('moves a demoted controller to the masked rooms, keeping the socket id room', () => {
    const socket = member(WALLBOARD_ROOM, SETTINGS_ROOM, callRoom('c1', false));
    reassignRooms(socket, 'supervisor');
    expect([...socket.rooms].sort()).toEqual(
      ['socket-id', WALLBOARD_MASKED_ROOM, SETTINGS_ROOM, callRoom('c1', true)].sort(),
    );
  });

  it('moves a promoted supervisor to the full rooms', () => {
    const socket = member(WALLBOARD_MASKED_ROOM, SETTINGS_ROOM, callRoom('c1', true));
    reassignRooms(socket, 'controller');
    expect([...socket.rooms].sort()).toEqual(
      ['socket-id', WALLBOARD_ROOM, SETTINGS_ROOM, callRoom('c1', false)].sort(),
    );
  });

  it('takes a user who may no longer see calls out of every room that shows them', () => {
    const socket = member(WALLBOARD_ROOM, SETTINGS_ROOM, callRoom('c1', false));
    reassignRooms(socket, 'trainer');
    expect([...socket.rooms]).toEqual(['socket-id']);
  });

  it('takes a socket out of screen rooms when its new role may not view screens', () => {
    const socket = member(screensRoom('c1'));
    reassignRooms(socket, 'controller');
    expect(socket.rooms.has(screensRoom('c1'))).toBe(true);
    reassignRooms(socket, 'trainer');
    expect(socket.rooms.has(screensRoom('c1'))).toBe(false);
    const capture = member(agentRoom('agent-1'));
    reassignRooms(capture, 'supervisor');
    expect(capture.rooms.has(agentRoom('agent-1'))).toBe(false);
  });
});
