import {
  type AnswerValue,
  can,
  DEFAULT_SCORECARD_ID,
  type Evaluation,
  type MomentInput,
  type Scorecard,
  type ScorecardQuestion,
  scoreEvaluation,
  WEAK_LINK_LABELS,
  WEAK_LINKS,
  type WeakLinkKind,
} from '@earshot/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useState } from 'react';
import { Notice, type NoticeState } from '../admin/Notice.js';
import { useSession } from '../auth/session.js';
import { errorMessage } from '../lib/http.js';
import { formatDateTime, formatDuration } from '../lib/time.js';
import { CoachingHandOff } from './CoachingHandOff.js';
import {
  answeredCount,
  draftFromEvaluation,
  draftToInput,
  type EvaluationDraft,
  formatScore,
  newDraft,
  pinMoment,
  submitProblems,
  unpinMoment,
  withAnswer,
} from './evaluationForm.js';
import {
  EVALUATIONS_KEY,
  evaluationsQueryOptions,
  evaluationWrites,
  scorecardQueryOptions,
  scorecardsQueryOptions,
} from './evaluationQueries.js';
import { MomentList } from './MomentList.js';
import './evaluations.css';

interface PanelProps {
  callId: string;
  /** The player's position, where a new comment is pinned. */
  positionMs: number;
  onSeek: (ms: number) => void;
  /** The moments to mark on the timeline: the controller's own evaluation, or everyone's submitted ones. */
  onMomentsChange: (moments: readonly MomentInput[]) => void;
}

/**
 * The evaluation of a call, under its review timeline. A controller fills in their own (a draft until
 * submitted, then read-only, and the moments can be handed to a trainer); everyone else with
 * evaluations:view reads the submitted ones.
 */
export function EvaluationPanel({ callId, positionMs, onSeek, onMomentsChange }: PanelProps) {
  const { user } = useSession();
  const mayWrite = can(user.role, 'evaluations:write');
  const list = useQuery(evaluationsQueryOptions({ callId }));
  const own = list.data?.find((evaluation) => evaluation.evaluatorId === user.id);
  const others = useMemo(
    () => (list.data ?? []).filter((evaluation) => evaluation.evaluatorId !== user.id),
    [list.data, user.id],
  );
  const [draftMoments, setDraftMoments] = useState<readonly MomentInput[]>([]);
  const editing = mayWrite && own?.status !== 'submitted';

  const shownMoments = useMemo(() => {
    if (editing) return draftMoments;
    const submitted = [...(own ? [own] : []), ...others].flatMap((evaluation) => evaluation.moments);
    return submitted.sort((a, b) => a.atMs - b.atMs);
  }, [editing, draftMoments, own, others]);
  useEffect(() => onMomentsChange(shownMoments), [shownMoments, onMomentsChange]);

  return (
    <section className="panel review-evaluation" aria-label="Evaluation" data-testid="evaluation-panel">
      <h2 className="panel-title">Evaluation</h2>
      {list.isPending && <p className="muted">Loading evaluations…</p>}
      {list.isError && (
        <p className="notice notice-error" role="alert">
          Could not load the evaluations: {errorMessage(list.error)}
        </p>
      )}
      {list.isSuccess && editing && (
        <EvaluationEditor
          callId={callId}
          existing={own ?? null}
          positionMs={positionMs}
          onSeek={onSeek}
          onMomentsChange={setDraftMoments}
        />
      )}
      {list.isSuccess && mayWrite && own?.status === 'submitted' && (
        <>
          <SubmittedEvaluation evaluation={own} onSeek={onSeek} />
          <CoachingHandOff evaluation={own} onSeek={onSeek} />
        </>
      )}
      {others.map((evaluation) => (
        <SubmittedEvaluation key={evaluation.id} evaluation={evaluation} onSeek={onSeek} />
      ))}
      {list.isSuccess && !mayWrite && others.length === 0 && (
        <p className="muted" data-testid="evaluation-none">
          Nobody has submitted an evaluation of this call yet.
        </p>
      )}
    </section>
  );
}

interface EditorProps {
  callId: string;
  existing: Evaluation | null;
  positionMs: number;
  onSeek: (ms: number) => void;
  onMomentsChange: (moments: readonly MomentInput[]) => void;
}

