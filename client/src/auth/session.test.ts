import type { SessionInfo } from '@earshot/shared';
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { endSession, SESSION_QUERY_KEY, type SessionState, signedOutReasonAfter } from './session.js';

const info: SessionInfo = {
  user: { id: 'u1', username: 'demo.admin', displayName: 'Demo admin', role: 'admin', agentId: null, disabled: false },
  permissions: ['users:manage'],
  csrfToken: 'token',
  expiresAt: Date.now() + 60_000,
};

describe('signedOutReasonAfter', () => {
  it('calls a 401 after a live session an expiry', () => {
    expect(signedOutReasonAfter({ status: 'signed_in', info })).toBe('expired');
  });

  it('keeps what was known otherwise', () => {
    expect(signedOutReasonAfter(undefined)).toBe('none');
    expect(signedOutReasonAfter({ status: 'signed_out', reason: 'signed_out' })).toBe('signed_out');
    expect(signedOutReasonAfter({ status: 'signed_out', reason: 'none' })).toBe('none');
  });
});

describe('endSession', () => {
  function signedInClient() {
    const client = new QueryClient();
    const state: SessionState = { status: 'signed_in', info };
    client.setQueryData(SESSION_QUERY_KEY, state);
    client.setQueryData(['admin', 'users'], [info.user]);
    client.setQueryData(['calls', 'x', 'detail'], { call: {}, events: [] });
    return client;
  }

  it('forgets every cached answer but the session, which records why it ended', () => {
    const client = signedInClient();
    endSession(client, 'expired');
    expect(client.getQueryData(SESSION_QUERY_KEY)).toEqual({ status: 'signed_out', reason: 'expired' });
    expect(client.getQueryData(['admin', 'users'])).toBeUndefined();
    expect(client.getQueryData(['calls', 'x', 'detail'])).toBeUndefined();
  });

  it('signs out on request', () => {
    const client = signedInClient();
    endSession(client, 'signed_out');
    expect(client.getQueryData(SESSION_QUERY_KEY)).toEqual({ status: 'signed_out', reason: 'signed_out' });
  });

  it('does not turn a 401 while nobody is signed in into an expiry', () => {
    const client = new QueryClient();
    const state: SessionState = { status: 'signed_out', reason: 'signed_out' };
    client.setQueryData(SESSION_QUERY_KEY, state);
    endSession(client, 'expired');
    expect(client.getQueryData(SESSION_QUERY_KEY)).toEqual(state);
  });
});
