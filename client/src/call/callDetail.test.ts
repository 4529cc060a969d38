import type { CallEventRecord } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { makeCall, T0 } from '../wallboard/testCalls.js';
import { describeEvent, mergeDetail, mergeEvents, shownInHistory } from './callDetail.js';

function event(eventId: string, at: number, type: string, detail: CallEventRecord['detail'] = {}): CallEventRecord {
  return { eventId, callId: 'c1', type, at, receivedAt: at + 5, detail };
}

describe('mergeEvents', () => {
  it('keeps each event once and in the order things happened', () => {
    const history = [event('e1', T0, 'call.offered'), event('e2', T0 + 5_000, 'call.answered')];
    const merged = mergeEvents(history, [
      event('e3', T0 + 9_000, 'call.held'),
      event('e2', T0 + 5_000, 'call.answered'),
    ]);
    expect(merged.map((e) => e.eventId)).toEqual(['e1', 'e2', 'e3']);
    expect(mergeEvents([event('late', T0 + 9, 'x')], [event('early', T0 + 1, 'x')]).map((e) => e.eventId)).toEqual([
      'early',
      'late',
    ]);
  });
});

describe('mergeDetail', () => {
  const older = { call: makeCall({ id: 'c1', lastEventAt: T0 + 10_000 }), events: [event('e1', T0, 'call.offered')] };
  const newer = {
    call: makeCall({ id: 'c1', state: 'hold', holdSince: T0 + 20_000, lastEventAt: T0 + 20_000 }),
    events: [event('e1', T0, 'call.offered'), event('e3', T0 + 20_000, 'call.held')],
  };

  it('keeps the newer call whichever answer lands last', () => {
    expect(mergeDetail(older, newer).call.state).toBe('hold');
    expect(mergeDetail(newer, older).call.state).toBe('hold');
    expect(mergeDetail(newer, older).events).toHaveLength(2);
  });

  it('takes the incoming detail when there is nothing yet, or it is another call', () => {
    expect(mergeDetail(undefined, older)).toBe(older);
    const other = { ...newer, call: makeCall({ id: 'c2' }) };
    expect(mergeDetail(older, other)).toBe(other);
  });
});

describe('describeEvent', () => {
  it('puts each event in words', () => {
    expect(describeEvent(event('1', T0, 'call.offered', { line: '0890', topic: 'mobile_internet' }))).toBe(
      'Offered on line 0890 · Mobile internet',
    );
    expect(describeEvent(event('2', T0, 'call.answered', { agentId: 'a7', agentName: 'Olga P.' }))).toBe(
      'Answered by Olga P.',
    );
    expect(describeEvent(event('3', T0, 'call.held'))).toBe('Put on hold');
    expect(describeEvent(event('4', T0, 'call.resumed'))).toBe('Taken off hold');
    expect(describeEvent(event('5', T0, 'call.transferred', { toAgentName: 'Ivan S.' }))).toBe(
      'Transferred to Ivan S.',
    );
    expect(describeEvent(event('6', T0, 'call.ended', { reason: 'abandoned' }))).toBe(
      'Ended · Abandoned: the caller hung up while waiting',
    );
    expect(describeEvent(event('7', T0, 'call.closed_by_server'))).toMatch(/restarted/);
  });

  it('falls back to the raw type or a plain word when details are missing', () => {
    expect(describeEvent(event('8', T0, 'call.answered'))).toBe('Answered');
    expect(describeEvent(event('9', T0, 'call.ended', { reason: 'weird' }))).toBe('Ended');
    expect(describeEvent(event('10', T0, 'call.something_new'))).toBe('call.something_new');
  });
});

describe('monitoring in the history', () => {
  const who = { userId: 'u1', userName: 'Olga Petrova' };
  it('says who started and stopped which mode, and why it stopped', () => {
    expect(describeEvent(event('m1', T0, 'monitor.started', { ...who, mode: 'listen', label: 'listening' }))).toBe(
      'Olga Petrova started listening',
    );
    expect(describeEvent(event('m2', T0, 'monitor.started', { ...who, mode: 'barge' }))).toBe('Olga Petrova barged in');
    expect(describeEvent(event('m3', T0, 'monitor.stopped', { ...who, mode: 'whisper', reason: 'left' }))).toBe(
      'Olga Petrova stopped whispering',
    );
    expect(describeEvent(event('m4', T0, 'monitor.stopped', { ...who, mode: 'listen', reason: 'disconnected' }))).toBe(
      'Olga Petrova stopped listening (connection lost)',
    );
  });

  it('leaves out the stop of a mode switch (the start that follows says it)', () => {
    expect(shownInHistory(event('m5', T0, 'monitor.stopped', { ...who, mode: 'listen', reason: 'switched' }))).toBe(
      false,
    );
    expect(shownInHistory(event('m6', T0, 'monitor.stopped', { ...who, mode: 'listen', reason: 'left' }))).toBe(true);
    expect(shownInHistory(event('m7', T0, 'call.held'))).toBe(true);
  });
});