/** Picks the scorecard (a saved draft keeps the version it was started on), then the form. */
function EvaluationEditor({ existing, ...rest }: EditorProps) {
  const latest = useQuery({ ...scorecardsQueryOptions(), enabled: existing === null });
  const [chosenId, setChosenId] = useState<string | null>(null);
  const cards = latest.data ?? [];
  const startCard =
    cards.find((card) => card.id === chosenId) ??
    cards.find((card) => card.id === DEFAULT_SCORECARD_ID) ??
    cards[0] ??
    null;
  const pinned = useQuery({
    ...scorecardQueryOptions(existing?.scorecardId ?? '', existing?.scorecardVersion ?? 1),
    enabled: existing !== null,
  });
  // Right after the first save the pinned version is still loading; the same version from the latest list
  // keeps the form (and its "saved" notice) on screen meanwhile.
  const sameVersion = existing
    ? cards.find((c) => c.id === existing.scorecardId && c.version === existing.scorecardVersion)
    : undefined;
  const card = existing ? (pinned.data ?? sameVersion ?? null) : startCard;
  const failed = existing ? pinned.error : latest.error;
  const pickerId = useId();

  if (failed) {
    return (
      <p className="notice notice-error" role="alert">
        Could not load the scorecard: {errorMessage(failed)}
      </p>
    );
  }
  if (!card) return <p className="muted">Loading the scorecard…</p>;
  return (
    <>
      {existing === null && cards.length > 1 && (
        <div className="field evaluation-card-picker">
          <label htmlFor={pickerId}>Scorecard</label>
          <select
            id={pickerId}
            className="select"
            value={card.id}
            onChange={(e) => setChosenId(e.currentTarget.value)}
            data-testid="evaluation-scorecard"
          >
            {cards.map((option) => (
              <option key={option.id} value={option.id}>
                {option.name} (v{option.version})
              </option>
            ))}
          </select>
        </div>
      )}
      <EvaluationForm key={`${card.id}@${card.version}`} card={card} existing={existing} {...rest} />
    </>
  );
}

