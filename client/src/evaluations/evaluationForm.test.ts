import { DEFAULT_SCORECARD, scoreEvaluation } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { answeredCount, pinMoment, submitProblems, unpinMoment, withAnswer } from './evaluationForm.js';

describe('evaluation form', () => {
  it('counts answers, n.a. included, and lists what stops a submit by question', () => {
    let answers = withAnswer({}, 'greeting', 'yes');
    answers = withAnswer(answers, 'identification', 'na');
    expect(answeredCount(DEFAULT_SCORECARD, answers)).toEqual({ done: 2, of: 7 });
    const problems = submitProblems(DEFAULT_SCORECARD, answers);
    expect([...problems.keys()].sort()).toEqual(
      ['closing', 'hold_etiquette', 'resolution', 'smile_in_voice', 'understanding'].sort(),
    );
    expect(problems.get('resolution')).toBe('not answered');

    // The greeting may not be n.a.; clearing an answer takes it out again.
    answers = withAnswer(answers, 'greeting', 'na');
    expect(submitProblems(DEFAULT_SCORECARD, answers).get('greeting')).toMatch(/n\.a\./);
    answers = withAnswer(answers, 'greeting', undefined);
    expect(answers).toEqual({ identification: 'na' });
  });

  it('scores what the form holds the way the server will', () => {
    const answers = {
      greeting: 'yes',
      identification: 'no',
      understanding: 5,
      resolution: 3,
      hold_etiquette: 'na',
      smile_in_voice: 4,
      closing: 'yes',
    } as const;
    expect(submitProblems(DEFAULT_SCORECARD, answers).size).toBe(0);
    // (1 + 0 + 2 + 3·0.6 + 0.8 + 1) / (1 + 2 + 2 + 3 + 1 + 1) = 6.6 / 10
    expect(scoreEvaluation(DEFAULT_SCORECARD, answers)).toBe(66);
  });

  it('keeps pinned moments in time order and removes the one asked for', () => {
    let moments = pinMoment([], 90_000, '  Long silence while the tariff page loads ');
    moments = pinMoment(moments, 12_345.6, 'No greeting');
    moments = pinMoment(moments, 45_000, 'Put on hold without asking');
    expect(moments.map((m) => [m.atMs, m.text])).toEqual([
      [12_346, 'No greeting'],
      [45_000, 'Put on hold without asking'],
      [90_000, 'Long silence while the tariff page loads'],
    ]);
    expect(unpinMoment(moments, 1).map((m) => m.atMs)).toEqual([12_346, 90_000]);
  });
});
