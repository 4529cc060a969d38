import { z } from 'zod';
import { ExternalIdSchema } from './calls.js';

/*
 * Scorecards, evaluations of finished calls and the coaching they hand to trainers (issue 6). The score
 * formula lives here so the review page shows, while the controller fills the form in, the number the server
 * stores.
 */

/** Question and moment ids: short, stable, safe in URLs and JSON keys. */
export const EvaluationItemIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'id may hold letters, digits, _ and - only');

/** The largest point a 0–N scale may have; beyond ten points controllers stop telling the steps apart. */
export const SCALE_MAX_POINTS = 10;
/** Moments are offsets into the call's recording; no call lasts a day. */
export const MOMENT_MAX_AT_MS = 24 * 60 * 60 * 1000;

/** How a question is answered: yes or no, or a point on 0..max. Either may be marked not applicable. */
export const AnswerTypeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('yes_no') }).strict(),
  z
    .object({
      kind: z.literal('scale'),
      max: z.number().int().min(1).max(SCALE_MAX_POINTS),
    })
    .strict(),
]);
export type AnswerType = z.infer<typeof AnswerTypeSchema>;

export const ScorecardQuestionSchema = z
  .object({
    id: EvaluationItemIdSchema,
    text: z.string().trim().min(1).max(300),
    /** Relative weight; a question of weight 2 counts twice as much as one of weight 1. */
    weight: z.number().positive('weight must be greater than 0').max(100),
    answer: AnswerTypeSchema,
    /** Whether "not applicable" is an answer (it takes the question out of the score). */
    allowNotApplicable: z.boolean().default(true),
  })
  .strict();
export type ScorecardQuestion = z.infer<typeof ScorecardQuestionSchema>;

export const ScorecardSectionSchema = z
  .object({
    title: z.string().trim().min(1).max(120),
    questions: z.array(ScorecardQuestionSchema).min(1, 'a section needs at least one question').max(50),
  })
  .strict();
export type ScorecardSection = z.infer<typeof ScorecardSectionSchema>;

/** `POST /api/scorecards` and `PUT /api/scorecards/:id` (admin): the whole definition; a PUT makes a new version. */
export const ScorecardInputSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    sections: z.array(ScorecardSectionSchema).min(1, 'a scorecard needs at least one section').max(30),
  })
  .strict()
  .superRefine((card, ctx) => {
    const seen = new Set<string>();
    card.sections.forEach((section, s) => {
      section.questions.forEach((question, q) => {
        if (seen.has(question.id)) {
          ctx.addIssue({
            code: 'custom',
            message: `question id ${question.id} is used twice; ids must be unique in a scorecard`,
            path: ['sections', s, 'questions', q, 'id'],
          });
        }
        seen.add(question.id);
      });
    });
  });
export type ScorecardInput = z.infer<typeof ScorecardInputSchema>;

/** One version of a scorecard. Versions are never changed: editing makes the next one. */
export interface Scorecard extends ScorecardInput {
  id: string;
  version: number;
  createdAt: number;
  /** The admin who wrote this version; null for the default seeded at first start. */
  createdBy: string | null;
}

/** `GET /api/scorecards/:id?version=N`: a given version, the latest when absent. */
export const ScorecardQuerySchema = z.object({ version: z.coerce.number().int().min(1).optional() }).strict();

/** The id of the scorecard seeded at first start. */
export const DEFAULT_SCORECARD_ID = 'default';

const yesNo: AnswerType = { kind: 'yes_no' };
const scale5: AnswerType = { kind: 'scale', max: 5 };