function EvaluationForm({
  callId,
  card,
  existing,
  positionMs,
  onSeek,
  onMomentsChange,
}: Omit<EditorProps, 'existing'> & { card: Scorecard; existing: Evaluation | null }) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<EvaluationDraft>(() =>
    existing ? draftFromEvaluation(existing) : newDraft(card),
  );
  const [savedId, setSavedId] = useState<string | null>(existing?.id ?? null);
  const [problems, setProblems] = useState<Map<string, string>>(new Map());
  const [notice, setNotice] = useState<NoticeState>(null);
  const [momentText, setMomentText] = useState('');
  const ids = { moment: useId(), weakLink: useId(), weakNote: useId(), comment: useId() };

  useEffect(() => onMomentsChange(draft.moments), [draft.moments, onMomentsChange]);

  const save = async (): Promise<Evaluation> => {
    const input = draftToInput(callId, draft);
    const saved = savedId ? await evaluationWrites.update(savedId, input) : await evaluationWrites.create(input);
    setSavedId(saved.id);
    // Moments come back with the ids the server gave them, which coaching names.
    setDraft(draftFromEvaluation(saved));
    return saved;
  };
  const saveDraft = useMutation({
    mutationFn: save,
    onSuccess: () => {
      setNotice({ kind: 'ok', text: 'Draft saved. Only you see it until you submit it.' });
      void queryClient.invalidateQueries({ queryKey: EVALUATIONS_KEY });
    },
    onError: (error) => setNotice({ kind: 'error', text: `Not saved: ${errorMessage(error)}` }),
  });
  const submit = useMutation({
    mutationFn: async () => evaluationWrites.submit((await save()).id),
    onSuccess: (submitted) => {
      setNotice({ kind: 'ok', text: `Submitted with a score of ${formatScore(submitted.score)}.` });
      void queryClient.invalidateQueries({ queryKey: EVALUATIONS_KEY });
    },
    onError: (error) => setNotice({ kind: 'error', text: `Not submitted: ${errorMessage(error)}` }),
  });
  const busy = saveDraft.isPending || submit.isPending;

  const onSubmit = () => {
    const found = submitProblems(card, draft.answers);
    setProblems(found);
    if (found.size > 0) {
      setNotice({
        kind: 'error',
        text: `Answer every question before submitting: ${found.size} still ${found.size === 1 ? 'needs' : 'need'} an answer.`,
      });
      return;
    }
    submit.mutate();
  };

  const setAnswer = (questionId: string, value: AnswerValue | undefined) => {
    setDraft((current) => ({ ...current, answers: withAnswer(current.answers, questionId, value) }));
    setProblems((current) => {
      if (!current.has(questionId)) return current;
      const next = new Map(current);
      next.delete(questionId);
      return next;
    });
  };

  const pin = () => {
    if (momentText.trim() === '') return;
    setDraft((current) => ({ ...current, moments: pinMoment(current.moments, positionMs, momentText) }));
    setMomentText('');
  };

  const score = scoreEvaluation(card, draft.answers);
  const progress = answeredCount(card, draft.answers);
  const weakKind = draft.weakLink?.kind ?? '';

  return (
    <div className="evaluation-form" data-testid="evaluation-form" data-evaluation-id={savedId ?? ''}>
      <div className="evaluation-questions">
        <div className="evaluation-scoreline">
          <span className="evaluation-score" data-testid="evaluation-score">
            {formatScore(score)}
          </span>
          <span className="muted">
            {card.name} · {progress.done} of {progress.of} answered
          </span>
        </div>
        {card.sections.map((section) => (
          <fieldset key={section.title} className="evaluation-section">
            <legend>{section.title}</legend>
            {section.questions.map((question) => (
              <QuestionRow
                key={question.id}
                question={question}
                value={draft.answers[question.id]}
                problem={problems.get(question.id)}
                onAnswer={(value) => setAnswer(question.id, value)}
              />
            ))}
          </fieldset>
        ))}
      </div>
      <div className="evaluation-side">
        <div className="field">
          <label htmlFor={ids.moment}>Pin a comment to the moment</label>
          <div className="input-row">
            <input
              id={ids.moment}
              className="input"
              value={momentText}
              maxLength={1_000}
              placeholder="What happened here"
              onChange={(e) => setMomentText(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  pin();
                }
              }}
              data-testid="moment-text"
            />
            <button
              type="button"
              className="button"
              onClick={pin}
              disabled={momentText.trim() === ''}
              data-testid="moment-pin"
            >
              Pin at <span className="timer">{formatDuration(positionMs)}</span>
            </button>
          </div>
        </div>
        <MomentList
          moments={draft.moments}
          onSeek={onSeek}
          onRemove={(index) => setDraft((current) => ({ ...current, moments: unpinMoment(current.moments, index) }))}
          empty="No moments pinned yet: play to a moment, write what happened, and pin it."
        />
        <div className="form-grid evaluation-weak-link">
          <div className="field">
            <label htmlFor={ids.weakLink}>Weak link</label>
            <select
              id={ids.weakLink}
              className="select"
              value={weakKind}
              onChange={(e) => {
                const kind = e.currentTarget.value;
                setDraft((current) => ({
                  ...current,
                  weakLink: kind === '' ? null : { kind: kind as WeakLinkKind, note: current.weakLink?.note ?? null },
                }));
              }}
              data-testid="weak-link"
            >
              <option value="">None: the call went well</option>
              {WEAK_LINKS.map((kind) => (
                <option key={kind} value={kind}>
                  {WEAK_LINK_LABELS[kind]}
                </option>
              ))}
            </select>
          </div>
          {draft.weakLink && (
            <div className="field">
              <label htmlFor={ids.weakNote}>{draft.weakLink.kind === 'other' ? 'What was it' : 'Details'}</label>
              <input
                id={ids.weakNote}
                className="input"
                maxLength={500}
                value={draft.weakLink.note ?? ''}
                onChange={(e) => {
                  const note = e.currentTarget.value;
                  setDraft((current) =>
                    current.weakLink ? { ...current, weakLink: { ...current.weakLink, note: note || null } } : current,
                  );
                }}
                data-testid="weak-link-note"
              />
            </div>
          )}
        </div>
        <div className="field">
          <label htmlFor={ids.comment}>Comment for the agent's file</label>
          <textarea
            id={ids.comment}
            className="input evaluation-comment"
            rows={3}
            maxLength={5_000}
            value={draft.comment}
            onChange={(e) => {
              const comment = e.currentTarget.value;
              setDraft((current) => ({ ...current, comment }));
            }}
            data-testid="evaluation-comment"
          />
        </div>
        <Notice notice={notice} />
        <div className="form-actions">
          <button
            type="button"
            className="button"
            onClick={() => saveDraft.mutate()}
            disabled={busy}
            data-testid="evaluation-save"
          >
            Save draft
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={onSubmit}
            disabled={busy}
            data-testid="evaluation-submit"
          >
            Submit evaluation
          </button>
        </div>
      </div>
    </div>
  );
}

