// Input and output of the pure PDF renderer (src/reports/render.ts). The report
// service assembles a ReportInput from stored data and passes it in; the
// renderer does no I/O and reads no clock.
import type {
  BureauRunAnalysis,
  PartnerRunSummary,
  RunBody,
  SourceResult,
  TemplateSnapshot,
} from "../domain/types";

export type ReportMode = "resumido" | "completo";

/** A stored report as the API shows it (POST/GET /runs/{id}/report). */
export interface ReportObject {
  object: "bureau_report";
  run_id: string;
  mode: ReportMode;
  pages: number;
  bytes: number;
  sha256: string;
  created_at: string;
}

export interface ReportPartner {
  summary: PartnerRunSummary;
  /** Null when the partner run produced no analysis (failed, cancelled). */
  analysis: BureauRunAnalysis | null;
  /** The partner run's per-source results in execution order. */
  results: SourceResult[];
}

export interface ReportInput {
  mode: ReportMode;
  tenantName: string;
  /** ISO 8601 UTC with ms; also the PDF's creation and modification date. */
  generatedAt: string;
  /** The terminal run body (contract §7). */
  run: RunBody;
  /** Full per-source results in execution order (data, raw, reason, attempts, timings). */
  results: SourceResult[];
  analysis: BureauRunAnalysis;
  /** The template snapshot the run used. */
  template: TemplateSnapshot;
  partners: ReportPartner[];
  /** sha256 hex of the run's stored result. */
  resultHash: string;
  /**
   * `meta.analysis_version` of GET /runs/{id}/analysis (contract §8), printed in
   * the appendix. Optional so callers that do not have it still render.
   */
  analysisVersion?: string;
  /** The resolution of the run's review case (contract §15), printed in the sign-off block; absent while unresolved. */
  caseResolution?: ReportCaseResolution;
}

/** Who resolved the run's case, when, why, and who approved it (four eyes). */
export interface ReportCaseResolution {
  case_id: string;
  outcome: "approved" | "rejected";
  reason_code: string;
  /** pt-BR label of the reason code. */
  reason_label: string;
  note: string;
  resolved_by: string;
  approved_by: string | null;
  resolved_at: string;
}

export interface RenderedReport {
  bytes: Uint8Array;
  pages: number;
}
