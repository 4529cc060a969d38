import type { AuthSocketData, User } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { createSocketSessionGuard, type GuardedSocket, socketCan } from './socket.js';

const controller: User = {
  id: 'u1',
  username: 'carol',
  displayName: 'Carol',
  role: 'controller',
  agentId: null,
  disabled: false,
};

function socket(data: AuthSocketData): GuardedSocket & { closed: boolean; handshake: { headers: object } } {
  return {
    data,
    closed: false,
    handshake: { headers: {} },
    disconnect() {
      this.closed = true;
    },
  };
}

describe('socketCan', () => {
  it('allows what the role may do while the session lasts', () => {
    const s = socket({ user: controller, sessionId: 's1', sessionAbsoluteExpiresAt: 1_000 });
    expect(socketCan(s, 'audio:listen', 999)).toBe(true);
    expect(socketCan(s, 'users:manage', 999)).toBe(false);
    expect(socketCan(s, 'audio:listen', 1_000)).toBe(false);
  });

  it('refuses a socket nobody signed in on', () => {
    expect(socketCan(socket({}), 'wallboard:view')).toBe(false);
  });
});

describe('socket session guard', () => {
  it('closes the sockets of revoked sessions only', () => {
    const a = socket({ user: controller, sessionId: 's1' });
    const b = socket({ user: controller, sessionId: 's2' });
    const guard = createSocketSessionGuard([
      {
        sockets: new Map([
          ['a', a],
          ['b', b],
        ]),
      },
    ]);
    guard.sessionsRevoked(['s1']);
    expect([a.closed, b.closed]).toEqual([true, false]);
  });

  it('gives live sockets a changed role at once, and closes those of a disabled user', () => {
    const a = socket({ user: controller, sessionId: 's1' });
    const other = socket({ user: { ...controller, id: 'u2' }, sessionId: 's3' });
    const guard = createSocketSessionGuard([{ sockets: new Map([['a', a]]) }, { sockets: new Map([['o', other]]) }]);
    guard.userChanged({ ...controller, role: 'supervisor' });
    expect(a.data.user?.role).toBe('supervisor');
    expect(socketCan(a, 'audio:listen')).toBe(false);
    expect(other.data.user?.role).toBe('controller');
    guard.userChanged({ ...controller, disabled: true });
    expect(a.closed).toBe(true);
  });

  it('closes sockets whose session reached its absolute end', () => {
    const ending = socket({ user: controller, sessionId: 's1', sessionAbsoluteExpiresAt: 1_000 });
    const lasting = socket({ user: controller, sessionId: 's2', sessionAbsoluteExpiresAt: 5_000 });
    const guard = createSocketSessionGuard([
      {
        sockets: new Map([
          ['e', ending],
          ['l', lasting],
        ]),
      },
    ]);
    expect(guard.sessionsExpired(999)).toBe(0);
    expect(guard.sessionsExpired(1_000)).toBe(1);
    expect([ending.closed, lasting.closed]).toEqual([true, false]);
  });
});
