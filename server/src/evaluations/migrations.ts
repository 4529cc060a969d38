import type { Kysely, Migration } from 'kysely';

/** Scorecard versions, evaluations and coaching assignments (layout in tables.ts). */
export const evaluationMigrations: Record<string, Migration> = {
  '0010_evaluations': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('scorecards')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('sections', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addPrimaryKeyConstraint('scorecards_pk', ['id', 'version'])
        .execute();

      await db.schema
        .createTable('evaluations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('call_id', 'text', (c) => c.notNull())
        .addColumn('agent_id', 'text')
        .addColumn('agent_name', 'text')
        .addColumn('evaluator_id', 'text', (c) => c.notNull())
        .addColumn('evaluator_name', 'text', (c) => c.notNull())
        .addColumn('scorecard_id', 'text', (c) => c.notNull())
        .addColumn('scorecard_version', 'integer', (c) => c.notNull())
        .addColumn('answers', 'text', (c) => c.notNull())
        .addColumn('score', 'double precision')
        .addColumn('moments', 'text', (c) => c.notNull())
        .addColumn('weak_link', 'text')
        .addColumn('weak_link_note', 'text')
        .addColumn('comment', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('submitted_at', 'bigint')
        .addColumn('submitted_by', 'text')
        .addForeignKeyConstraint('evaluations_scorecard_fk', ['scorecard_id', 'scorecard_version'], 'scorecards', [
          'id',
          'version',
        ])
        .execute();
      // Lists per agent, per controller, per call, newest first; the summary reads submitted ones by time.
      await db.schema
        .createIndex('evaluations_agent_created')
        .on('evaluations')
        .columns(['agent_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('evaluations_evaluator_created')
        .on('evaluations')
        .columns(['evaluator_id', 'created_at'])
        .execute();
      await db.schema.createIndex('evaluations_call').on('evaluations').columns(['call_id']).execute();
      await db.schema
        .createIndex('evaluations_status_submitted')
        .on('evaluations')
        .columns(['status', 'submitted_at'])
        .execute();

      await db.schema
        .createTable('coaching_assignments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('evaluation_id', 'text', (c) => c.notNull().references('evaluations.id'))
        .addColumn('call_id', 'text', (c) => c.notNull())
        .addColumn('agent_id', 'text')
        .addColumn('agent_name', 'text')
        .addColumn('trainer_id', 'text', (c) => c.notNull())
        .addColumn('trainer_name', 'text', (c) => c.notNull())
        .addColumn('assigned_by', 'text', (c) => c.notNull())
        .addColumn('assigned_by_name', 'text', (c) => c.notNull())
        .addColumn('moments', 'text', (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('done_at', 'bigint')
        .addColumn('done_note', 'text')
        .execute();
      // A trainer's queue, and "is this call assigned to this trainer" (recording access).
      await db.schema
        .createIndex('coaching_trainer_status_created')
        .on('coaching_assignments')
        .columns(['trainer_id', 'status', 'created_at'])
        .execute();
      await db.schema
        .createIndex('coaching_call_trainer')
        .on('coaching_assignments')
        .columns(['call_id', 'trainer_id'])
        .execute();
    },
  },
};
