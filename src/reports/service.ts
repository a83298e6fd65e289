// Reports: render once per (run, mode), store write-once in R2 under a
// tenant-scoped key, and hand out signed download URLs served by this Worker.
import { createDb } from "../db/client";
import { getRunById, type RunRow } from "../db/queries/runs";
import { ANALYSIS_VERSION } from "../domain/analysis";
import { DomainError } from "../domain/errors";
import { keyedHash, sha256Hex, timingSafeEqual } from "../lib/crypto";
import type { Services } from "../runs/service";
import { getRun } from "../runs/service";
import { isTerminalRow, storedResult } from "../runs/views";
import { renderReport } from "./render";
import type { ReportMode, ReportObject, ReportPartner } from "./types";

export const REPORT_MODES: readonly ReportMode[] = ["resumido", "completo"];
/** Signed download links live one hour. */
export const DOWNLOAD_TTL_S = 60 * 60;

const objectKey = (tenantId: string, runId: string, mode: ReportMode) => `reports/${tenantId}/${runId}/${mode}.pdf`;

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
  const existing = await s.env.REPORTS.head(objectKey(s.auth.tenantId, row.id, mode));
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
  const key = objectKey(run.tenantId, row.id, mode);
  const existing = await env.REPORTS.head(key);
  if (existing) return { created: false, report: reportObject(row.id, mode, existing) };

  const stored = storedResult(row)!;
  const partners: ReportPartner[] = [];
  const db = createDb(env.DB);
  for (const p of stored.body.partner_runs) {
    const child = await getRunById(db, p.run_id);
    const childStored = child ? storedResult(child) : null;
    partners.push({ summary: p, analysis: childStored?.analysis ?? null, results: childStored?.results ?? [] });
  }
  const createdAt = now.toISOString();
  const rendered = await renderReport({
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

const signature = (secret: string, tenantId: string, runId: string, mode: string, exp: number) =>
  keyedHash(secret, "report-download", `${tenantId}|${runId}|${mode}|${exp}`);

/** The signed, one-hour download URL of a stored report. */
export async function reportDownloadUrl(s: Services, origin: string, runId: string, mode: ReportMode): Promise<string> {
  const row = await terminalRun(s, runId);
  if (!(await s.env.REPORTS.head(objectKey(s.auth.tenantId, row.id, mode)))) {
    throw new DomainError("report_not_generated", undefined, "mode");
  }
  const exp = Math.floor(s.now().getTime() / 1000) + DOWNLOAD_TTL_S;
  const sig = await signature(s.env.SERVER_SECRET, s.auth.tenantId, row.id, mode, exp);
  const q = new URLSearchParams({ tenant: s.auth.tenantId, mode, exp: String(exp), sig });
  return `${origin}/downloads/reports/${row.id}?${q}`;
}

/**
 * Serves a download: the signature covers tenant, run, mode and expiry, so no
 * edit of the URL reaches another tenant's or run's report.
 */
export async function openDownload(
  env: Env,
  runId: string,
  q: { tenant?: string; mode?: string; exp?: string; sig?: string },
  nowMs: number,
): Promise<{ body: ReadableStream; size: number; etag: string; mode: ReportMode }> {
  const { tenant = "", mode = "", exp = "", sig = "" } = q;
  const expected = await signature(env.SERVER_SECRET, tenant, runId, mode, Number(exp));
  if (!/^\d{1,12}$/.test(exp) || !timingSafeEqual(sig, expected)) throw new DomainError("invalid_signature");
  if (Number(exp) * 1000 < nowMs) throw new DomainError("url_expired");
  const obj = await env.REPORTS.get(objectKey(tenant, runId, mode as ReportMode));
  if (!obj) throw new DomainError("report_not_generated");
  return { body: obj.body, size: obj.size, etag: obj.httpEtag, mode: mode as ReportMode };
}
