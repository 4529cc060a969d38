import { describe, expect, it } from 'vitest';
import {
  callRoom,
  reassignRooms,
  SETTINGS_ROOM,
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
});