/** The scorecard a fresh install starts with; admins edit it into their own. */
export const DEFAULT_SCORECARD: ScorecardInput = {
  name: 'Standard call review',
  sections: [
    {
      title: 'Opening',
      questions: [
        {
          id: 'greeting',
          text: 'Greeted the caller with the standard greeting and their own name',
          weight: 1,
          answer: yesNo,
          allowNotApplicable: false,
        },
        {
          id: 'identification',
          text: 'Identified the subscriber as the procedure requires before discussing the account',
          weight: 2,
          answer: yesNo,
          allowNotApplicable: true,
        },
      ],
    },
    {
      title: 'Handling',
      questions: [
        {
          id: 'understanding',
          text: "Understood the caller's need: asked clarifying questions, restated it",
          weight: 2,
          answer: scale5,
          allowNotApplicable: false,
        },
        {
          id: 'resolution',
          text: 'Resolved the request, or gave a clear next step and time',
          weight: 3,
          answer: scale5,
          allowNotApplicable: false,
        },
        {
          id: 'hold_etiquette',
          text: 'Hold etiquette: asked before holding, explained why, came back in time',
          weight: 1,
          answer: yesNo,
          allowNotApplicable: true,
        },
        {
          id: 'smile_in_voice',
          text: '"Smile in the voice": friendly, calm, confident tone throughout',
          weight: 1,
          answer: scale5,
          allowNotApplicable: false,
        },
      ],
    },
    {
      title: 'Closing',
      questions: [
        {
          id: 'closing',
          text: 'Summarised, asked whether anything else was needed, closed with the standard phrase',
          weight: 1,
          answer: yesNo,
          allowNotApplicable: false,
        },
      ],
    },
  ],
};

/** An answer: yes, no, not applicable, or a point on the question's scale. */
export const AnswerValueSchema = z.union([z.enum(['yes', 'no', 'na']), z.number().int().min(0).max(SCALE_MAX_POINTS)]);
export type AnswerValue = z.infer<typeof AnswerValueSchema>;

/** Answers by question id. */
export const AnswersSchema = z.record(EvaluationItemIdSchema, AnswerValueSchema);
export type Answers = z.infer<typeof AnswersSchema>;

/** Where the call went wrong, if it did: the fixed list of the product card. */
export const WEAK_LINKS = ['knowledge_gap', 'slow_or_broken_tool', 'process_gap', 'caller_side', 'other'] as const;
export const WeakLinkKindSchema = z.enum(WEAK_LINKS);
export type WeakLinkKind = z.infer<typeof WeakLinkKindSchema>;

export const WEAK_LINK_LABELS: Record<WeakLinkKind, string> = {
  knowledge_gap: 'Knowledge gap',
  slow_or_broken_tool: 'Slow or broken tool',
  process_gap: 'Process gap',
  caller_side: 'Caller side',
  other: 'Other',
};

export const WeakLinkSchema = z
  .object({
    kind: WeakLinkKindSchema,
    note: z.string().trim().max(500).nullable().default(null),
  })
  .strict()
  .refine((link) => link.kind !== 'other' || (link.note !== null && link.note.length > 0), {
    message: 'say what the weak link was: a note is required when the kind is other',
    path: ['note'],
  });
export type WeakLink = z.infer<typeof WeakLinkSchema>;

/** A comment pinned to a moment of the call: `atMs` from the start of its recording. */
export const MomentInputSchema = z
  .object({
    /** Optional on input (the server gives new moments an id); kept on edits so coaching can name moments. */
    id: EvaluationItemIdSchema.optional(),
    atMs: z.number().int().nonnegative().max(MOMENT_MAX_AT_MS),
    text: z.string().trim().min(1).max(1_000),
  })
  .strict();
export type MomentInput = z.infer<typeof MomentInputSchema>;
/** A pinned moment as stored and answered: always with its id. */
export const MomentSchema = MomentInputSchema.required({ id: true });
export type Moment = z.infer<typeof MomentSchema>;

