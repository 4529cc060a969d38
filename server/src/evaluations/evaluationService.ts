import { randomUUID } from 'node:crypto';
import {
  type AckIssue,
  type AuditDetail,
  type CoachingAssignment,
  type CoachingInput,
  type CoachingQuery,
  type CoachingUpdate,
  checkAnswers,
  DEFAULT_SCORECARD,
  DEFAULT_SCORECARD_ID,
  type Evaluation,
  type EvaluationInput,
  type EvaluationSummary,
  type EvaluationsQuery,
  type Moment,
  type Scorecard,
  type ScorecardInput,
  scoreEvaluation,
  type TrainerSummary,
  type User,
} from '@earshot/shared';
import type { AuditActor, AuditLog } from '../audit/auditLog.js';
import type { UserService } from '../auth/users.js';
import type { CallRepository } from '../calls/callRepository.js';
import type { RetentionTarget } from '../retention/retentionService.js';
import { type EvaluationRepository, isUniqueViolation } from './evaluationRepository.js';

/** A refusal the routes answer as is: the status and a sentence naming what is wrong. */
export class EvaluationError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: AckIssue[],
  ) {
    super(message);
  }
}

export interface EvaluationServiceDeps {
  repository: EvaluationRepository;
  calls: CallRepository;
  users: Pick<UserService, 'get' | 'list'>;
  audit: AuditLog;
  now: () => number;
}

/**
 * Scorecards (versioned), evaluations of ended calls and coaching assignments. Every write is audited before
 * it is made (`settings.change` for scorecards, `evaluation.save` for evaluations and coaching).
 */
export class EvaluationService {
  constructor(private readonly deps: EvaluationServiceDeps) {}

  /** Seeds the default scorecard when there is none (first start); true when it did. */
  async ensureDefaultScorecard(): Promise<boolean> {
    if ((await this.deps.repository.countScorecards()) > 0) return false;
    try {
      await this.deps.repository.insertScorecard(this.scorecardRow(DEFAULT_SCORECARD_ID, 1, DEFAULT_SCORECARD, null));
    } catch (error) {
      // Another node seeded it at the same moment.
      if (isUniqueViolation(error)) return false;
      throw error;
    }
    return true;
  }

  listScorecards(): Promise<Scorecard[]> {
    return this.deps.repository.listLatestScorecards();
  }

  getScorecard(id: string, version?: number): Promise<Scorecard | undefined> {
    return this.deps.repository.getScorecard(id, version);
  }

  /** A new scorecard at version 1. */
  async createScorecard(input: ScorecardInput, actor: AuditActor): Promise<Scorecard> {
    return this.writeScorecardVersion(randomUUID(), 1, input, actor);
  }

  /** Editing makes the next version; evaluations keep the version they were filled in against. */
  async editScorecard(id: string, input: ScorecardInput, actor: AuditActor): Promise<Scorecard> {
    const latest = await this.deps.repository.getScorecard(id);
    if (!latest) throw new EvaluationError(404, `no scorecard ${id}`);
    return this.writeScorecardVersion(id, latest.version + 1, input, actor);
  }

  private async writeScorecardVersion(
    id: string,
    version: number,
    input: ScorecardInput,
    actor: AuditActor,
  ): Promise<Scorecard> {
    await this.deps.audit.record({
      ...actor,
      action: 'settings.change',
      objectId: id,
      detail: { changed: 'scorecard', scorecardId: id, version, name: input.name },
    });
    const row = this.scorecardRow(id, version, input, actor.userId);
    try {
      await this.deps.repository.insertScorecard(row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new EvaluationError(409, `scorecard ${id} was edited by someone else meanwhile; reload it and retry`);
      }
      throw error;
    }
    return { id, version, ...input, createdAt: row.created_at, createdBy: actor.userId };
  }

  private scorecardRow(id: string, version: number, input: ScorecardInput, createdBy: string | null) {
    return {
      id,
      version,
      name: input.name,
      sections: JSON.stringify(input.sections),
      created_at: this.deps.now(),
      created_by: createdBy,
    };
  }

