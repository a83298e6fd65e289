// "Principais achados (por severidade)": the run's findings, most severe
// first, as a table of severity chip, title with description, and source. The
// resumido lists the first 12 without evidence; the completo lists all with
// their evidence. The partner pages reuse the same table.
import type { Finding, Severity } from "../../domain/types";
import { fmtValue } from "../format";
import { C, type Cell } from "../layout";
import { chip, lookup, sourceLabel, type Tone, toneOf } from "../labels";
import type { Ctx } from "./common";

const SEVERITY: Record<Severity, string> = {
  critico: "Crítica",
  alto: "Alta",
  medio: "Média",
  baixo: "Baixa",
  info: "Informativa",
};
const SEVERITY_RANK: Record<Severity, number> = { critico: 4, alto: 3, medio: 2, baixo: 1, info: 0 };
const severityTone = (s: Severity): Tone =>
  toneOf(s === "critico" || s === "alto" ? "bad" : s === "medio" ? "warn" : "none");

/** Most severe first, then heaviest, then as the analysis listed them. */
export const severitySorted = (findings: Finding[]): Finding[] =>
  findings
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        (SEVERITY_RANK[b.f.severity] ?? -1) - (SEVERITY_RANK[a.f.severity] ?? -1) ||
        (b.f.weight ?? 0) - (a.f.weight ?? 0) ||
        a.i - b.i,
    )
    .map((x) => x.f);

export const findingRow = (f: Finding, withEvidence: boolean): Cell[] => [
  chip(lookup(SEVERITY, f.severity), severityTone(f.severity)),
  {
    text: f.title,
    bold: true,
    sub:
      (f.description ?? "") +
      (withEvidence && f.evidence && typeof f.evidence === "object" && Object.keys(f.evidence).length
        ? ` Evidência: ${fmtValue(f.evidence)}`
        : ""),
  },
  { text: sourceLabel(f.source), sub: `${f.source} · ${f.check}` },
];

export const FINDING_COLUMNS = [
  { header: "Severidade", width: 76 },
  { header: "Achado", width: 0 },
  { header: "Fonte", width: 150 },
];

export const RESUMIDO_FINDINGS = 12;

export function findingsSection({ L, input }: Ctx, limit?: number): void {
  const sorted = severitySorted(input.analysis.findings ?? []);
  L.heading("Principais achados (por severidade)", 2);
  if (!sorted.length) {
    L.paragraph("Nenhum achado: nenhuma fonte consultada apontou restrições sobre o sujeito.", { size: 9 });
    return;
  }
  const shown = limit ? sorted.slice(0, limit) : sorted;
  L.table(FINDING_COLUMNS, shown.map((f) => findingRow(f, !limit)), { maxLines: limit ? 6 : 14 });
  if (shown.length < sorted.length)
    L.paragraph(`Mais ${sorted.length - shown.length} achado(s) de menor severidade constam do relatório completo.`, {
      size: 8.5,
      color: C.muted,
    });
}
