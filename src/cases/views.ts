// How a case is shown (contract §15): the D1 row and its events, parsed.
import type { CaseEventRow, CaseRow } from "../db/queries/cases";
import type {
  CaseReason,
  CaseResolution,
  CaseState,
  CaseStatus,
  ChainedEvent,
  ChainProblem,
  HashedMatch,
  StoredProposal,
} from "../domain/cases";

export interface CaseProposalView {
  outcome: StoredProposal["outcome"];
  reason_code: StoredProposal["reason_code"];
  note: string;
  by: string;
  at: string;
}

/** A match candidate of the case's run, as an analyst compares it with the subject. */
export interface CaseMatchView {
  source: HashedMatch["source"];
  list: string;
  /** What `match_resolutions[].entity_id` names. */
  entity_id: string;
  name: string | null;
  score: number | null;
  record_hash: string;
}

/** The record's check (contract §15): what the row claims its chain is, and whether everything agrees. */
export interface CaseChainView {
  length: number;
  head: string;
  verified: boolean;
  /** Why it is not verified (null when it is). */
  problem: ChainProblem | null;
  /** The latest audit anchor holding this chain (null: not anchored yet). */
  anchor: { id: string; created_at: string; length: number } | null;
}

/** The case object (contract §15). `matches` and `chain` are present on GET /cases/{id} only. */
export interface Case {
  id: string;
  object: "case";
  /** The run the case reviews; null for a monitoring case (reason `monitoring`), which reviews `alert_id`. */
  run_id: string | null;
  alert_id: string | null;
  subject_id: string | null;
  status: CaseStatus;
  reason: CaseReason;
  opened_at: string;
  due_at: string;
  assignee: string | null;
  proposal: CaseProposalView | null;
  resolution: CaseResolution | null;
  events: ChainedEvent[];
  livemode: boolean;
  matches?: CaseMatchView[];
  chain?: CaseChainView;
}

export const parseProposal = (row: CaseRow): StoredProposal | null => (row.proposal ? (JSON.parse(row.proposal) as StoredProposal) : null);
export const parseResolution = (row: CaseRow): CaseResolution | null =>
  row.resolution ? (JSON.parse(row.resolution) as CaseResolution) : null;

export const caseState = (row: CaseRow): CaseState => ({
  id: row.id,
  status: row.status as CaseStatus,
  reason: row.reason as CaseReason,
  assignee: row.assignee,
  proposal: parseProposal(row),
  resolution: parseResolution(row),
});

export const eventView = (e: CaseEventRow): ChainedEvent => ({
  id: e.id,
  type: e.type,
  actor: e.actor,
  via: e.via ?? null,
  key_id: e.keyId ?? null,
  user_id: e.userId ?? null,
  at: e.at,
  data: JSON.parse(e.data) as Record<string, unknown>,
  prev_hash: e.prevHash,
  hash: e.hash,
});

export function caseView(row: CaseRow, events: CaseEventRow[], matches?: HashedMatch[]): Case {
  const p = parseProposal(row);
  return {
    id: row.id,
    object: "case",
    run_id: row.runId,
    alert_id: row.alertId,
    subject_id: row.subjectId,
    status: row.status as CaseStatus,
    reason: row.reason as CaseReason,
    opened_at: row.openedAt,
    due_at: row.dueAt,
    assignee: row.assignee,
    proposal: p ? { outcome: p.outcome, reason_code: p.reason_code, note: p.note, by: p.by, at: p.at } : null,
    resolution: parseResolution(row),
    events: events.map(eventView),
    livemode: row.livemode,
    ...(matches
      ? {
          matches: matches.map((m) => ({
            source: m.source,
            list: m.list,
            entity_id: m.entity_id,
            name: m.name,
            score: m.score,
            record_hash: m.record_hash,
          })),
        }
      : {}),
  };
}
