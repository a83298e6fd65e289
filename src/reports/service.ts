// Reports: render once per (run, mode), store write-once in R2 under a
// tenant-scoped key, and hand out signed download URLs served by this Worker.
import { createDb, type Db } from "../db/client";
import { getCaseByRunId } from "../db/queries/cases";
import { parseResolution } from "../cases/views";
import { REASON_CODE_LABELS } from "../domain/cases";
import { getRunById, type RunRow } from "../db/queries/runs";
import { ANALYSIS_VERSION } from "../domain/analysis";
import { DomainError } from "../domain/errors";
import { keyedHash, sha256Hex, timingSafeEqual } from "../lib/crypto";
import type { Services } from "../runs/service";
import { getRun } from "../runs/service";
import { isTerminalRow, storedResult } from "../runs/views";
import { knownReport, rememberReport } from "../cache/reports";
import type { ReportCaseResolution, ReportMode, ReportObject, ReportPartner } from "./types";

export const REPORT_MODES: readonly ReportMode[] = ["resumido", "completo"];
/** Signed download links live one hour. */
export const DOWNLOAD_TTL_S = 60 * 60;

/**
 * A report is write-once, but a run's review case can be resolved after a
 * report was made, and the resolution belongs in the sign-off block: so the R2
 * key names the case state. `null` (no resolved case) keeps the original key;
 * `resolved` is a second object rendered once the case is resolved (a
 * resolution is final, so there is never a third). Download URLs name the
 * variant they were signed for.
 */
export type ReportVariant = "resolved" | null;
const variantOf = (row: RunRow): ReportVariant => (row.caseId && row.finalDecision ? "resolved" : null);
const objectKey = (tenantId: string, runId: string, mode: ReportMode, variant: ReportVariant) =>
  `reports/${tenantId}/${runId}/${mode}${variant ? `.${variant}` : ""}.pdf`;

function reportObject(runId: string, mode: ReportMode, obj: R2Object): ReportObject {
  const m = obj.customMetadata ?? {};
  return {
    object: "bureau_report",
    run_id: runId,
    mode,
    pages: Number(m.pages),
    bytes: obj.size,
    sha256: m.sha256,
    created_at: m.created_at,
  };
}

async function terminalRun(s: Services, runId: string): Promise<RunRow> {
  const row = await getRun(s, runId);
  if (!isTerminalRow(row)) throw new DomainError("run_not_terminal", undefined, "id");
  if (row.status === "cancelado") {
    throw new DomainError("run_not_terminal", "A execução foi cancelada antes de ter uma decisão; não há relatório.", "id");
  }
  return row;
}

/**
 * First call renders and stores (created: true); later or racing calls return
 * the stored object. Rendering happens inside the run's Durable Object, which
 * serialises racing calls for one run, so a report is rendered and stored once.
 */
export async function generateReport(s: Services, runId: string, mode: ReportMode): Promise<{ created: boolean; report: ReportObject }> {
  const row = await terminalRun(s, runId);
  const existing = await s.env.REPORTS.head(objectKey(s.auth.tenantId, row.id, mode, variantOf(row)));
  if (existing) return { created: false, report: reportObject(row.id, mode, existing) };
  return s.env.RUN.get(s.env.RUN.idFromName(row.id)).generateReport({ tenantName: s.auth.tenantName, mode });
}

/** Renders a terminal run's report and stores it write-once in R2 (called by the run's Durable Object). */
export async function renderAndStore(
  env: Env,
  run: { tenantId: string; tenantName: string; row: RunRow },
  mode: ReportMode,
  now: Date,
): Promise<{ created: boolean; report: ReportObject }> {
  const { row } = run;
  const key = objectKey(run.tenantId, row.id, mode, variantOf(row));
  const existing = await env.REPORTS.head(key);
  if (existing) return { created: false, report: reportObject(row.id, mode, existing) };

  const stored = storedResult(row)!;
  const partners: ReportPartner[] = [];
  const db = createDb(env.DB);
  for (const p of stored.body.partner_runs) {
    // A partner screened on the lists has no run: the company's body holds its answers.
    const child = p.run_id ? await getRunById(db, p.run_id) : undefined;
    const childStored = child ? storedResult(child) : null;
    partners.push({ summary: p, analysis: childStored?.analysis ?? null, results: childStored?.results ?? [] });
  }
  const createdAt = now.toISOString();
  // Rendered by kycert-edge-engine (src/engine.ts): pdf-lib and the font stay out of this Worker.
  const rendered = await env.ENGINE.renderReport({
    mode,
    tenantName: run.tenantName,
    generatedAt: createdAt,
    run: stored.body,
    results: stored.results,
    analysis: stored.analysis!,
    template: stored.snapshot,
    partners,
    resultHash: await sha256Hex(row.result!),
    analysisVersion: ANALYSIS_VERSION,
    caseResolution: variantOf(row) ? await reportCaseResolution(db, row.id) : undefined,
  });
  const sha256 = await sha256Hex(rendered.bytes);
  // Write-once: a report is immutable; if it was stored meanwhile, the stored one stands.
  const put = await env.REPORTS.put(key, rendered.bytes, {
    onlyIf: { etagDoesNotMatch: "*" },
    httpMetadata: { contentType: "application/pdf" },
    customMetadata: { pages: String(rendered.pages), sha256, created_at: createdAt, run_id: row.id, mode },
  });
  if (put) return { created: true, report: reportObject(row.id, mode, put) };
  const winner = await env.REPORTS.head(key);
  if (!winner) throw new Error("report vanished after a conditional put failed");
  return { created: false, report: reportObject(row.id, mode, winner) };
}

