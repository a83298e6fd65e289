// The run's records, built in one place: the D1 row a run starts with (API
// runs and partner runs alike), the RunInit its Durable Object executes, and
// the stored result of a run that never started.
import type { RunRow, TerminalFields } from "../db/queries/runs";
import { analyze } from "../domain/analysis";
import { creditsToReserve } from "../domain/credits";
import { decide } from "../domain/decision";
import { maskDocument } from "../domain/documents";
import { estimateSeconds } from "../domain/plan";
import type { SourceResult, Subject, TemplateSnapshot } from "../domain/types";
import type { RunInit, StoredResult } from "./types";
import { buildRunBody } from "./views";

export interface NewRunInput {
  id: string;
  tenantId: string;
  livemode: boolean;
  /** The API key behind the run (a partner run: its company's key). */
  keyId: string | null;
  template: TemplateSnapshot;
  /** The template of the partner runs a company template starts (its phase counts in the estimate); null otherwise. */
  partnerTemplate?: TemplateSnapshot | null;
  /** Normalised document; only its masked form reaches D1. */
  document: string;
  parentRunId: string | null;
  externalId: string | null;
  metadata: Record<string, string>;
  webhookUrl: string | null;
  createdAt: string;
}

/** A new run's D1 row: `queued`, holding the template's reservation (`creditsReserved`, what insertRunReserving takes). */
export function newRunRow(a: NewRunInput): RunRow {
  return {
    id: a.id,
    tenantId: a.tenantId,
    livemode: a.livemode,
    templateId: a.template.id,
    templateVersion: a.template.version,
    subjectType: a.template.subject_type,
    documentMasked: maskDocument(a.template.subject_type, a.document),
    status: "queued",
    decision: null,
    operativeDecision: null,
    riskBand: null,
    externalId: a.externalId,
    metadata: JSON.stringify(a.metadata),
    webhookUrl: a.webhookUrl,
    parentRunId: a.parentRunId,
    keyId: a.keyId,
    creditsReserved: creditsToReserve(a.template, a.livemode),
    creditsUsed: 0,
    creditsSettled: false,
    estimatedSeconds: estimateSeconds(a.template, a.partnerTemplate ?? null),
    result: null,
    // A review case is opened, if at all, when the run ends.
    caseId: null,
    finalDecision: null,
    createdAt: a.createdAt,
    startedAt: null,
    completedAt: null,
  };
}

/** What the run object needs to execute `row`: the row's fields plus what only the object may hold (the clear subject). */
export function runInitFor(row: RunRow, snapshot: TemplateSnapshot, subject: Subject): RunInit {
  return {
    runId: row.id,
    tenantId: row.tenantId,
    livemode: row.livemode,
    snapshot,
    subject,
    createdAt: row.createdAt,
    parentRunId: row.parentRunId,
    externalId: row.externalId,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    webhookUrl: row.webhookUrl,
    keyId: row.keyId,
  };
}

/** Why each source of a run given up by the sweeper ended in ERROR (pt-BR, shown on the run and its detail). */
export const NEVER_STARTED_REASON = "A execução nunca foi iniciada (falha interna ao iniciá-la); nenhuma fonte foi consultada.";

/**
 * The terminal body of a run whose object never received `start` (the clear
 * document is gone with the request that created it): `failed`, every source
 * of its template in ERROR with the reason, nothing charged. Built like any
 * other terminal body so lists, GET, analysis and webhooks read it the same way.
 */
export function neverStartedResult(row: RunRow, snapshot: TemplateSnapshot, at: Date): StoredResult {
  const now = at.toISOString();
  const results: SourceResult[] = snapshot.sources.map((s) => ({
    source: s.source,
    phase: s.phase,
    status: "ERROR",
    checks: {},
    reason: NEVER_STARTED_REASON,
    attempts: 0,
    duration_ms: 0,
    started_at: now,
    completed_at: now,
  }));
  const outcome = decide({ snapshot, results, partners: [], livemode: row.livemode });
  const analysis = analyze({ snapshot, subjectType: row.subjectType, results, partners: [], unscreened: [], outcome });
  // The clear document never reached D1: the subject is known only masked, so a
  // placeholder stands in for it and the row's masked form replaces it below.
  const init = runInitFor(row, snapshot, { type: row.subjectType, document: "" });
  const stored = buildRunBody({
    init,
    status: outcome.status,
    outcome,
    results,
    skipped: [],
    partners: [],
    unscreened: [],
    analysis,
    startedAt: null,
    completedAt: now,
  });
  stored.body.subject = { type: row.subjectType, document: row.documentMasked };
  return stored;
}

/** The D1 terminal write of a stored result: the row's columns mirror the body. */
export const terminalFields = (stored: StoredResult): TerminalFields => ({
  status: stored.body.status,
  decision: stored.body.decision,
  operativeDecision: stored.body.operative_decision,
  riskBand: stored.body.risk_band,
  creditsUsed: stored.body.credits_used,
  result: JSON.stringify(stored),
  startedAt: stored.body.started_at,
  completedAt: stored.body.completed_at!,
});