/** What a controller writes; `POST /api/evaluations` (a new draft) and `PUT /api/evaluations/:id` (edit a draft). */
export const EvaluationInputSchema = z
  .object({
    callId: ExternalIdSchema,
    scorecardId: ExternalIdSchema,
    scorecardVersion: z.number().int().min(1),
    answers: AnswersSchema.default({}),
    moments: z.array(MomentInputSchema).max(200).default([]),
    weakLink: WeakLinkSchema.nullable().default(null),
    comment: z.string().trim().max(5_000).default(''),
  })
  .strict()
  .superRefine((input, ctx) => {
    const ids = new Set<string>();
    input.moments.forEach((moment, i) => {
      if (moment.id === undefined) return;
      if (ids.has(moment.id)) {
        ctx.addIssue({ code: 'custom', message: `moment id ${moment.id} is used twice`, path: ['moments', i, 'id'] });
      }
      ids.add(moment.id);
    });
  });
export type EvaluationInput = z.infer<typeof EvaluationInputSchema>;

export const EVALUATION_STATUSES = ['draft', 'submitted'] as const;
export const EvaluationStatusSchema = z.enum(EVALUATION_STATUSES);
export type EvaluationStatus = z.infer<typeof EvaluationStatusSchema>;

export interface Evaluation {
  id: string;
  callId: string;
  agentId: string | null;
  agentName: string | null;
  evaluatorId: string;
  evaluatorName: string;
  scorecardId: string;
  scorecardVersion: number;
  answers: Answers;
  /** 0–100 by `scoreEvaluation`; null while nothing scorable is answered. */
  score: number | null;
  moments: Moment[];
  weakLink: WeakLink | null;
  comment: string;
  status: EvaluationStatus;
  createdAt: number;
  updatedAt: number;
  submittedAt: number | null;
  submittedBy: string | null;
}

