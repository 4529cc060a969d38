import type { CallsPage, SearchResult } from '@earshot/shared';
import { queryOptions } from '@tanstack/react-query';
import { getJson } from '../lib/http.js';

/** `GET /api/search` at the path the page built from its address (readSearchRequest). */
export function searchQueryOptions(apiPath: string) {
  return queryOptions({
    queryKey: ['search', apiPath],
    queryFn: ({ signal }) => getJson<SearchResult>(apiPath, signal),
    // What is stored changes only as calls end: a search read a minute ago is still good.
    staleTime: 60_000,
  });
}

export interface AgentOption {
  id: string;
  name: string;
}

/** How many recent calls the agent list is drawn from. */
const RECENT_CALLS_FOR_AGENTS = 500;

/**
 * The agents of the most recent calls, by name, for the agent filter (`GET /api/calls`, the same
 * permission as search). An agent whose calls are all older can still be searched by address (`agentId`).
 */
export function recentAgentsQueryOptions() {
  return queryOptions({
    queryKey: ['calls', 'recent-agents'],
    queryFn: async ({ signal }) => {
      const page = await getJson<CallsPage>(`/api/calls?limit=${RECENT_CALLS_FOR_AGENTS}`, signal);
      return agentsOf(page.items);
    },
    staleTime: 5 * 60_000,
  });
}

/** Distinct agents of these calls, sorted by name (then id, for two agents of one name). */
export function agentsOf(calls: readonly { agentId: string | null; agentName: string | null }[]): AgentOption[] {
  const byId = new Map<string, string>();
  for (const call of calls) {
    if (call.agentId !== null && !byId.has(call.agentId)) byId.set(call.agentId, call.agentName ?? call.agentId);
  }
  return [...byId]
    .map(([id, name]) => ({ id, name }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}
