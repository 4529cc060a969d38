import { can, type Evaluation, type EvaluationSummary, WEAK_LINK_LABELS, WEAK_LINKS } from '@earshot/shared';
import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { canUse } from '../app/features.js';
import { useSession } from '../auth/session.js';
import { errorMessage } from '../lib/http.js';
import { formatDateTime } from '../lib/time.js';
import { formatScore } from './evaluationForm.js';
import { evaluationSummaryQueryOptions, evaluationsQueryOptions } from './evaluationQueries.js';
import './evaluations.css';

/** Filters kept in the URL, so a list (one agent's, one controller's) can be shared. */
function useFilters() {
  const [params, setParams] = useSearchParams();
  const agentId = params.get('agentId') || undefined;
  const evaluatorId = params.get('evaluatorId') || undefined;
  const set = (key: 'agentId' | 'evaluatorId', value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  return { agentId, evaluatorId, set };
}

/**
 * Evaluations by agent and by controller, newest first, with the averages per agent and how often each
 * weak link was named (the same figures the analytics use: GET /api/evaluations/summary).
 */
export function EvaluationsPage() {
  const { user } = useSession();
  const { agentId, evaluatorId, set } = useFilters();
  const list = useQuery(evaluationsQueryOptions({ agentId, evaluatorId, limit: 500 }));
  const mayAnalyse = can(user.role, 'analytics:view');
  const summary = useQuery({ ...evaluationSummaryQueryOptions(), enabled: mayAnalyse });
  const agentSelectId = useId();
  const agents = summary.data?.agents ?? [];
  const evaluatorName =
    evaluatorId === undefined ? null : (list.data?.find((e) => e.evaluatorId === evaluatorId)?.evaluatorName ?? null);

  return (
    <div className="content-page evaluations-page" data-testid="evaluations-page">
      <title>Evaluations · Earshot</title>
      <header className="page-header">
        <h1>Evaluations</h1>
        <p className="page-lead">
          Scored calls, per agent and per controller. Open one to hear the moments its comments are pinned to.
        </p>
      </header>
      {mayAnalyse && summary.data && <SummaryCharts summary={summary.data} onAgent={(id) => set('agentId', id)} />}
      <div className="evaluations-filters">
        <div className="field">
          <label htmlFor={agentSelectId}>Agent</label>
          <select
            id={agentSelectId}
            className="select"
            value={agentId ?? ''}
            onChange={(e) => set('agentId', e.currentTarget.value || undefined)}
            data-testid="evaluations-agent"
          >
            <option value="">All agents</option>
            {agentId !== undefined && !agents.some((a) => a.agentId === agentId) && (
              <option value={agentId}>{agentId}</option>
            )}
            {agents.map((agent) => (
              <option key={agent.agentId ?? 'none'} value={agent.agentId ?? ''}>
                {agent.agentName ?? agent.agentId ?? 'No agent'}
              </option>
            ))}
          </select>
        </div>
        <div className="evaluations-by">
          {evaluatorId !== undefined ? (
            <button
              type="button"
              className="chip"
              aria-pressed="true"
              onClick={() => set('evaluatorId', undefined)}
              title="Show everyone's"
            >
              by {evaluatorName ?? evaluatorId} ×
            </button>
          ) : (
            <button
              type="button"
              className="chip"
              aria-pressed="false"
              onClick={() => set('evaluatorId', user.id)}
              data-testid="evaluations-mine"
            >
              Only mine
            </button>
          )}
        </div>
      </div>
      {list.isPending && <p className="muted">Loading evaluations…</p>}
      {list.isError && (
        <p className="notice notice-error" role="alert">
          Could not load evaluations: {errorMessage(list.error)}
        </p>
      )}
      {list.isSuccess && list.data.length === 0 && (
        <p className="empty-state" data-testid="evaluations-empty">
          No evaluations {agentId || evaluatorId ? 'match these filters' : 'yet'}.
        </p>
      )}
      {list.isSuccess && list.data.length > 0 && <EvaluationTable evaluations={list.data} onFilter={set} />}
    </div>
  );
}

function EvaluationTable({
  evaluations,
  onFilter,
}: {
  evaluations: readonly Evaluation[];
  onFilter: (key: 'agentId' | 'evaluatorId', value: string | undefined) => void;
}) {
  const { user } = useSession();
  const mayReview = canUse(user.role, 'review');
  const now = Date.now();
  return (
    <div className="table-wrap">
      <table className="table" data-testid="evaluations-table">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Agent</th>
            <th scope="col">Controller</th>
            <th scope="col" className="num">
              Score
            </th>
            <th scope="col">Weak link</th>
            <th scope="col">Moments</th>
            <th scope="col">
              <span className="sr-only">Open</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {evaluations.map((evaluation) => (
            <tr key={evaluation.id} data-testid="evaluation-row" data-call-id={evaluation.callId}>
              <td>
                {formatDateTime(evaluation.submittedAt ?? evaluation.updatedAt, now)}
                {evaluation.status === 'draft' && <span className="tag">draft</span>}
              </td>
              <td>
                {evaluation.agentId ? (
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => onFilter('agentId', evaluation.agentId ?? undefined)}
                  >
                    {evaluation.agentName ?? evaluation.agentId}
                  </button>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => onFilter('evaluatorId', evaluation.evaluatorId)}
                >
                  {evaluation.evaluatorName}
                </button>
              </td>
              <td className="num timer" data-testid="evaluation-row-score">
                {formatScore(evaluation.score)}
              </td>
              <td>
                {evaluation.weakLink ? WEAK_LINK_LABELS[evaluation.weakLink.kind] : <span className="muted">—</span>}
              </td>
              <td className="num">{evaluation.moments.length}</td>
              <td>
                {/* Supervisors read evaluations but do not play recordings: they get the call page. */}
                <Link
                  to={`/calls/${encodeURIComponent(evaluation.callId)}${mayReview ? '/review' : ''}`}
                  className="button button-small"
                >
                  {mayReview ? 'Review' : 'Call'}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Average score per agent (click a bar for that agent's list) and the weak links named. */
function SummaryCharts({ summary, onAgent }: { summary: EvaluationSummary; onAgent: (agentId: string) => void }) {
  if (summary.agents.length === 0) return null;
  const byScore = summary.agents
    .filter((agent) => agent.averageScore !== null)
    .map((agent) => ({
      agentId: agent.agentId ?? '',
      name: agent.agentName ?? agent.agentId ?? 'No agent',
      score: agent.averageScore ?? 0,
      count: agent.evaluations,
    }))
    .sort((a, b) => a.score - b.score)
    .slice(0, 12);
  const links = WEAK_LINKS.map((kind) => ({ name: WEAK_LINK_LABELS[kind], count: summary.weakLinks[kind] }));
  return (
    <div className="evaluations-charts">
      <section className="panel" aria-label="Average score per agent" data-testid="evaluations-chart">
        <h2 className="panel-title">Average score, lowest first</h2>
        <div style={{ height: 30 * byScore.length + 40 }}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={byScore} layout="vertical" margin={{ top: 0, right: 48, bottom: 0, left: 0 }}>
              <CartesianGrid horizontal={false} stroke="#222c39" />
              <XAxis type="number" domain={[0, 100]} stroke="#6b7889" fontSize={12} />
              <YAxis type="category" dataKey="name" width={150} stroke="#94a1b2" fontSize={13} />
              <Tooltip
                cursor={{ fill: 'rgba(255,255,255,0.04)' }}
                contentStyle={{ background: '#18202b', border: '1px solid #3a4657' }}
                formatter={(value, _name, item) => [
                  `${Number(value).toFixed(1)} over ${(item.payload as { count: number }).count} evaluations`,
                  'Average',
                ]}
              />
              <Bar
                dataKey="score"
                fill="#f5b83d"
                isAnimationActive={false}
                maxBarSize={22}
                cursor="pointer"
                onClick={(entry) => {
                  const id = (entry as { agentId?: string }).agentId;
                  if (id) onAgent(id);
                }}
              >
                <LabelList
                  dataKey="score"
                  position="right"
                  fill="#e8edf3"
                  fontSize={12}
                  formatter={(v) => Number(v).toFixed(1)}
                />
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </div>
      </section>
      <section className="panel" aria-label="Weak links named">
        <h2 className="panel-title">Weak links named</h2>
        <ul className="evaluations-weak-links">
          {links.map((link) => (
            <li key={link.name}>
              <span>{link.name}</span>
              <span className="timer">{link.count}</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