  async getEvaluation(id: string, viewer: User): Promise<Evaluation> {
    const evaluation = await this.deps.repository.getEvaluation(id);
    // A draft is its author's until submitted; to anyone else it does not exist yet.
    if (!evaluation || (evaluation.status === 'draft' && evaluation.evaluatorId !== viewer.id)) {
      throw new EvaluationError(404, `no evaluation ${id}`);
    }
    return evaluation;
  }

  listEvaluations(query: EvaluationsQuery, viewer: User): Promise<Evaluation[]> {
    return this.deps.repository.listEvaluations(query, viewer.id);
  }

  summary(from: number | undefined, to: number | undefined): Promise<EvaluationSummary> {
    return this.deps.repository.summary(from, to);
  }

  /** A new draft by `evaluator` of an ended call. */
  async createEvaluation(input: EvaluationInput, evaluator: User, actor: AuditActor): Promise<Evaluation> {
    const { call, scorecard, moments } = await this.checkInput(input);
    const now = this.deps.now();
    const id = randomUUID();
    await this.auditEvaluation(actor, id, input.callId, 'created', scorecard);
    await this.deps.repository.insertEvaluation({
      id,
      call_id: call.id,
      agent_id: call.agentId,
      agent_name: call.agentName,
      evaluator_id: evaluator.id,
      evaluator_name: evaluator.displayName,
      ...this.contentColumns(input, scorecard, moments),
      status: 'draft',
      created_at: now,
      updated_at: now,
      submitted_at: null,
      submitted_by: null,
    });
    return this.mustGet(id);
  }

  /** Replaces the content of the evaluator's own draft. */
  async updateEvaluation(id: string, input: EvaluationInput, evaluator: User, actor: AuditActor): Promise<Evaluation> {
    const current = await this.ownDraft(id, evaluator);
    if (input.callId !== current.callId) {
      throw new EvaluationError(400, `invalid evaluation: callId: evaluation ${id} is of call ${current.callId}`, [
        { path: 'callId', message: `this evaluation is of call ${current.callId}; start a new one for another call` },
      ]);
    }
    const { scorecard, moments } = await this.checkInput(input);
    await this.auditEvaluation(actor, id, current.callId, 'updated', scorecard);
    const updated = await this.deps.repository.updateDraft(id, {
      ...this.contentColumns(input, scorecard, moments),
      updated_at: this.deps.now(),
    });
    if (!updated) throw new EvaluationError(409, `evaluation ${id} was submitted meanwhile; it can no longer change`);
    return this.mustGet(id);
  }

  /** Submits the evaluator's own draft: every question answered (n.a. where allowed); records who and when. */
  async submitEvaluation(id: string, evaluator: User, actor: AuditActor): Promise<Evaluation> {
    const current = await this.ownDraft(id, evaluator);
    const scorecard = await this.deps.repository.getScorecard(current.scorecardId, current.scorecardVersion);
    if (!scorecard) throw new Error(`evaluation ${id} names a missing scorecard version`);
    const issues = checkAnswers(scorecard, current.answers, { complete: true });
    if (issues.length > 0) throw answerError(issues, 'the evaluation cannot be submitted');
    const now = this.deps.now();
    await this.auditEvaluation(actor, id, current.callId, 'submitted', scorecard, current.score);
    const updated = await this.deps.repository.updateDraft(id, {
      status: 'submitted',
      submitted_at: now,
      submitted_by: evaluator.id,
      updated_at: now,
    });
    if (!updated) throw new EvaluationError(409, `evaluation ${id} is already submitted`);
    return this.mustGet(id);
  }

