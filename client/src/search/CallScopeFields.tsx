import { LINES, type Line, TOPIC_LABELS, TOPICS, type Topic } from '@earshot/shared';
import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { recentAgentsQueryOptions } from './searchQueries.js';

/** The part of a filter form that says which calls: a time range, the agent, the line, the topic. */
export interface CallScope {
  from: string;
  to: string;
  agentId: string;
  line: Line | '';
  topic: Topic | '';
}

/**
 * From, To, Agent, Line and Topic fields, shared by the Search and Recordings pages (each keeps the values
 * in its own form state). Test ids are `<testIdPrefix>-from`, `-to`, `-agent`, `-line`, `-topic`.
 */
export function CallScopeFields({
  value,
  onChange,
  testIdPrefix,
}: {
  value: CallScope;
  /** One field changed: the caller merges it into its form. */
  onChange: (patch: Partial<CallScope>) => void;
  testIdPrefix: string;
}) {
  const agents = useQuery(recentAgentsQueryOptions());
  const ids = { from: useId(), to: useId(), agent: useId(), line: useId(), topic: useId() };
  // An agent in the address but not among the recent calls' agents still shows, by id.
  const agentOptions = agents.data ?? [];
  const unknownAgent = value.agentId !== '' && !agentOptions.some((a) => a.id === value.agentId);
  return (
    <>
      <div className="field">
        <label htmlFor={ids.from}>From</label>
        <input
          id={ids.from}
          className="input"
          type="datetime-local"
          value={value.from}
          onChange={(e) => onChange({ from: e.target.value })}
          data-testid={`${testIdPrefix}-from`}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.to}>To</label>
        <input
          id={ids.to}
          className="input"
          type="datetime-local"
          value={value.to}
          onChange={(e) => onChange({ to: e.target.value })}
          data-testid={`${testIdPrefix}-to`}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.agent}>Agent</label>
        <select
          id={ids.agent}
          className="select"
          value={value.agentId}
          onChange={(e) => onChange({ agentId: e.target.value })}
          data-testid={`${testIdPrefix}-agent`}
        >
          <option value="">Any agent</option>
          {unknownAgent && <option value={value.agentId}>{value.agentId}</option>}
          {agentOptions.map((agent) => (
            <option key={agent.id} value={agent.id}>
              {agent.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.line}>Line</label>
        <select
          id={ids.line}
          className="select"
          value={value.line}
          onChange={(e) => onChange({ line: e.target.value as CallScope['line'] })}
          data-testid={`${testIdPrefix}-line`}
        >
          <option value="">Any line</option>
          {LINES.map((line) => (
            <option key={line} value={line}>
              {line}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.topic}>Topic</label>
        <select
          id={ids.topic}
          className="select"
          value={value.topic}
          onChange={(e) => onChange({ topic: e.target.value as CallScope['topic'] })}
          data-testid={`${testIdPrefix}-topic`}
        >
          <option value="">Any topic</option>
          {TOPICS.map((topic) => (
            <option key={topic} value={topic}>
              {TOPIC_LABELS[topic]}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}
