// "Execução do sócio N de M" (completo): one page per partner run — its
// decision, operative decision and band, why it is held, the sources it
// consulted, and its findings.
import { SOURCE_CATALOG } from "../../sources/catalog";
import { fmtInt, fmtMs } from "../format";
import { C } from "../layout";
import { bandLabel, bandTone, chip, decisionLabel, decisionTone, lookup, RUN_STATUS, sourceLabel, statusCode, statusTone } from "../labels";
import type { PartnerRunSummary } from "../../domain/types";
import { fmtValue } from "../format";
import type { Ctx } from "./common";
import { FINDING_COLUMNS, findingRow, severitySorted } from "./findings";

/** One page (or more, if it must) per partner run, or per partner screened on the lists. */
export function partnerPages(ctx: Ctx): void {
  const { L, input } = ctx;
  const n = input.partners.length;
  input.partners.forEach((p, i) => {
    const s = p.summary;
    if (s.screened_by === "lists") return listedPartnerPage(ctx, s, i, n);
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
        ["Execução", s.run_id ?? "—"],
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

const str = (v: unknown): string => (typeof v === "string" ? v : v == null ? "" : fmtValue(v));

/**
 * A partner known only by a masked CPF: no run of its own, screened by the
 * company's run on the lists — what each list-backed source answered, the
 * matches with their evidence in words, the homonyms cleared, and the checks
 * that need the full CPF and did not run.
 */
function listedPartnerPage({ L }: Ctx, s: PartnerRunSummary, i: number, n: number): void {
  L.newPage();
  L.heading(`Sócio ${i + 1} de ${n}: ${s.name} (triado nas listas)`, 1);
  const op = s.operative_decision ?? s.decision;
  L.keyValue2(
    [
      ["Decisão", chip(decisionLabel(s.decision), decisionTone(s.decision))],
      ["Triagem", "Listas de triagem (CPF mascarado na fonte)"],
      ["Decisão operacional", chip(decisionLabel(op), decisionTone(op))],
      ["Documento", s.document],
      ["Faixa de risco", chip(bandLabel(s.risk_band), bandTone(s.risk_band))],
      ["Qualificação", s.qualificacao],
      ["Status", lookup(RUN_STATUS, s.status)],
      ["Listas", `${(s.lists ?? []).length} versão(ões) consultada(s)`],
    ],
    88,
    { size: 8.5 },
  );
  L.paragraph(
    "O sócio é conhecido só pelo CPF mascarado: foi triado nas listas pelo nome, pelos seis dígitos visíveis do CPF e pelos anos de nascimento da faixa etária.",
    { size: 8.5, color: C.muted, after: 6 },
  );
  if (s.reason) L.paragraph(`Retido (hold): ${s.reason}.`, { size: 8.5, color: C.orange, after: 6 });
  L.heading("Fontes de listas", 3, 60);
  L.table(
    [
      { header: "Fonte", width: 0 },
      { header: "Status", width: 60 },
      { header: "Observação", width: 200 },
    ],
    (s.sources ?? []).map((r) => [
      { text: sourceLabel(r.source), size: 7.5 },
      chip(statusCode(r.status), statusTone(r.status)),
      { text: r.reason ?? (r.possible_match ? "correspondência possível" : "—"), size: 7 },
    ]),
    { size: 7.5, maxLines: 4 },
  );
  L.heading("Correspondências", 3, 50);
  if (!(s.matches ?? []).length) L.paragraph("Nenhuma correspondência nas listas.", { size: 8.5, color: C.muted });
  else
    L.table(
      [
        { header: "Fonte", width: 120 },
        { header: "Registro", width: 0 },
        { header: "Correspondência", width: 80 },
      ],
      (s.matches ?? []).map((m) => [
        { text: sourceLabel(str(m.fonte)), size: 7.5 },
        { text: str(m.nome), sub: str(m.explicacao) },
        str(m.correspondencia),
      ]),
      { size: 7.5, maxLines: 5 },
    );
  if ((s.cleared ?? []).length) {
    L.heading("Homônimos descartados", 3, 50);
    L.table(
      [
        { header: "Fonte", width: 120 },
        { header: "Registro", width: 0 },
      ],
      (s.cleared ?? []).map((c) => [{ text: sourceLabel(str(c.fonte)), size: 7.5 }, { text: str(c.nome_correspondente), sub: str(c.detalhe) }]),
      { size: 7.5, maxLines: 4 },
    );
  }
  if ((s.checks_not_run ?? []).length) {
    L.heading("Verificações não executadas (exigem CPF completo)", 3, 40);
    L.paragraph((s.checks_not_run ?? []).map(sourceLabel).join("; "), { size: 8.5 });
  }
}