  /** Hands chosen moments of the evaluator's own evaluation to a trainer. */
  async assignCoaching(
    evaluationId: string,
    input: CoachingInput,
    assigner: User,
    actor: AuditActor,
  ): Promise<CoachingAssignment> {
    const evaluation = await this.getEvaluation(evaluationId, assigner);
    if (evaluation.evaluatorId !== assigner.id) {
      throw new EvaluationError(
        403,
        `evaluation ${evaluationId} is ${evaluation.evaluatorName}'s; only its author assigns coaching from it`,
      );
    }
    const trainer = await this.deps.users.get(input.trainerId);
    if (!trainer || trainer.disabled) {
      throw new EvaluationError(400, `invalid coaching: trainerId: no active user ${input.trainerId}`, [
        { path: 'trainerId', message: `no active user ${input.trainerId}` },
      ]);
    }
    if (trainer.role !== 'trainer') {
      const message = `${trainer.displayName} is a ${trainer.role}, not a trainer: coaching is assigned to trainers only`;
      throw new EvaluationError(400, `invalid coaching: trainerId: ${message}`, [{ path: 'trainerId', message }]);
    }
    const byId = new Map(evaluation.moments.map((moment) => [moment.id, moment]));
    const issues: AckIssue[] = [];
    const moments: Moment[] = [];
    input.momentIds.forEach((momentId, i) => {
      const moment = byId.get(momentId);
      if (moment) moments.push(moment);
      else issues.push({ path: `momentIds.${i}`, message: `the evaluation has no pinned moment ${momentId}` });
    });
    if (issues.length > 0) {
      throw new EvaluationError(
        400,
        `invalid coaching: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      );
    }
    const id = randomUUID();
    await this.deps.audit.record({
      ...actor,
      action: 'evaluation.save',
      callId: evaluation.callId,
      objectId: evaluation.id,
      detail: { change: 'coaching_assigned', coachingId: id, trainerId: trainer.id, moments: moments.length },
    });
    await this.deps.repository.insertCoaching({
      id,
      evaluation_id: evaluation.id,
      call_id: evaluation.callId,
      agent_id: evaluation.agentId,
      agent_name: evaluation.agentName,
      trainer_id: trainer.id,
      trainer_name: trainer.displayName,
      assigned_by: assigner.id,
      assigned_by_name: assigner.displayName,
      moments: JSON.stringify(moments),
      note: input.note,
      status: 'open',
      created_at: this.deps.now(),
      done_at: null,
      done_note: null,
    });
    const created = await this.deps.repository.getCoaching(id);
    if (!created) throw new Error(`coaching assignment ${id} vanished after insert`);
    return created;
  }

  /** Runs after the calls target: evaluations and coaching of deleted calls go with them. */
  retentionTarget(): RetentionTarget {
    return { name: 'evaluations', deleteOlderThan: () => this.deps.repository.deleteForDeletedCalls() };
  }

  /** Active trainers, by name: the choices when a controller hands coaching on. */
  async listTrainers(): Promise<TrainerSummary[]> {
    const users = await this.deps.users.list();
    return users
      .filter((user) => user.role === 'trainer' && !user.disabled)
      .map((user) => ({ id: user.id, displayName: user.displayName }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  /** A trainer's own queue (`ownOnly`), or everyone's with an optional trainer filter. */
  listCoaching(query: CoachingQuery, viewer: User, ownOnly: boolean): Promise<CoachingAssignment[]> {
    return this.deps.repository.listCoaching(ownOnly ? { ...query, trainerId: viewer.id } : query);
  }

  /** Only the assigned trainer marks their item done (or opens it again). */
  async updateCoaching(id: string, update: CoachingUpdate, trainer: User): Promise<CoachingAssignment> {
    const item = await this.deps.repository.getCoaching(id);
    if (!item) throw new EvaluationError(404, `no coaching assignment ${id}`);
    if (item.trainerId !== trainer.id) {
      throw new EvaluationError(403, `coaching assignment ${id} is assigned to ${item.trainerName}; only they mark it`);
    }
    const done = update.status === 'done';
    await this.deps.repository.updateCoaching(id, {
      status: update.status,
      done_at: done ? this.deps.now() : null,
      done_note: done ? (update.note ?? item.doneNote) : null,
    });
    const updated = await this.deps.repository.getCoaching(id);
    if (!updated) throw new Error(`coaching assignment ${id} vanished after update`);
    return updated;
  }

  /**
   * Whether `trainerId` has a coaching item on `callId`: the object-level rule that opens a call's recording
   * (and screenshots) to a trainer.
   */
  trainerHasCall(trainerId: string, callId: string): Promise<boolean> {
    return this.deps.repository.trainerHasCall(trainerId, callId);
  }

  private async mustGet(id: string): Promise<Evaluation> {
    const evaluation = await this.deps.repository.getEvaluation(id);
    if (!evaluation) throw new Error(`evaluation ${id} vanished after a write`);
    return evaluation;
  }

  private async ownDraft(id: string, evaluator: User): Promise<Evaluation> {
    const current = await this.getEvaluation(id, evaluator);
    if (current.evaluatorId !== evaluator.id) {
      throw new EvaluationError(403, `evaluation ${id} is ${current.evaluatorName}'s; only its author changes it`);
    }
    if (current.status !== 'draft')
      throw new EvaluationError(409, `evaluation ${id} is submitted; it can no longer change`);
    return current;
  }

  /**
   * The call exists and has ended, the scorecard version exists, the answers fit it and the moments lie within
   * the call. Moments without an id get one; ids already used keep theirs, so coaching can name them.
   */
  private async checkInput(input: EvaluationInput) {
    const stored = await this.deps.calls.findCall(input.callId);
    if (!stored) throw new EvaluationError(409, `call ${input.callId} is not known; only finished calls are evaluated`);
    const { call } = stored;
    if (call.endedAt === null) {
      throw new EvaluationError(409, `call ${input.callId} has not ended yet; evaluate it once it is finished`);
    }
    const scorecard = await this.deps.repository.getScorecard(input.scorecardId, input.scorecardVersion);
    if (!scorecard) {
      const path = (await this.deps.repository.getScorecard(input.scorecardId)) ? 'scorecardVersion' : 'scorecardId';
      const message = `no scorecard ${input.scorecardId} version ${input.scorecardVersion}`;
      throw new EvaluationError(400, `invalid evaluation: ${path}: ${message}`, [{ path, message }]);
    }
    const issues = checkAnswers(scorecard, input.answers, { complete: false });
    const callLengthMs = call.endedAt - call.offeredAt;
    input.moments.forEach((moment, i) => {
      if (moment.atMs > callLengthMs) {
        issues.push({ path: `moments.${i}.atMs`, message: `lies after the call's end (${callLengthMs} ms)` });
      }
    });
    if (issues.length > 0) throw answerError(issues, 'invalid evaluation');
    const moments: Moment[] = input.moments
      .map((moment) => ({ id: moment.id ?? randomUUID(), atMs: moment.atMs, text: moment.text }))
      .sort((a, b) => a.atMs - b.atMs);
    return { call, scorecard, moments };
  }

  private contentColumns(input: EvaluationInput, scorecard: Scorecard, moments: Moment[]) {
    return {
      scorecard_id: scorecard.id,
      scorecard_version: scorecard.version,
      answers: JSON.stringify(input.answers),
      score: scoreEvaluation(scorecard, input.answers),
      moments: JSON.stringify(moments),
      weak_link: input.weakLink?.kind ?? null,
      weak_link_note: input.weakLink?.note ?? null,
      comment: input.comment,
    };
  }

  private async auditEvaluation(
    actor: AuditActor,
    evaluationId: string,
    callId: string,
    change: string,
    scorecard: Scorecard,
    score?: number | null,
  ): Promise<void> {
    const detail: AuditDetail = { change, scorecardId: scorecard.id, version: scorecard.version };
    if (score !== undefined) detail.score = score;
    await this.deps.audit.record({ ...actor, action: 'evaluation.save', callId, objectId: evaluationId, detail });
  }
}

function answerError(issues: AckIssue[], what: string): EvaluationError {
  const summary = issues
    .slice(0, 3)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join('; ');
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return new EvaluationError(400, `${what}: ${summary}${more}`, issues);
}