/** `GET /api/evaluations`: by agent, by controller, by call; newest first. */
export const EvaluationsQuerySchema = z
  .object({
    agentId: z.string().min(1).max(128).optional(),
    evaluatorId: z.string().min(1).max(128).optional(),
    callId: ExternalIdSchema.optional(),
    status: EvaluationStatusSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type EvaluationsQuery = z.infer<typeof EvaluationsQuerySchema>;

/** `GET /api/evaluations/summary?from&to`: submitted evaluations whose submission falls in [from, to). */
export const EvaluationSummaryQuerySchema = z
  .object({
    from: z.coerce.number().int().nonnegative().optional(),
    to: z.coerce.number().int().nonnegative().optional(),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'from must not be later than to',
    path: ['from'],
  });
export type EvaluationSummaryQuery = z.infer<typeof EvaluationSummaryQuerySchema>;

export interface EvaluationSummary {
  from: number | null;
  to: number | null;
  agents: { agentId: string | null; agentName: string | null; evaluations: number; averageScore: number | null }[];
  /** How often each weak link was named; every kind is present, zero when never named. */
  weakLinks: Record<WeakLinkKind, number>;
}

/** `POST /api/evaluations/:id/coaching`: hand chosen moments of the evaluation to a trainer. */
export const CoachingInputSchema = z
  .object({
    trainerId: z.string().min(1).max(128),
    momentIds: z.array(EvaluationItemIdSchema).min(1, 'choose at least one pinned moment').max(200),
    note: z.string().trim().max(2_000).default(''),
  })
  .strict();
export type CoachingInput = z.infer<typeof CoachingInputSchema>;

export const COACHING_STATUSES = ['open', 'done'] as const;
export const CoachingStatusSchema = z.enum(COACHING_STATUSES);
export type CoachingStatus = z.infer<typeof CoachingStatusSchema>;

/** `PATCH /api/coaching/:id` (the assigned trainer): mark done, or open again. */
export const CoachingUpdateSchema = z
  .object({
    status: CoachingStatusSchema,
    /** What the trainer did, for the controller to read. */
    note: z.string().trim().max(2_000).optional(),
  })
  .strict();
export type CoachingUpdate = z.infer<typeof CoachingUpdateSchema>;

/** `GET /api/coaching`: a trainer sees their own queue; supervisors and admins may filter by trainer. */
export const CoachingQuerySchema = z
  .object({
    status: CoachingStatusSchema.optional(),
    trainerId: z.string().min(1).max(128).optional(),
    /** One call's assignments (the review page shows what was handed on from it). */
    callId: ExternalIdSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type CoachingQuery = z.infer<typeof CoachingQuerySchema>;

export interface CoachingAssignment {
  id: string;
  evaluationId: string;
  callId: string;
  agentId: string | null;
  agentName: string | null;
  trainerId: string;
  trainerName: string;
  assignedBy: string;
  assignedByName: string;
  /** The chosen moments as they were when assigned. */
  moments: Moment[];
  note: string;
  status: CoachingStatus;
  createdAt: number;
  doneAt: number | null;
  doneNote: string | null;
  /** What the evaluation behind it names as the weak link, and its score, as they are now. */
  weakLink: WeakLink | null;
  evaluationScore: number | null;
}

/** `GET /api/coaching/trainers`: whom a controller can hand coaching to (active trainers only). */
export interface TrainerSummary {
  id: string;
  displayName: string;
}

/** A problem with answers against their scorecard, with the path of the field (as zod issues have). */
export interface AnswerIssue {
  path: string;
  message: string;
}

/** Every question of a scorecard, in order. */
export function scorecardQuestions(card: Pick<ScorecardInput, 'sections'>): ScorecardQuestion[] {
  return card.sections.flatMap((section) => section.questions);
}

/**
 * Checks answers against the scorecard: every key a question of it, every value of the question's type.
 * With `complete`, every question must be answered (n.a. counts, where the question allows it).
 */
export function checkAnswers(
  card: Pick<ScorecardInput, 'sections'>,
  answers: Answers,
  options: { complete: boolean },
): AnswerIssue[] {
  const issues: AnswerIssue[] = [];
  const questions = new Map(scorecardQuestions(card).map((q) => [q.id, q]));
  for (const [id, value] of Object.entries(answers)) {
    const question = questions.get(id);
    const path = `answers.${id}`;
    if (!question) {
      issues.push({ path, message: `the scorecard has no question ${id}` });
      continue;
    }
    if (value === 'na') {
      if (!question.allowNotApplicable) issues.push({ path, message: 'this question may not be marked n.a.' });
    } else if (question.answer.kind === 'yes_no') {
      if (typeof value !== 'string') issues.push({ path, message: 'answer yes, no or na' });
    } else if (typeof value !== 'number' || value > question.answer.max) {
      issues.push({ path, message: `answer a whole number from 0 to ${question.answer.max}, or na` });
    }
  }
  if (options.complete) {
    for (const id of questions.keys()) {
      if (answers[id] === undefined) issues.push({ path: `answers.${id}`, message: 'not answered' });
    }
  }
  return issues;
}

/**
 * The score, 0–100 with one decimal:
 *   score = 100 × Σ weight·fraction / Σ weight, over the questions answered and not n.a.,
 * where fraction is 1 for yes, 0 for no, and points / max on a scale. N.a. and unanswered questions leave
 * both sums, so they neither help nor hurt. Null when nothing scorable is answered (all n.a., or none).
 * Answers that do not fit their question (see `checkAnswers`) are ignored.
 */
export function scoreEvaluation(card: Pick<ScorecardInput, 'sections'>, answers: Answers): number | null {
  let earned = 0;
  let possible = 0;
  for (const question of scorecardQuestions(card)) {
    const fraction = answerFraction(question, answers[question.id]);
    if (fraction === null) continue;
    earned += question.weight * fraction;
    possible += question.weight;
  }
  if (possible === 0) return null;
  return Math.round((1_000 * earned) / possible) / 10;
}

function answerFraction(question: ScorecardQuestion, value: AnswerValue | undefined): number | null {
  if (value === undefined || value === 'na') return null;
  if (question.answer.kind === 'yes_no') {
    return value === 'yes' ? 1 : value === 'no' ? 0 : null;
  }
  if (typeof value !== 'number' || value > question.answer.max) return null;
  return value / question.answer.max;
}
