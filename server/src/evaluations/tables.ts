import type { CoachingStatus, EvaluationStatus, WeakLinkKind } from '@earshot/shared';

/** One version of a scorecard; versions are only ever added. */
export interface ScorecardsTable {
  id: string;
  version: number;
  name: string;
  /** JSON text of the sections (ScorecardSection[]). */
  sections: string;
  created_at: number;
  created_by: string | null;
}

/**
 * One evaluation of a finished call against one scorecard version. The agent is copied from the call and the
 * evaluator's name from their account when written, so lists need no joins and survive renames.
 */
export interface EvaluationsTable {
  id: string;
  call_id: string;
  agent_id: string | null;
  agent_name: string | null;
  evaluator_id: string;
  evaluator_name: string;
  scorecard_id: string;
  scorecard_version: number;
  /** JSON text: answers by question id. */
  answers: string;
  /** 0–100, computed by the shared formula on every write; null while nothing scorable is answered. */
  score: number | null;
  /** JSON text: Moment[]. */
  moments: string;
  weak_link: WeakLinkKind | null;
  weak_link_note: string | null;
  comment: string;
  status: EvaluationStatus;
  created_at: number;
  updated_at: number;
  submitted_at: number | null;
  submitted_by: string | null;
}

export interface CoachingAssignmentsTable {
  id: string;
  evaluation_id: string;
  call_id: string;
  agent_id: string | null;
  agent_name: string | null;
  trainer_id: string;
  trainer_name: string;
  assigned_by: string;
  assigned_by_name: string;
  /** JSON text: the chosen Moment[] as they were when assigned. */
  moments: string;
  note: string;
  status: CoachingStatus;
  created_at: number;
  done_at: number | null;
  done_note: string | null;
}

export interface EvaluationTables {
  scorecards: ScorecardsTable;
  evaluations: EvaluationsTable;
  coaching_assignments: CoachingAssignmentsTable;
}
