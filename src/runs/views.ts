// How runs are shown: the terminal body computed once by the Durable Object
// and stored, and the summaries/pending bodies built from the D1 mirror.
import type { RunRow } from "../db/queries/runs";
import {
  isTerminal,
  type BureauRunAnalysis,
  type DecisionOutcome,
  type PartnerOutcome,
  type PartnerRunSummary,
  type RunBody,
  type RunStatus,
  type SourceKey,
  type SourceResult,
  type UnscreenedPartner,
} from "../domain/types";
import { creditsUsed } from "../domain/credits";
import { maskDocument } from "../domain/documents";
import type { RunInit, StoredResult } from "./types";

/** A partner as the run body shows it: its run's outcome, or what the lists answered for a partner known by a masked CPF. */
const partnerSummary = (p: PartnerOutcome): PartnerRunSummary => {
  const lists = p.list_screening;
  return {
    run_id: p.run_id,
    // Outcomes stored before the field existed: the lists answered only for a lists partner.
    screened_by: p.screened_by ?? (lists ? "lists" : "run"),
    name: p.name,
    document: p.documento_mascarado,
    qualificacao: p.qualificacao,
    status: p.status,
    decision: p.decision,
    operative_decision: p.operative_decision ?? p.decision,
    risk_band: p.risk_band,
    ...(p.reason ? { reason: p.reason } : {}),
    ...(lists
      ? { sources: lists.sources, lists: lists.lists, matches: lists.matches, cleared: lists.cleared, checks_not_run: lists.checks_not_run }
      : {}),
  };
};

/** Partner entries stored before `screened_by` existed were all partner runs. */
const withScreenedBy = (partners: readonly PartnerRunSummary[]): PartnerRunSummary[] =>
  partners.map((p) => (p.screened_by ? p : { ...p, screened_by: "run" }));

export function buildRunBody(a: {
  init: RunInit;
  status: RunStatus;
  outcome: DecisionOutcome | null;
  results: SourceResult[];
  skipped: SourceKey[];
  partners: PartnerOutcome[];
  unscreened: UnscreenedPartner[];
  analysis: BureauRunAnalysis | null;
  startedAt: string | null;
  completedAt: string;
}): StoredResult {
  const { init, outcome } = a;
  const body: RunBody = {
    id: init.runId,
    object: "bureau_run",
    status: a.status,
    decision: outcome?.decision ?? null,
    operative_decision: outcome?.operative_decision ?? null,
    risk_band: outcome?.risk_band ?? null,
    template: { id: init.snapshot.id, version: init.snapshot.version, name: init.snapshot.name },
    subject: { type: init.subject.type, document: maskDocument(init.subject.type, init.subject.document) },
    sources: a.results.map((r) => ({
      source: r.source,
      phase: r.phase,
      status: r.status,
      checks: r.checks,
      duration_ms: r.duration_ms,
      attempts: r.attempts,
      ...(r.reason ? { reason: r.reason } : {}),
    })),
    skipped_sources: a.skipped,
    triggered_rules: outcome?.triggered_rules ?? [],
    partner_runs: a.partners.map(partnerSummary),
    unscreened_partners: a.unscreened.map((u) => ({
      name: u.nome,
      document: u.documento,
      qualificacao: u.qualificacao,
      reason_code: u.reason_code,
      reason: u.reason,
    })),
    parent_run_id: init.parentRunId,
    // A cancelled run still pays for the sources that answered before it stopped.
    credits_used: outcome?.credits_used ?? creditsUsed(a.results, init.livemode),
    external_id: init.externalId,
    flags: init.externalId ? { external_id: init.externalId } : {},
    metadata: init.metadata,
    created_at: init.createdAt,
    started_at: a.startedAt,
    completed_at: a.completedAt,
    failed_at: a.status === "failed" ? a.completedAt : null,
    webhook_url: init.webhookUrl,
    livemode: init.livemode,
  };
  return { body, results: a.results, analysis: a.analysis, snapshot: init.snapshot, partners: a.partners, unscreened: a.unscreened };
}

export const storedResult = (row: RunRow): StoredResult | null =>
  row.result ? (JSON.parse(row.result) as StoredResult) : null;

/**
 * The review-case fields of a run (contract §15), from the D1 row: the stored
 * terminal body is immutable, so they are merged in whenever a run is read.
 */
export const caseFields = (row: RunRow) => ({
  case_id: row.caseId ?? null,
  final_decision: (row.finalDecision ?? null) as RunBody["final_decision"],
});

/**
 * The fields every shape of a run shows from the D1 row, so a result stored
 * before they existed shows them too: when a failed run failed, and the
 * webhook URL given at creation.
 */
const rowFields = (row: RunRow) => ({
  failed_at: row.status === "failed" ? (row.completedAt ?? null) : null,
  webhook_url: row.webhookUrl ?? null,
});

/** GET /runs/{id} of a terminal run: the stored body plus its case fields. */
export const runBodyView = (row: RunRow, stored: StoredResult): RunBody => ({
  ...stored.body,
  partner_runs: withScreenedBy(stored.body.partner_runs),
  ...rowFields(row),
  ...caseFields(row),
});

/**
 * The list item (contract §6): the run object without `sources`. A run still
 * executing has the same fields as a finished one (empty rules and partners),
 * so clients read every item of a page the same way.
 */
export function runSummary(row: RunRow) {
  const stored = storedResult(row);
  if (stored) {
    const { sources: _sources, ...rest } = stored.body;
    return { ...rest, partner_runs: withScreenedBy(rest.partner_runs), ...rowFields(row), ...caseFields(row) };
  }
  return {
    id: row.id,
    object: "bureau_run" as const,
    status: row.status as RunStatus,
    decision: null,
    operative_decision: null,
    risk_band: null,
    template: { id: row.templateId, version: row.templateVersion },
    subject: { type: row.subjectType, document: row.documentMasked },
    skipped_sources: [],
    triggered_rules: [],
    partner_runs: [],
    unscreened_partners: [],
    parent_run_id: row.parentRunId,
    credits_used: row.creditsUsed,
    external_id: row.externalId,
    flags: row.externalId ? { external_id: row.externalId } : {},
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    created_at: row.createdAt,
    started_at: row.startedAt,
    completed_at: null,
    ...rowFields(row),
    livemode: row.livemode,
    ...caseFields(row),
  };
}

/** Seconds a poller should wait: the rest of the estimate, at least 1. */
export function retryAfterSeconds(row: RunRow, nowMs: number): number {
  const elapsed = (nowMs - Date.parse(row.startedAt ?? row.createdAt)) / 1000;
  return Math.max(1, Math.ceil(row.estimatedSeconds - elapsed));
}

/** The 202 body of a run that is not terminal yet (contract §7). */
export function pendingBody(row: RunRow, nowMs: number) {
  return {
    id: row.id,
    object: "bureau_run" as const,
    status: row.status as RunStatus,
    retry_after_seconds: retryAfterSeconds(row, nowMs),
    created_at: row.createdAt,
    livemode: row.livemode,
    // Echoed while pending too (contract §3: "echoed everywhere"), as in the 202 of POST /runs.
    external_id: row.externalId,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    webhook_url: row.webhookUrl ?? null,
  };
}

export const isTerminalRow = (row: RunRow) => isTerminal(row.status as RunStatus);
