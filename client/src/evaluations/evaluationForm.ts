import {
  type Answers,
  type AnswerValue,
  checkAnswers,
  type Evaluation,
  type EvaluationInput,
  type MomentInput,
  type Scorecard,
  type ScorecardInput,
  scorecardQuestions,
  type WeakLink,
} from '@earshot/shared';

/** What the review page's form holds between saves: an evaluation's content, without who and when. */
export interface EvaluationDraft {
  scorecardId: string;
  scorecardVersion: number;
  answers: Answers;
  moments: MomentInput[];
  weakLink: WeakLink | null;
  comment: string;
}

export function newDraft(card: Pick<Scorecard, 'id' | 'version'>): EvaluationDraft {
  return {
    scorecardId: card.id,
    scorecardVersion: card.version,
    answers: {},
    moments: [],
    weakLink: null,
    comment: '',
  };
}

export function draftFromEvaluation(evaluation: Evaluation): EvaluationDraft {
  return {
    scorecardId: evaluation.scorecardId,
    scorecardVersion: evaluation.scorecardVersion,
    answers: evaluation.answers,
    moments: evaluation.moments,
    weakLink: evaluation.weakLink,
    comment: evaluation.comment,
  };
}

export function draftToInput(callId: string, draft: EvaluationDraft): EvaluationInput {
  return { callId, ...draft };
}

/** Sets (or, with `undefined`, clears) one answer. */
export function withAnswer(answers: Answers, questionId: string, value: AnswerValue | undefined): Answers {
  const next = { ...answers };
  if (value === undefined) delete next[questionId];
  else next[questionId] = value;
  return next;
}

/** How many of the card's questions have an answer (n.a. counts: it was decided). */
export function answeredCount(card: Pick<ScorecardInput, 'sections'>, answers: Answers): { done: number; of: number } {
  const questions = scorecardQuestions(card);
  return { done: questions.filter((q) => answers[q.id] !== undefined).length, of: questions.length };
}

/**
 * What stops a submit, by question id ("not answered", a wrong value), so the form can mark each question;
 * empty when the evaluation can be submitted.
 */
export function submitProblems(card: Pick<ScorecardInput, 'sections'>, answers: Answers): Map<string, string> {
  const problems = new Map<string, string>();
  for (const issue of checkAnswers(card, answers, { complete: true })) {
    problems.set(issue.path.replace(/^answers\./, ''), issue.message);
  }
  return problems;
}

/** Pins a comment at a moment; the list stays in time order, so the page reads like the call. */
export function pinMoment(moments: readonly MomentInput[], atMs: number, text: string): MomentInput[] {
  const pinned: MomentInput = { atMs: Math.max(0, Math.round(atMs)), text: text.trim() };
  return [...moments, pinned].sort((a, b) => a.atMs - b.atMs);
}

export function unpinMoment(moments: readonly MomentInput[], index: number): MomentInput[] {
  return moments.filter((_, i) => i !== index);
}

/** A 0–100 score with one decimal, or a dash while nothing scorable is answered. */
export function formatScore(score: number | null): string {
  return score === null ? '—' : score.toFixed(1);
}
