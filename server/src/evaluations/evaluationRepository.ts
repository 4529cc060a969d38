import {
  AnswersSchema,
  type CoachingAssignment,
  type CoachingQuery,
  type Evaluation,
  type EvaluationSummary,
  type EvaluationsQuery,
  MomentSchema,
  type Scorecard,
  ScorecardSectionSchema,
  WEAK_LINKS,
  type WeakLinkKind,
} from '@earshot/shared';
import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/database.js';
import type { CoachingAssignmentsTable, EvaluationsTable, ScorecardsTable } from './tables.js';

const SectionsSchema = z.array(ScorecardSectionSchema);
const MomentsSchema = z.array(MomentSchema);

/** JSON columns were written by this code from parsed input; reading them back checks them all the same. */
function parseJsonColumn<S extends z.ZodType>(schema: S, text: string, what: string): z.output<S> {
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`stored ${what} does not match its schema: ${parsed.error.message}`);
  return parsed.data;
}

export function scorecardFromRow(row: Selectable<ScorecardsTable>): Scorecard {
  return {
    id: row.id,
    version: Number(row.version),
    name: row.name,
    sections: parseJsonColumn(SectionsSchema, row.sections, `sections of scorecard ${row.id}`),
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
  };
}

export function evaluationFromRow(row: Selectable<EvaluationsTable>): Evaluation {
  return {
    id: row.id,
    callId: row.call_id,
    agentId: row.agent_id,
    agentName: row.agent_name,
    evaluatorId: row.evaluator_id,
    evaluatorName: row.evaluator_name,
    scorecardId: row.scorecard_id,
    scorecardVersion: Number(row.scorecard_version),
    answers: parseJsonColumn(AnswersSchema, row.answers, `answers of evaluation ${row.id}`),
    score: row.score === null ? null : Number(row.score),
    moments: parseJsonColumn(MomentsSchema, row.moments, `moments of evaluation ${row.id}`),
    weakLink: row.weak_link === null ? null : { kind: row.weak_link, note: row.weak_link_note },
    comment: row.comment,
    status: row.status,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    submittedAt: row.submitted_at === null ? null : Number(row.submitted_at),
    submittedBy: row.submitted_by,
  };
}

/** A coaching row with what its evaluation says now (joined): the weak link and the score. */
type CoachingRow = Selectable<CoachingAssignmentsTable> &
  Pick<Selectable<EvaluationsTable>, 'weak_link' | 'weak_link_note' | 'score'>;

export function coachingFromRow(row: CoachingRow): CoachingAssignment {
  return {
    id: row.id,
    evaluationId: row.evaluation_id,
    callId: row.call_id,
    agentId: row.agent_id,
    agentName: row.agent_name,
    trainerId: row.trainer_id,
    trainerName: row.trainer_name,
    assignedBy: row.assigned_by,
    assignedByName: row.assigned_by_name,
    moments: parseJsonColumn(MomentsSchema, row.moments, `moments of coaching assignment ${row.id}`),
    note: row.note,
    status: row.status,
    createdAt: Number(row.created_at),
    doneAt: row.done_at === null ? null : Number(row.done_at),
    doneNote: row.done_note,
    weakLink: row.weak_link === null ? null : { kind: row.weak_link, note: row.weak_link_note },
    evaluationScore: row.score === null ? null : Number(row.score),
  };
}

