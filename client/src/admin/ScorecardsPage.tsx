import {
  SCALE_MAX_POINTS,
  type Scorecard,
  type ScorecardInput,
  type ScorecardQuestion,
  type ScorecardSection,
  scorecardQuestions,
} from '@earshot/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { evaluationWrites, SCORECARDS_KEY, scorecardsQueryOptions } from '../evaluations/evaluationQueries.js';
import { errorMessage } from '../lib/http.js';
import { formatDateTime } from '../lib/time.js';
import { Notice, type NoticeState } from './Notice.js';
import { move, nameNewQuestions, newQuestion, newSection, scorecardProblems, takenIds } from './scorecardForm.js';
import '../evaluations/evaluations.css';

const BLANK_CARD: ScorecardInput = { name: '', sections: [] };

/**
 * Scorecards: the questions controllers answer when they evaluate a call, in sections, with weights.
 * Saving makes a new version; evaluations keep the version they were made with, so their scores stay true.
 */
export function ScorecardsPage() {
  const cards = useQuery(scorecardsQueryOptions());
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [notice, setNotice] = useState<NoticeState>(null);
  const selected = cards.data?.find((card) => card.id === editing) ?? null;

  return (
    <div className="admin-page scorecards-page" data-testid="scorecards-page">
      <title>Scorecards · Admin · Earshot</title>
      <header className="page-header page-header-row">
        <div>
          <h1>Scorecards</h1>
          <p className="page-lead">
            What controllers answer when they evaluate a call. A save makes a new version: evaluations already made keep
            the version they were scored on.
          </p>
        </div>
        <button
          type="button"
          className="button button-primary"
          onClick={() => setEditing('new')}
          data-testid="scorecard-new"
        >
          New scorecard
        </button>
      </header>
      <Notice notice={notice} />
      {cards.isPending && <p className="muted">Loading scorecards…</p>}
      {cards.isError && (
        <p className="notice notice-error" role="alert">
          Could not load the scorecards: {errorMessage(cards.error)}
        </p>
      )}
      {cards.isSuccess && (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Version</th>
                <th scope="col">Questions</th>
                <th scope="col">Saved</th>
                <th scope="col">
                  <span className="sr-only">Edit</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {cards.data.map((card) => (
                <tr key={card.id} data-testid="scorecard-row" data-scorecard-id={card.id}>
                  <td>{card.name}</td>
                  <td className="timer">v{card.version}</td>
                  <td>{scorecardQuestions(card).length}</td>
                  <td className="muted">{formatDateTime(card.createdAt, Date.now())}</td>
                  <td>
                    <button
                      type="button"
                      className="button button-small"
                      onClick={() => setEditing(card.id)}
                      data-testid="scorecard-edit"
                    >
                      Edit
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing !== null && (editing === 'new' || selected) && (
        <ScorecardEditor
          key={selected ? `${selected.id}@${selected.version}` : 'new'}
          saved={selected}
          onDone={(result) => {
            setEditing(null);
            if (result) setNotice({ kind: 'ok', text: `Saved ${result.name}, version ${result.version}.` });
          }}
        />
      )}
    </div>
  );
}

function ScorecardEditor({ saved, onDone }: { saved: Scorecard | null; onDone: (saved: Scorecard | null) => void }) {
  const queryClient = useQueryClient();
  const [card, setCard] = useState<ScorecardInput>(() =>
    saved ? { name: saved.name, sections: saved.sections } : BLANK_CARD,
  );
  const [problems, setProblems] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const nameId = useId();
  const savedIds = saved ? takenIds(saved) : new Set<string>();

  const save = useMutation({
    mutationFn: (input: ScorecardInput) =>
      saved ? evaluationWrites.editScorecard(saved.id, input) : evaluationWrites.createScorecard(input),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: SCORECARDS_KEY });
      onDone(result);
    },
    onError: (failure) => setError(errorMessage(failure)),
  });

  const setSection = (index: number, next: ScorecardSection) =>
    setCard((current) => ({ ...current, sections: current.sections.map((s, i) => (i === index ? next : s)) }));

  return (
    <form
      className="panel form-panel scorecard-editor"
      aria-label={saved ? `Edit ${saved.name}` : 'New scorecard'}
      onSubmit={(e) => {
        e.preventDefault();
        const input = nameNewQuestions(card, savedIds);
        const found = scorecardProblems(input);
        setProblems(found);
        setError(null);
        if (found.length === 0) save.mutate(input);
      }}
      noValidate
      data-testid="scorecard-editor"
    >
      <h2 className="panel-title">{saved ? `Edit ${saved.name} (next: v${saved.version + 1})` : 'New scorecard'}</h2>
      <div className="field scorecard-name">
        <label htmlFor={nameId}>Name</label>
        <input
          id={nameId}
          className="input"
          value={card.name}
          maxLength={120}
          onChange={(e) => {
            const name = e.currentTarget.value;
            setCard((current) => ({ ...current, name }));
          }}
          data-testid="scorecard-name"
        />
      </div>
      {card.sections.map((section, s) => (
        <SectionEditor
          key={`section-${
            // biome-ignore lint/suspicious/noArrayIndexKey: sections have no id of their own; order is their identity.
            s
          }`}
          index={s}
          count={card.sections.length}
          section={section}
          savedIds={savedIds}
          onChange={(next) => setSection(s, next)}
          onMove={(delta) => setCard((current) => ({ ...current, sections: move(current.sections, s, delta) }))}
          onRemove={() => setCard((current) => ({ ...current, sections: current.sections.filter((_, i) => i !== s) }))}
          onAddQuestion={() => setSection(s, { ...section, questions: [...section.questions, newQuestion(card)] })}
        />
      ))}
      <div>
        <button
          type="button"
          className="button"
          onClick={() => setCard((current) => ({ ...current, sections: [...current.sections, newSection(current)] }))}
          data-testid="scorecard-add-section"
        >
          Add a section
        </button>
      </div>
      {problems.length > 0 && (
        <ul className="notice notice-error scorecard-problems" role="alert" data-testid="scorecard-problems">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      {error && (
        <p className="notice notice-error" role="alert">
          Not saved: {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={save.isPending} data-testid="scorecard-save">
          {saved ? 'Save as a new version' : 'Create scorecard'}
        </button>
        <button type="button" className="button button-quiet" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function SectionEditor({
  index,
  count,
  section,
  savedIds,
  onChange,
  onMove,
  onRemove,
  onAddQuestion,
}: {
  index: number;
  count: number;
  section: ScorecardSection;
  savedIds: ReadonlySet<string>;
  onChange: (next: ScorecardSection) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
  onAddQuestion: () => void;
}) {
  const titleId = useId();
  const setQuestion = (q: number, next: ScorecardQuestion) =>
    onChange({ ...section, questions: section.questions.map((question, i) => (i === q ? next : question)) });
  return (
    <fieldset className="evaluation-section scorecard-section" data-testid="scorecard-section">
      <legend>Section {index + 1}</legend>
      <div className="scorecard-row">
        <div className="field scorecard-grow">
          <label htmlFor={titleId}>Title</label>
          <input
            id={titleId}
            className="input"
            value={section.title}
            maxLength={120}
            placeholder="e.g. Opening"
            onChange={(e) => onChange({ ...section, title: e.currentTarget.value })}
            data-testid="scorecard-section-title"
          />
        </div>
        <MoveButtons what="section" index={index} count={count} onMove={onMove} onRemove={onRemove} />
      </div>
      {section.questions.map((question, q) => (
        <QuestionEditor
          key={question.id}
          question={question}
          kept={savedIds.has(question.id)}
          index={q}
          count={section.questions.length}
          onChange={(next) => setQuestion(q, next)}
          onMove={(delta) => onChange({ ...section, questions: move(section.questions, q, delta) })}
          onRemove={() => onChange({ ...section, questions: section.questions.filter((_, i) => i !== q) })}
        />
      ))}
      <div>
        <button
          type="button"
          className="button button-small"
          onClick={onAddQuestion}
          data-testid="scorecard-add-question"
        >
          Add a question
        </button>
      </div>
    </fieldset>
  );
}

function QuestionEditor({
  question,
  kept,
  index,
  count,
  onChange,
  onMove,
  onRemove,
}: {
  question: ScorecardQuestion;
  /** Already in the saved card: its id stays (answers are stored under it). */
  kept: boolean;
  index: number;
  count: number;
  onChange: (next: ScorecardQuestion) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
}) {
  const ids = { text: useId(), weight: useId(), kind: useId(), max: useId() };
  const scaleMax = question.answer.kind === 'scale' ? question.answer.max : 5;
  return (
    <div className="scorecard-question" data-testid="scorecard-question">
      <div className="field scorecard-grow">
        <label htmlFor={ids.text}>
          Question {index + 1}
          {kept && <span className="muted"> · {question.id}</span>}
        </label>
        <input
          id={ids.text}
          className="input"
          value={question.text}
          maxLength={300}
          placeholder="What the controller checks"
          onChange={(e) => onChange({ ...question, text: e.currentTarget.value })}
          data-testid="scorecard-question-text"
        />
      </div>
      <div className="field scorecard-weight">
        <label htmlFor={ids.weight}>Weight</label>
        <input
          id={ids.weight}
          className="input input-number"
          type="number"
          min={0.5}
          max={100}
          step={0.5}
          value={question.weight}
          onChange={(e) => onChange({ ...question, weight: Number(e.currentTarget.value) })}
          data-testid="scorecard-question-weight"
        />
      </div>
      <div className="field">
        <label htmlFor={ids.kind}>Answer</label>
        <select
          id={ids.kind}
          className="select"
          value={question.answer.kind}
          onChange={(e) =>
            onChange({
              ...question,
              answer: e.currentTarget.value === 'scale' ? { kind: 'scale', max: scaleMax } : { kind: 'yes_no' },
            })
          }
          data-testid="scorecard-question-kind"
        >
          <option value="yes_no">Yes / No</option>
          <option value="scale">Points</option>
        </select>
      </div>
      {question.answer.kind === 'scale' && (
        <div className="field scorecard-weight">
          <label htmlFor={ids.max}>0 to</label>
          <input
            id={ids.max}
            className="input input-number"
            type="number"
            min={1}
            max={SCALE_MAX_POINTS}
            value={question.answer.max}
            onChange={(e) => onChange({ ...question, answer: { kind: 'scale', max: Number(e.currentTarget.value) } })}
          />
        </div>
      )}
      <label className="scorecard-na">
        <input
          type="checkbox"
          checked={question.allowNotApplicable}
          onChange={(e) => onChange({ ...question, allowNotApplicable: e.currentTarget.checked })}
        />
        N/A allowed
      </label>
      <MoveButtons what="question" index={index} count={count} onMove={onMove} onRemove={onRemove} />
    </div>
  );
}

function MoveButtons({
  what,
  index,
  count,
  onMove,
  onRemove,
}: {
  what: string;
  index: number;
  count: number;
  onMove: (delta: number) => void;
  onRemove: () => void;
}) {
  return (
    <div className="scorecard-move">
      <button
        type="button"
        className="button button-quiet button-small"
        onClick={() => onMove(-1)}
        disabled={index === 0}
        aria-label={`Move ${what} ${index + 1} up`}
      >
        ↑
      </button>
      <button
        type="button"
        className="button button-quiet button-small"
        onClick={() => onMove(1)}
        disabled={index === count - 1}
        aria-label={`Move ${what} ${index + 1} down`}
      >
        ↓
      </button>
      <button
        type="button"
        className="button button-quiet button-small"
        onClick={onRemove}
        aria-label={`Remove ${what} ${index + 1}`}
      >
        Remove
      </button>
    </div>
  );
}
