import { type Call, DEFAULT_WALLBOARD_SETTINGS, type SessionInfo } from '@earshot/shared';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it } from 'vitest';
import { SESSION_QUERY_KEY, type SessionState } from '../auth/session.js';
import { CallTile } from './CallTile.js';
import { makeCall } from './testCalls.js';

const session: SessionInfo = {
  user: { id: 'u1', username: 'qc', displayName: 'QC', role: 'controller', agentId: null, disabled: false },
  permissions: [],
  csrfToken: 't',
  expiresAt: Date.now() + 3_600_000,
};

/** The tile as the browser first renders it (server markup: the same tree, no effects). */
function renderTile(call: Call, settings = DEFAULT_WALLBOARD_SETTINGS): HTMLish {
  const queryClient = new QueryClient();
  const signedIn: SessionState = { status: 'signed_in', info: session };
  queryClient.setQueryData<SessionState>(SESSION_QUERY_KEY, signedIn);
  const html = renderToStaticMarkup(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter>
        <CallTile call={call} settings={settings} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return new HTMLish(html);
}

/** Just enough reading of the markup for these checks. */
class HTMLish {
  constructor(readonly html: string) {}
  /** An attribute of the tile's link (the element with data-testid="call-tile"). */
  attr(name: string): string | null {
    const tag = /<a [^>]*data-testid="call-tile"[^>]*>/.exec(this.html)?.[0] ?? '';
    return new RegExp(` ${name}="([^"]*)"`).exec(tag)?.[1] ?? null;
  }
  text(): string {
    return this.html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
  }
}

const talking = (overrides: Partial<Call>) =>
  makeCall({ id: 'c1', answeredAt: Date.now() - 120_000, offeredAt: Date.now() - 130_000, ...overrides });

describe('call tile: silence, dead air, sentiment', () => {
  it('shows a ticking silence badge in place of the state, without an alert, below the threshold', () => {
    const tile = renderTile(
      talking({ silence: { silentSince: Date.now() - 5_500, screenChanges: 0, screenSeen: true } }),
    );
    expect(tile.attr('data-dead-air')).toBe('no');
    expect(tile.html).toContain('data-testid="silence-badge"');
    expect(tile.text()).toMatch(/silent [56] s/);
    expect(tile.html).not.toContain('data-testid="dead-air-alert"');
    expect(tile.html).not.toContain('data-testid="call-state"');
  });

  it('raises the alert past the threshold, saying stuck or working, apart from the long-call colours', () => {
    const stuck = renderTile(
      talking({ silence: { silentSince: Date.now() - 15_000, screenChanges: 0, screenSeen: true } }),
    );
    expect(stuck.attr('data-dead-air')).toBe('stuck');
    expect(stuck.attr('data-severity')).toBe('normal');
    expect(stuck.attr('aria-label')).toContain('dead air for 1');
    expect(stuck.text()).toContain('Dead air · stuck');
    expect(stuck.text()).toContain('screen still');

    const working = renderTile(
      talking({ silence: { silentSince: Date.now() - 15_000, screenChanges: 3, screenSeen: true } }),
    );
    expect(working.attr('data-dead-air')).toBe('working');
    expect(working.text()).toContain('Dead air · working');

    const blind = renderTile(
      talking({ silence: { silentSince: Date.now() - 15_000, screenChanges: 0, screenSeen: false } }),
    );
    expect(blind.attr('data-dead-air')).toBe('unknown');
    expect(blind.text()).toContain('no screenshots');
  });

  it('follows the threshold in the settings', () => {
    const call = talking({ silence: { silentSince: Date.now() - 15_000, screenChanges: 0, screenSeen: true } });
    const settings = { ...DEFAULT_WALLBOARD_SETTINGS, deadAirThresholdMs: 30_000 };
    expect(renderTile(call, settings).attr('data-dead-air')).toBe('no');
  });

  it('shows no silence on hold even if a stale one came along', () => {
    const tile = renderTile(
      talking({
        state: 'hold',
        holdSince: Date.now() - 20_000,
        silence: { silentSince: Date.now() - 20_000, screenChanges: 0, screenSeen: true },
      }),
    );
    expect(tile.attr('data-dead-air')).toBe('no');
    expect(tile.html).not.toContain('silence-badge');
    expect(tile.html).toContain('data-testid="call-state"');
  });

  it('carries the sentiment as a chip with its word', () => {
    const tile = renderTile(talking({ sentiment: { label: 'negative', score: -0.6, final: false } }));
    expect(tile.html).toContain('data-sentiment="negative"');
    expect(tile.attr('aria-label')).toContain('sentiment negative');
    expect(renderTile(talking({})).html).not.toContain('sentiment-chip');
  });
});
