import {
  type ScorecardInput,
  ScorecardInputSchema,
  type ScorecardQuestion,
  type ScorecardSection,
  scorecardQuestions,
} from '@earshot/shared';

/**
 * A new question's id: a slug of its first words, unique in the card. Ids are what answers are stored
 * under, so they are made once and kept when the text is edited later.
 */
export function questionIdFor(text: string, taken: ReadonlySet<string>): string {
  const slug =
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .split('_')
      .slice(0, 4)
      .join('_') || 'question';
  let id = slug.slice(0, 48);
  for (let n = 2; taken.has(id); n++) id = `${slug.slice(0, 44)}_${n}`;
  return id;
}

export function takenIds(card: Pick<ScorecardInput, 'sections'>): Set<string> {
  return new Set(scorecardQuestions(card).map((q) => q.id));
}

export function newQuestion(card: Pick<ScorecardInput, 'sections'>): ScorecardQuestion {
  return {
    id: questionIdFor('', takenIds(card)),
    text: '',
    weight: 1,
    answer: { kind: 'yes_no' },
    allowNotApplicable: true,
  };
}

export function newSection(card: Pick<ScorecardInput, 'sections'>): ScorecardSection {
  return { title: '', questions: [newQuestion(card)] };
}

/** Moves item `index` by `delta` places (−1 up, +1 down); out-of-range moves change nothing. */
export function move<T>(items: readonly T[], index: number, delta: number): T[] {
  const target = index + delta;
  if (index < 0 || index >= items.length || target < 0 || target >= items.length) return [...items];
  const next = [...items];
  const [item] = next.splice(index, 1);
  next.splice(target, 0, item as T);
  return next;
}

/** The problems a save would meet, as "Section 2, question 1: …" sentences; empty when it can be saved. */
export function scorecardProblems(card: ScorecardInput): string[] {
  const parsed = ScorecardInputSchema.safeParse(card);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => `${whereIs(issue.path)}${plainly(issue)}`);
}

/** zod's sentences name types ("expected string to have >=1 characters"); an empty field is said plainly. */
function plainly(issue: { code: string; message: string; path: readonly PropertyKey[]; origin?: string }): string {
  if (issue.code === 'too_small' && issue.origin === 'string') {
    const field = issue.path.at(-1);
    if (field === 'name') return 'give the scorecard a name';
    if (field === 'title') return 'give the section a title';
    if (field === 'text') return 'write the question';
  }
  return issue.message;
}

function whereIs(path: readonly PropertyKey[]): string {
  const [top, s, sub, q, field] = path;
  if (top === 'name') return 'Name: ';
  if (top !== 'sections' || typeof s !== 'number') return '';
  const section = `Section ${s + 1}`;
  if (sub !== 'questions' || typeof q !== 'number') return `${section}${sub === 'title' ? ' title' : ''}: `;
  return `${section}, question ${q + 1}${typeof field === 'string' && field !== 'text' ? ` (${field})` : ''}: `;
}

/**
 * Names the questions added in this edit after their text (they were given a placeholder id when added,
 * before they had any); questions the saved card already had keep theirs, or their answers would be lost.
 */
export function nameNewQuestions(card: ScorecardInput, savedIds: ReadonlySet<string>): ScorecardInput {
  const taken = new Set([...takenIds(card)].filter((id) => savedIds.has(id)));
  return {
    ...card,
    sections: card.sections.map((section) => ({
      ...section,
      questions: section.questions.map((question) => {
        if (savedIds.has(question.id)) return question;
        const id = questionIdFor(question.text, taken);
        taken.add(id);
        return { ...question, id };
      }),
    })),
  };
}
