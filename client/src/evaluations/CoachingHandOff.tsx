import type { Evaluation } from '@earshot/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Notice, type NoticeState } from '../admin/Notice.js';
import { errorMessage } from '../lib/http.js';
import { formatDateTime, formatDuration } from '../lib/time.js';
import { COACHING_KEY, coachingQueryOptions, evaluationWrites, trainersQueryOptions } from './evaluationQueries.js';

/**
 * Hands chosen moments of a submitted evaluation to a trainer, and lists what was already handed on from
 * this call with its status, so a controller does not assign the same thing twice.
 */
export function CoachingHandOff({ evaluation, onSeek }: { evaluation: Evaluation; onSeek: (ms: number) => void }) {
  const queryClient = useQueryClient();
  const trainers = useQuery(trainersQueryOptions());
  const assigned = useQuery(coachingQueryOptions({ callId: evaluation.callId }));
  const [trainerId, setTrainerId] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(evaluation.moments.map((m) => m.id)));
  const [note, setNote] = useState('');
  const [notice, setNotice] = useState<NoticeState>(null);
  const ids = { trainer: useId(), note: useId() };

  const assign = useMutation({
    mutationFn: () =>
      evaluationWrites.assignCoaching(evaluation.id, {
        trainerId,
        momentIds: evaluation.moments.filter((m) => chosen.has(m.id)).map((m) => m.id),
        note,
      }),
    onSuccess: (item) => {
      setNotice({ kind: 'ok', text: `Assigned to ${item.trainerName}: it is in their coaching queue now.` });
      setNote('');
      void queryClient.invalidateQueries({ queryKey: COACHING_KEY });
    },
    onError: (error) => setNotice({ kind: 'error', text: `Not assigned: ${errorMessage(error)}` }),
  });

  const ownItems = (assigned.data ?? []).filter((item) => item.evaluationId === evaluation.id);

  return (
    <section className="coaching-handoff" aria-label="Hand to a trainer" data-testid="coaching-handoff">
      <h3 className="evaluation-subtitle">Hand to a trainer</h3>
      {evaluation.moments.length === 0 ? (
        <p className="muted">This evaluation has no pinned moments, so there is nothing to hand to a trainer.</p>
      ) : (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            if (trainerId === '') {
              setNotice({ kind: 'error', text: 'Choose the trainer who should take this on.' });
              return;
            }
            if (chosen.size === 0) {
              setNotice({ kind: 'error', text: 'Choose at least one moment to hand on.' });
              return;
            }
            assign.mutate();
          }}
        >
          <fieldset className="coaching-moments">
            <legend>Moments</legend>
            {evaluation.moments.map((moment) => (
              <label key={moment.id} className="coaching-moment">
                <input
                  type="checkbox"
                  checked={chosen.has(moment.id)}
                  onChange={(e) => {
                    const on = e.currentTarget.checked;
                    setChosen((current) => {
                      const next = new Set(current);
                      if (on) next.add(moment.id);
                      else next.delete(moment.id);
                      return next;
                    });
                  }}
                />
                <span className="timer">{formatDuration(moment.atMs)}</span> {moment.text}
              </label>
            ))}
          </fieldset>
          <div className="form-grid">
            <div className="field">
              <label htmlFor={ids.trainer}>Trainer</label>
              <select
                id={ids.trainer}
                className="select"
                value={trainerId}
                onChange={(e) => setTrainerId(e.currentTarget.value)}
                disabled={!trainers.isSuccess}
                data-testid="coaching-trainer"
              >
                <option value="">
                  {trainers.isPending ? 'Loading…' : trainers.data?.length === 0 ? 'No trainers' : 'Choose…'}
                </option>
                {(trainers.data ?? []).map((trainer) => (
                  <option key={trainer.id} value={trainer.id}>
                    {trainer.displayName}
                  </option>
                ))}
              </select>
              {trainers.isError && <span className="field-error">{errorMessage(trainers.error)}</span>}
            </div>
            <div className="field field-span-2">
              <label htmlFor={ids.note}>Note for the trainer</label>
              <input
                id={ids.note}
                className="input"
                maxLength={2_000}
                value={note}
                placeholder="What to work on with the agent"
                onChange={(e) => setNote(e.currentTarget.value)}
                data-testid="coaching-note"
              />
            </div>
          </div>
          <Notice notice={notice} />
          <div className="form-actions">
            <button
              type="submit"
              className="button button-primary"
              disabled={assign.isPending}
              data-testid="coaching-assign"
            >
              Assign coaching
            </button>
          </div>
        </form>
      )}
      {ownItems.length > 0 && (
        <ul className="coaching-assigned" aria-label="Already handed on" data-testid="coaching-assigned">
          {ownItems.map((item) => (
            <li key={item.id}>
              <span className={`tag coaching-status-${item.status}`}>{item.status === 'done' ? 'Done' : 'Open'}</span>{' '}
              {item.trainerName} · {item.moments.length} {item.moments.length === 1 ? 'moment' : 'moments'} ·{' '}
              <span className="muted">{formatDateTime(item.createdAt, Date.now())}</span>
              {item.doneNote && <span className="muted"> · “{item.doneNote}”</span>}
              {item.moments[0] && (
                <button
                  type="button"
                  className="button button-quiet button-small"
                  onClick={() => onSeek(item.moments[0]?.atMs ?? 0)}
                >
                  Play first
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
