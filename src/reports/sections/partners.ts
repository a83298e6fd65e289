// "Execução do sócio N de M" (completo): one page per partner run — its
// decision, operative decision and band, why it is held, the sources it
// consulted, and its findings.
import { SOURCE_CATALOG } from "../../sources/catalog";
import { fmtInt, fmtMs } from "../format";
import { C } from "../layout";
import { bandLabel, bandTone, chip, decisionLabel, decisionTone, lookup, RUN_STATUS, sourceLabel, statusCode, statusTone } from "../labels";
import type { Ctx } from "./common";
import { FINDING_COLUMNS, findingRow, severitySorted } from "./findings";

/** One page (or more, if it must) per partner run. */
export function partnerPages({ L, input }: Ctx): void {
  const n = input.partners.length;
  input.partners.forEach((p, i) => {
    const s = p.summary;
    const a = p.analysis;
    const results = p.results ?? [];
    L.newPage();
    L.heading(`Execução do sócio ${i + 1} de ${n}: ${s.name}`, 1);
    const op = a?.operative_decision ?? s.operative_decision;
    const dec = a?.decision ?? s.decision;
    const band = a?.risk_band ?? s.risk_band;
    L.keyValue2(
      [
        ["Decisão", chip(decisionLabel(dec), decisionTone(dec))],
        ["Execução", s.run_id],
        ["Decisão operacional", chip(decisionLabel(op), decisionTone(op))],
        ["Documento", s.document],
        ["Faixa de risco", chip(a ? `${bandLabel(band)} · score ${fmtInt(a.score)}` : bandLabel(band), bandTone(band))],
        ["Qualificação", s.qualificacao],
        ["Status", lookup(RUN_STATUS, s.status)],
        ["Fontes", `${results.length} consultada(s)`],
      ],
      88,
      { size: 8.5 },
    );
    if (op === "hold") {
      const tier1 = results.filter((r) => r.status === "ERROR" && (SOURCE_CATALOG[r.source]?.tier ?? 3) === 1);
      L.paragraph(
        `Retido (hold): fonte(s) de nível 1 sem resposta: ${
          tier1.map((r) => `${sourceLabel(r.source)} (${r.reason ?? "sem resposta"})`).join("; ") || "ver fontes abaixo"
        }. A decisão deste sócio não pode ser executada até nova consulta.`,
        { size: 8.5, color: C.orange, after: 6 },
      );
    }
    L.heading("Fontes consultadas", 3, 60);
    if (results.length) {
      L.table(
        [
          { header: "Fonte", width: 0 },
          { header: "Status", width: 60 },
          { header: "Verificações", width: 150 },
          { header: "Duração", width: 52, align: "right" },
          { header: "Tent.", width: 30, align: "right" },
        ],
        results.map((r) => [
          { text: sourceLabel(r.source), size: 7.5 },
          chip(statusCode(r.status), statusTone(r.status)),
          {
            text:
              Object.entries(r.checks ?? {})
                .map(([k, v]) => `${k}: ${v}`)
                .join(", ") || (r.reason ? `erro: ${r.reason}` : "—"),
            size: 7,
          },
          fmtMs(r.duration_ms),
          fmtInt(r.attempts),
        ]),
        { size: 7.5, maxLines: 4 },
      );
      const last = results[results.length - 1];
      if (last.phase === "critical" && last.status === "INVALID" && (a?.decision ?? s.decision) === "rejected")
        L.paragraph(
          `Execução encerrada por bloqueio na fase crítica (${sourceLabel(last.source)}): as fontes seguintes do template não foram consultadas.`,
          { size: 8, color: C.muted },
        );
    } else {
      L.paragraph("Nenhum resultado de fonte registrado para esta execução.", { size: 8.5, color: C.muted });
    }
    L.heading("Achados", 3, 50);
    const findings = severitySorted(a?.findings ?? []);
    if (!a) L.paragraph("Análise indisponível: a execução do sócio não produziu decisão.", { size: 8.5, color: C.muted });
    else if (!findings.length) L.paragraph("Nenhum achado para este sócio.", { size: 8.5, color: C.muted });
    else L.table(FINDING_COLUMNS, findings.map((f) => findingRow(f, false)), { size: 7.8, maxLines: 6 });
  });
}
