import { LINES } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { callerNumberFor, createAgentPool, MAX_AGENTS } from './people.js';
import { Rng } from './random.js';

describe('createAgentPool', () => {
  it('names agents with distinct Belarusian/Russian first and last names and padded ids', () => {
    const agents = createAgentPool(40);
    expect(agents[6]?.id).toBe('agent-007');
    expect(new Set(agents.map((agent) => agent.name)).size).toBe(40);
    for (const agent of agents) expect(agent.name).toMatch(/^[А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+$/);
  });

  it('is the same people whatever else changes, and a larger pool extends a smaller one', () => {
    expect(createAgentPool(10)).toEqual(createAgentPool(40).slice(0, 10));
    expect(createAgentPool(1000).at(-1)?.id).toBe('agent-1000');
  });

  it('refuses impossible sizes', () => {
    expect(() => createAgentPool(0)).toThrow(/agent count/);
    expect(() => createAgentPool(MAX_AGENTS + 1)).toThrow(/agent count/);
  });
});

describe('callerNumberFor', () => {
  it('gives numbers that fit each line', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 500; i++) {
      expect(callerNumberFor(rng, '0890')).toMatch(/^\+375 (29|33) [1-9]\d{2}-\d{2}-\d{2}$/);
      expect(callerNumberFor(rng, '8 017 237-98-98')).toMatch(/^\+375 (44 |25 |17 |\d{3} )[\d-]+$/);
    }
    const abroad = Array.from({ length: 500 }, () => callerNumberFor(rng, '+375 29 7770890'));
    const belarusian = abroad.filter((number) => number.startsWith('+375')).length;
    expect(belarusian / abroad.length).toBeGreaterThan(0.7);
    expect(belarusian).toBeLessThan(abroad.length);
    for (const line of LINES) expect(callerNumberFor(rng, line).length).toBeLessThanOrEqual(32);
  });
});