/** True when a write lost to another with the same key (SQLite and PostgreSQL say it differently). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Scorecard versions, evaluations and coaching assignments; the same SQL on SQLite and PostgreSQL. */
export class EvaluationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async countScorecards(): Promise<number> {
    const row = await this.db
      .selectFrom('scorecards')
      .select((eb) => eb.fn.countAll().as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** The latest version of every scorecard, by name. */
  async listLatestScorecards(): Promise<Scorecard[]> {
    const rows = await this.db
      .selectFrom('scorecards as s')
      .selectAll('s')
      .where(({ eb, selectFrom }) =>
        eb(
          's.version',
          '=',
          selectFrom('scorecards as v')
            .select((v) => v.fn.max('v.version').as('latest'))
            .whereRef('v.id', '=', 's.id'),
        ),
      )
      .orderBy('s.name')
      .orderBy('s.id')
      .execute();
    return rows.map(scorecardFromRow);
  }

  /** One version, or the latest when `version` is absent. */
  async getScorecard(id: string, version?: number): Promise<Scorecard | undefined> {
    let query = this.db.selectFrom('scorecards').selectAll().where('id', '=', id);
    query = version === undefined ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
    const row = await query.executeTakeFirst();
    return row ? scorecardFromRow(row) : undefined;
  }

  /** Adds a version; a concurrent writer of the same version makes this throw a unique violation. */
  async insertScorecard(row: Insertable<ScorecardsTable>): Promise<void> {
    await this.db.insertInto('scorecards').values(row).execute();
  }

  async insertEvaluation(row: Insertable<EvaluationsTable>): Promise<void> {
    await this.db.insertInto('evaluations').values(row).execute();
  }

  /** Updates a draft; false when it is no longer a draft (submitted meanwhile). */
  async updateDraft(id: string, patch: Updateable<EvaluationsTable>): Promise<boolean> {
    const result = await this.db
      .updateTable('evaluations')
      .set(patch)
      .where('id', '=', id)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async getEvaluation(id: string): Promise<Evaluation | undefined> {
    const row = await this.db.selectFrom('evaluations').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? evaluationFromRow(row) : undefined;
  }

  /** Newest first: every submitted evaluation, and the drafts of `viewerId` (drafts are their author's). */
  async listEvaluations(query: EvaluationsQuery, viewerId: string): Promise<Evaluation[]> {
    let select = this.db
      .selectFrom('evaluations')
      .selectAll()
      .where((eb) => eb.or([eb('status', '=', 'submitted'), eb('evaluator_id', '=', viewerId)]));
    if (query.agentId !== undefined) select = select.where('agent_id', '=', query.agentId);
    if (query.evaluatorId !== undefined) select = select.where('evaluator_id', '=', query.evaluatorId);
    if (query.callId !== undefined) select = select.where('call_id', '=', query.callId);
    if (query.status !== undefined) select = select.where('status', '=', query.status);
    const rows = await select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map(evaluationFromRow);
  }

  /** Submitted evaluations in [from, to): the average score per agent and how often each weak link was named. */
  async summary(from: number | undefined, to: number | undefined): Promise<EvaluationSummary> {
    let base = this.db.selectFrom('evaluations').where('status', '=', 'submitted');
    if (from !== undefined) base = base.where('submitted_at', '>=', from);
    if (to !== undefined) base = base.where('submitted_at', '<', to);
    const agents = await base
      .select((eb) => [
        'agent_id',
        eb.fn.max('agent_name').as('agent_name'),
        eb.fn.countAll().as('evaluations'),
        eb.fn.avg('score').as('average_score'),
      ])
      .groupBy('agent_id')
      .orderBy('agent_id')
      .execute();
    const links = await base
      .select((eb) => ['weak_link', eb.fn.countAll().as('count')])
      .where('weak_link', 'is not', null)
      .groupBy('weak_link')
      .execute();
    const weakLinks = Object.fromEntries(WEAK_LINKS.map((kind) => [kind, 0])) as Record<WeakLinkKind, number>;
    for (const link of links) if (link.weak_link !== null) weakLinks[link.weak_link] = Number(link.count);
    return {
      from: from ?? null,
      to: to ?? null,
      agents: agents.map((row) => ({
        agentId: row.agent_id,
        agentName: row.agent_name,
        evaluations: Number(row.evaluations),
        averageScore: row.average_score === null ? null : Math.round(Number(row.average_score) * 10) / 10,
      })),
      weakLinks,
    };
  }

  async insertCoaching(row: Insertable<CoachingAssignmentsTable>): Promise<void> {
    await this.db.insertInto('coaching_assignments').values(row).execute();
  }

  async getCoaching(id: string): Promise<CoachingAssignment | undefined> {
    const row = await this.selectCoaching().where('c.id', '=', id).executeTakeFirst();
    return row ? coachingFromRow(row) : undefined;
  }

  async updateCoaching(id: string, patch: Updateable<CoachingAssignmentsTable>): Promise<void> {
    await this.db.updateTable('coaching_assignments').set(patch).where('id', '=', id).execute();
  }

  /** Open items first, then done ones; oldest first within each (a queue). */
  async listCoaching(query: Omit<CoachingQuery, 'trainerId'> & { trainerId?: string }): Promise<CoachingAssignment[]> {
    let select = this.selectCoaching();
    if (query.trainerId !== undefined) select = select.where('c.trainer_id', '=', query.trainerId);
    if (query.status !== undefined) select = select.where('c.status', '=', query.status);
    if (query.callId !== undefined) select = select.where('c.call_id', '=', query.callId);
    const rows = await select
      .orderBy('c.status', 'desc')
      .orderBy('c.created_at', 'asc')
      .orderBy('c.id')
      .limit(query.limit)
      .execute();
    return rows.map(coachingFromRow);
  }

  private selectCoaching() {
    return this.db
      .selectFrom('coaching_assignments as c')
      .leftJoin('evaluations as e', 'e.id', 'c.evaluation_id')
      .selectAll('c')
      .select(['e.weak_link', 'e.weak_link_note', 'e.score']);
  }

  /** Whether any coaching item of this trainer concerns this call (what opens its recording to them). */
  async trainerHasCall(trainerId: string, callId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('coaching_assignments')
      .select('id')
      .where('trainer_id', '=', trainerId)
      .where('call_id', '=', callId)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Deletes the evaluations and coaching items of calls no longer stored (retention deleted them just
   * before), in batches: an evaluation is personal data about the call and its agent, kept no longer.
   */
  async deleteForDeletedCalls(batchSize = 500): Promise<{ evaluations: number; coachingAssignments: number }> {
    let evaluations = 0;
    let coachingAssignments = 0;
    for (;;) {
      const deleted = await this.db.transaction().execute(async (trx) => {
        const callIds = (
          await trx
            .selectFrom('evaluations')
            .select('call_id')
            .distinct()
            .where(({ not, exists, selectFrom }) =>
              not(exists(selectFrom('calls').select('calls.id').whereRef('calls.id', '=', 'evaluations.call_id'))),
            )
            .limit(batchSize)
            .execute()
        ).map((row) => row.call_id);
        if (callIds.length === 0) return { calls: 0, evaluations: 0, coaching: 0 };
        const coaching = await trx
          .deleteFrom('coaching_assignments')
          .where('call_id', 'in', callIds)
          .executeTakeFirst();
        const gone = await trx.deleteFrom('evaluations').where('call_id', 'in', callIds).executeTakeFirst();
        return {
          calls: callIds.length,
          evaluations: Number(gone.numDeletedRows),
          coaching: Number(coaching.numDeletedRows),
        };
      });
      evaluations += deleted.evaluations;
      coachingAssignments += deleted.coaching;
      if (deleted.calls < batchSize) return { evaluations, coachingAssignments };
    }
  }
}