/** One question: its answer buttons (a pressed one pressed again clears it) and what stops a submit. */
function QuestionRow({
  question,
  value,
  problem,
  onAnswer,
}: {
  question: ScorecardQuestion;
  value: AnswerValue | undefined;
  problem: string | undefined;
  onAnswer: (value: AnswerValue | undefined) => void;
}) {
  const options: { value: AnswerValue; label: string; title: string }[] =
    question.answer.kind === 'yes_no'
      ? [
          { value: 'yes', label: 'Yes', title: 'Yes' },
          { value: 'no', label: 'No', title: 'No' },
        ]
      : Array.from({ length: question.answer.max + 1 }, (_, points) => ({
          value: points,
          label: String(points),
          title: `${points} of ${question.answer.kind === 'scale' ? question.answer.max : 0}`,
        }));
  if (question.allowNotApplicable) options.push({ value: 'na', label: 'N/A', title: 'Not applicable' });
  const labelId = useId();
  return (
    <div className="evaluation-question" data-testid="evaluation-question" data-question-id={question.id}>
      <span id={labelId} className="evaluation-question-text">
        {question.text}
        {question.weight !== 1 && <span className="evaluation-weight"> ×{question.weight}</span>}
      </span>
      {/* biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, not a fieldset of its own. */}
      <div className="evaluation-answers" role="group" aria-labelledby={labelId}>
        {options.map((option) => (
          <button
            key={String(option.value)}
            type="button"
            className="button button-small evaluation-answer"
            aria-pressed={value === option.value}
            title={option.title}
            onClick={() => onAnswer(value === option.value ? undefined : option.value)}
          >
            {option.label}
          </button>
        ))}
      </div>
      {problem && (
        <span className="field-error" role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}

/** A submitted evaluation, read-only: score, answers, weak link, comment and pinned moments. */
function SubmittedEvaluation({ evaluation, onSeek }: { evaluation: Evaluation; onSeek: (ms: number) => void }) {
  const card = useQuery(scorecardQueryOptions(evaluation.scorecardId, evaluation.scorecardVersion));
  return (
    <article
      className="evaluation-submitted"
      data-testid="evaluation-submitted"
      data-evaluation-id={evaluation.id}
      aria-label={`Evaluation by ${evaluation.evaluatorName}`}
    >
      <header className="evaluation-submitted-head">
        <span className="evaluation-score">{formatScore(evaluation.score)}</span>
        <span>
          by <strong>{evaluation.evaluatorName}</strong>
          {evaluation.submittedAt !== null && (
            <span className="muted"> · submitted {formatDateTime(evaluation.submittedAt, Date.now())}</span>
          )}
        </span>
        {evaluation.weakLink && (
          <span className="tag evaluation-weak-tag" data-testid="evaluation-weak-link">
            Weak link: {WEAK_LINK_LABELS[evaluation.weakLink.kind]}
            {evaluation.weakLink.note ? ` · ${evaluation.weakLink.note}` : ''}
          </span>
        )}
      </header>
      {card.data && (
        <dl className="evaluation-answer-list">
          {card.data.sections.flatMap((section) =>
            section.questions.map((question) => (
              <div key={question.id}>
                <dt>{question.text}</dt>
                <dd>{answerText(question, evaluation.answers[question.id])}</dd>
              </div>
            )),
          )}
        </dl>
      )}
      {evaluation.comment && <p className="evaluation-comment-text">{evaluation.comment}</p>}
      <MomentList moments={evaluation.moments} onSeek={onSeek} empty={null} />
    </article>
  );
}

function answerText(question: ScorecardQuestion, value: AnswerValue | undefined): string {
  if (value === undefined) return '—';
  if (value === 'na') return 'N/A';
  if (value === 'yes') return 'Yes';
  if (value === 'no') return 'No';
  return question.answer.kind === 'scale' ? `${value} / ${question.answer.max}` : String(value);
}
