import { describe, expect, it } from 'vitest';
import {
  checkAnswers,
  DEFAULT_SCORECARD,
  EvaluationInputSchema,
  type ScorecardInput,
  ScorecardInputSchema,
  scoreEvaluation,
  WeakLinkSchema,
} from './evaluations.js';

/** Weights 1, 2, 3: yes/no, yes/no (n.a. allowed), a 0–4 scale. */
const card: ScorecardInput = {
  name: 'Test',
  sections: [
    {
      title: 'One',
      questions: [
        { id: 'a', text: 'A', weight: 1, answer: { kind: 'yes_no' }, allowNotApplicable: false },
        { id: 'b', text: 'B', weight: 2, answer: { kind: 'yes_no' }, allowNotApplicable: true },
      ],
    },
    {
      title: 'Two',
      questions: [{ id: 'c', text: 'C', weight: 3, answer: { kind: 'scale', max: 4 }, allowNotApplicable: true }],
    },
  ],
};

describe('scoreEvaluation', () => {
  it('weighs each answer: 100 × Σ weight·fraction / Σ weight', () => {
    expect(scoreEvaluation(card, { a: 'yes', b: 'yes', c: 4 })).toBe(100);
    expect(scoreEvaluation(card, { a: 'no', b: 'no', c: 0 })).toBe(0);
    // (1·1 + 2·0 + 3·0.75) / 6 = 3.25 / 6 = 54.1666… → 54.2
    expect(scoreEvaluation(card, { a: 'yes', b: 'no', c: 3 })).toBe(54.2);
  });

  it('leaves n.a. and unanswered questions out of the denominator', () => {
    // Only a (1) and c (3): (1·0 + 3·0.5) / 4 = 37.5
    expect(scoreEvaluation(card, { a: 'no', b: 'na', c: 2 })).toBe(37.5);
    expect(scoreEvaluation(card, { a: 'no', c: 2 })).toBe(37.5);
    expect(scoreEvaluation(card, { b: 'yes' })).toBe(100);
  });

  it('is null when nothing scorable is answered', () => {
    expect(scoreEvaluation(card, {})).toBeNull();
    expect(scoreEvaluation(card, { b: 'na', c: 'na' })).toBeNull();
  });

  it('ignores answers that do not fit their question', () => {
    expect(scoreEvaluation(card, { a: 'yes', c: 9, zz: 'no' })).toBe(100);
    expect(scoreEvaluation(card, { a: 'yes', b: 3 })).toBe(100);
  });
});

describe('checkAnswers', () => {
  it('names each answer that does not fit, and each question left open when complete', () => {
    expect(checkAnswers(card, { a: 'na', b: 2, c: 5, zz: 'yes' }, { complete: false })).toEqual([
      { path: 'answers.a', message: 'this question may not be marked n.a.' },
      { path: 'answers.b', message: 'answer yes, no or na' },
      { path: 'answers.c', message: 'answer a whole number from 0 to 4, or na' },
      { path: 'answers.zz', message: 'the scorecard has no question zz' },
    ]);
    expect(checkAnswers(card, { a: 'yes' }, { complete: true })).toEqual([
      { path: 'answers.b', message: 'not answered' },
      { path: 'answers.c', message: 'not answered' },
    ]);
    expect(checkAnswers(card, { a: 'yes', b: 'na', c: 'na' }, { complete: true })).toEqual([]);
  });
});

describe('schemas', () => {
  it('accepts the default scorecard and refuses a zero weight and duplicate question ids', () => {
    expect(ScorecardInputSchema.safeParse(DEFAULT_SCORECARD).success).toBe(true);
    const zero = ScorecardInputSchema.safeParse({
      name: 'x',
      sections: [{ title: 's', questions: [{ id: 'q', text: 't', weight: 0, answer: { kind: 'yes_no' } }] }],
    });
    expect(zero.success).toBe(false);
    expect(zero.error?.issues[0]?.path).toEqual(['sections', 0, 'questions', 0, 'weight']);
    const twice = ScorecardInputSchema.safeParse({
      name: 'x',
      sections: [
        { title: 's', questions: [{ id: 'q', text: 't', weight: 1, answer: { kind: 'yes_no' } }] },
        { title: 'u', questions: [{ id: 'q', text: 't', weight: 1, answer: { kind: 'scale', max: 3 } }] },
      ],
    });
    expect(twice.error?.issues.map((i) => i.path)).toEqual([['sections', 1, 'questions', 0, 'id']]);
  });

  it('wants a note for the weak link other', () => {
    expect(WeakLinkSchema.safeParse({ kind: 'process_gap' }).success).toBe(true);
    const other = WeakLinkSchema.safeParse({ kind: 'other', note: '  ' });
    expect(other.error?.issues.map((i) => i.path)).toEqual([['note']]);
    expect(WeakLinkSchema.safeParse({ kind: 'other', note: 'billing system down' }).success).toBe(true);
  });

  it('fills defaults in an evaluation and refuses a moment id used twice', () => {
    const minimal = EvaluationInputSchema.parse({ callId: 'c-1', scorecardId: 'default', scorecardVersion: 1 });
    expect(minimal).toMatchObject({ answers: {}, moments: [], weakLink: null, comment: '' });
    const twice = EvaluationInputSchema.safeParse({
      callId: 'c-1',
      scorecardId: 'default',
      scorecardVersion: 1,
      moments: [
        { id: 'm', atMs: 1, text: 'x' },
        { id: 'm', atMs: 2, text: 'y' },
      ],
    });
    expect(twice.error?.issues.map((i) => i.path)).toEqual([['moments', 1, 'id']]);
  });
});