/** The sign-off block's resolution, from the run's case. */
export async function reportCaseResolution(db: Db, runId: string): Promise<ReportCaseResolution | undefined> {
  const c = await getCaseByRunId(db, runId);
  const r = c ? parseResolution(c) : null;
  if (!c || !r) return undefined;
  return {
    case_id: c.id,
    outcome: r.outcome,
    reason_code: r.reason_code,
    reason_label: REASON_CODE_LABELS[r.reason_code] ?? r.reason_code,
    note: r.note,
    resolved_by: r.resolved_by,
    approved_by: r.approved_by,
    resolved_at: r.resolved_at,
  };
}

const signature = (secret: string, tenantId: string, runId: string, mode: string, exp: number, variant: ReportVariant = null) =>
  keyedHash(secret, "report-download", `${tenantId}|${runId}|${mode}|${exp}${variant ? `|${variant}` : ""}`);

/** The signed, one-hour download URL of a stored report. */
/** A signed download URL of a generated report, valid DOWNLOAD_TTL_S, and when it expires. */
export async function reportDownloadUrl(s: Services, origin: string, runId: string, mode: ReportMode): Promise<{ url: string; expiresAt: string }> {
  const row = await terminalRun(s, runId);
  // A resolved case makes the earlier report stale: its resolved variant must be generated (POST) first.
  const variant = variantOf(row);
  const key = objectKey(s.auth.tenantId, row.id, mode, variant);
  // Write-once and never deleted: once R2 said so, this location need not ask again (src/cache/reports.ts).
  if (!(await knownReport(s.env, key))) {
    if (!(await s.env.REPORTS.head(key))) throw new DomainError("report_not_generated", undefined, "mode");
    s.defer(rememberReport(s.env, key));
  }
  const exp = Math.floor(s.now().getTime() / 1000) + DOWNLOAD_TTL_S;
  const sig = await signature(s.env.SERVER_SECRET, s.auth.tenantId, row.id, mode, exp, variant);
  const q = new URLSearchParams({ tenant: s.auth.tenantId, mode, exp: String(exp), ...(variant ? { v: variant } : {}), sig });
  return { url: `${origin}/downloads/reports/${row.id}?${q}`, expiresAt: new Date(exp * 1000).toISOString() };
}

/**
 * Serves a download: the signature covers tenant, run, mode and expiry, so no
 * edit of the URL reaches another tenant's or run's report.
 */
export async function openDownload(
  env: Env,
  runId: string,
  q: { tenant?: string; mode?: string; exp?: string; sig?: string; v?: string },
  nowMs: number,
): Promise<{ body: ReadableStream; size: number; etag: string; mode: ReportMode }> {
  const { tenant = "", mode = "", exp = "", sig = "" } = q;
  const variant: ReportVariant = q.v === "resolved" ? "resolved" : null;
  if (q.v !== undefined && !variant) throw new DomainError("invalid_signature");
  const expected = await signature(env.SERVER_SECRET, tenant, runId, mode, Number(exp), variant);
  if (!/^\d{1,12}$/.test(exp) || !timingSafeEqual(sig, expected)) throw new DomainError("invalid_signature");
  if (Number(exp) * 1000 < nowMs) throw new DomainError("url_expired");
  const obj = await env.REPORTS.get(objectKey(tenant, runId, mode as ReportMode, variant));
  if (!obj) throw new DomainError("report_not_generated");
  return { body: obj.body, size: obj.size, etag: obj.httpEtag, mode: mode as ReportMode };
}
