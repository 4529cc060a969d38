import {
  type Call,
  type CallDetail,
  type CallEventRecord,
  type EndReason,
  MONITOR_STARTED_EVENT_TYPE,
  MONITOR_STOPPED_EVENT_TYPE,
  TOPIC_LABELS,
  TOPICS,
  type Topic,
} from '@earshot/shared';

/** History in the order things happened; an event seen twice (history and live) is kept once. */
export function mergeEvents(
  existing: readonly CallEventRecord[],
  incoming: readonly CallEventRecord[],
): CallEventRecord[] {
  const byId = new Map<string, CallEventRecord>();
  for (const event of existing) byId.set(event.eventId, event);
  for (const event of incoming) byId.set(event.eventId, event);
  return [...byId.values()].sort((a, b) => a.at - b.at || a.receivedAt - b.receivedAt);
}

/** The newer of two versions of one call, by the time of the last event applied to each. */
export function newerCall(current: Call, incoming: Call): Call {
  return incoming.lastEventAt >= current.lastEventAt ? incoming : current;
}

/**
 * Combines what we hold with what arrived (an HTTP answer, a watch answer), whichever order they land in:
 * the newer call wins and the histories are merged, so a slow answer never rolls the page back.
 */
export function mergeDetail(current: CallDetail | undefined, incoming: CallDetail): CallDetail {
  if (!current || current.call.id !== incoming.call.id) return incoming;
  return { call: newerCall(current.call, incoming.call), events: mergeEvents(current.events, incoming.events) };
}

export const END_REASON_LABELS: Record<EndReason, string> = {
  caller_hangup: 'Caller hung up',
  agent_hangup: 'Agent hung up',
  abandoned: 'Abandoned: the caller hung up while waiting',
  server_restart: 'Closed when the server restarted; the true end is unknown',
};

function text(detail: CallEventRecord['detail'], key: string): string | null {
  const value = detail[key];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function topicLabel(value: string | null): string | null {
  const topic = TOPICS.find((t): t is Topic => t === value);
  return topic ? TOPIC_LABELS[topic] : value;
}

/** One history entry in words, as the call page lists it. */
const MONITOR_STARTED_WORDS: Record<string, string> = {
  listen: 'started listening',
  whisper: 'started whispering to the agent',
  barge: 'barged in',
};
const MONITOR_STOPPED_WORDS: Record<string, string> = {
  listen: 'stopped listening',
  whisper: 'stopped whispering',
  barge: 'stopped barging in',
};
const MONITOR_STOP_REASONS: Record<string, string> = {
  disconnected: ' (connection lost)',
  call_ended: ' (the call ended)',
  permission_lost: ' (no longer allowed)',
  replaced: ' (taken over elsewhere)',
  server_closing: ' (server restarting)',
};

/**
 * Whether the call page lists an event: a controller switching mode (listen → barge) writes a stop and a
 * start; the start alone says it.
 */
export function shownInHistory(event: CallEventRecord): boolean {
  return !(event.type === MONITOR_STOPPED_EVENT_TYPE && text(event.detail, 'reason') === 'switched');
}

export function describeEvent(event: CallEventRecord): string {
  const { detail } = event;
  switch (event.type) {
    case 'call.offered': {
      const line = text(detail, 'line');
      const topic = topicLabel(text(detail, 'topic'));
      return ['Offered', line && `on line ${line}`, topic && `· ${topic}`].filter(Boolean).join(' ');
    }
    case 'call.answered': {
      const agent = text(detail, 'agentName');
      return agent ? `Answered by ${agent}` : 'Answered';
    }
    case 'call.held':
      return 'Put on hold';
    case 'call.resumed':
      return 'Taken off hold';
    case 'call.transferred': {
      const agent = text(detail, 'toAgentName');
      return agent ? `Transferred to ${agent}` : 'Transferred';
    }
    case 'call.ended': {
      const reason = text(detail, 'reason');
      const label = reason && reason in END_REASON_LABELS ? END_REASON_LABELS[reason as EndReason] : null;
      return label ? `Ended · ${label}` : 'Ended';
    }
    case 'call.closed_by_server':
      return 'Closed by the server: it restarted while the call was live';
    case MONITOR_STARTED_EVENT_TYPE: {
      const who = text(detail, 'userName') ?? 'A controller';
      const mode = text(detail, 'mode');
      return `${who} ${MONITOR_STARTED_WORDS[mode ?? ''] ?? 'joined the audio'}`;
    }
    case MONITOR_STOPPED_EVENT_TYPE: {
      const who = text(detail, 'userName') ?? 'A controller';
      const mode = text(detail, 'mode');
      const why = MONITOR_STOP_REASONS[text(detail, 'reason') ?? ''] ?? '';
      return `${who} ${MONITOR_STOPPED_WORDS[mode ?? ''] ?? 'left the audio'}${why}`;
    }
    default:
      return event.type;
  }
}
