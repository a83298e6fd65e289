// "Fontes consultadas (ordem de execução)" (completo): the table of every
// source the run consulted, the sources a critical block skipped, then one
// block per source — key, status, phase and rule, tier, timings, billing and
// checks, followed by its evidence (./source-evidence).
import type { SourceResult } from "../../domain/types";
import { SOURCE_CATALOG } from "../../sources/catalog";
import { fmtDate, fmtInt, fmtMs } from "../format";
import { C, type Cell } from "../layout";
import { chip, lookup, ON_HIT, PHASE, sourceLabel, statusCode, statusTone } from "../labels";
import type { Ctx } from "./common";
import { sourceEvidence } from "./source-evidence";

const STATUS_LEGEND =
  "Status das fontes: VALID = consulta sem apontamentos; INVALID = apontamento encontrado; NO_DATA = a fonte não tem dados sobre o sujeito; ERROR = a fonte não respondeu (erro ou tempo esgotado).";

export function sourcesSection(ctx: Ctx): void {
  const { L, input } = ctx;
  L.newPage();
  L.heading("Fontes consultadas (ordem de execução)", 1);
  L.paragraph(STATUS_LEGEND, { size: 8, color: C.muted, after: 6 });
  L.table(
    [
      { header: "#", width: 22, align: "right" },
      { header: "Fonte", width: 0 },
      { header: "Fase", width: 62 },
      { header: "Status", width: 62 },
      { header: "Duração", width: 56, align: "right" },
      { header: "Tent.", width: 34, align: "right" },
    ],
    input.results.map((r, i) => [
      String(i + 1),
      { text: sourceLabel(r.source), sub: r.source },
      lookup(PHASE, r.phase),
      chip(statusCode(r.status), statusTone(r.status)),
      fmtMs(r.duration_ms),
      fmtInt(r.attempts),
    ]),
    { size: 8 },
  );
  const skipped = input.run.skipped_sources ?? [];
  if (skipped.length) {
    L.paragraph(
      `Fontes não consultadas porque um bloqueio na fase crítica encerrou a execução (sem cobrança): ${skipped
        .map((s) => `${sourceLabel(s)} (${s})`)
        .join("; ")}.`,
      { size: 8.5, color: C.muted, after: 6 },
    );
  }
  input.results.forEach((r, i) => L.keepTogether(() => sourceBlock(ctx, r, i)));
}

/** One source of the run: status, rule, timings, checks, data and a raw excerpt. */
function sourceBlock(ctx: Ctx, r: SourceResult, i: number): void {
  const { L } = ctx;
  const tpl = ctx.tplSource(r.source);
  L.heading(`${i + 1}. ${sourceLabel(r.source)}`, 2, 110);
  const rows: [string, Cell][] = [
    ["Chave", r.source],
    ["Status", chip(statusCode(r.status), statusTone(r.status))],
    ["Fase · regra", `${lookup(PHASE, r.phase)} · ${tpl ? `${tpl.on_hit} (${lookup(ON_HIT, tpl.on_hit)})` : "—"}`],
    ["Nível (tier)", tpl ? String(tpl.tier) : String(SOURCE_CATALOG[r.source]?.tier ?? "—")],
    ["Duração", fmtMs(r.duration_ms)],
    ["Tentativas", fmtInt(r.attempts)],
    ["Início", fmtDate(r.started_at)],
    ["Fim", fmtDate(r.completed_at)],
    ["Timeout", tpl ? fmtMs(tpl.timeout_ms) : "—"],
    ["Cobrança", r.status === "ERROR" ? "não cobrada (erro)" : ctx.input.run.livemode ? "1 crédito" : "sandbox, sem cobrança"],
  ];
  const checks = Object.entries(r.checks ?? {});
  for (const [k, v] of checks) rows.push([`Verificação ${k}`, chip(String(v), statusTone(String(v)))]);
  if (!checks.length) rows.push(["Verificações", "sem resultado por verificação"]);
  if (rows.length % 2) rows.push(["", ""]);
  if (r.status === "ERROR" || r.reason)
    rows.push(["Motivo do erro", { text: r.reason ?? "não informado", color: C.orange, bold: true }], ["", ""]);
  L.keyValue2(rows, 92, { size: 7.8 });
  sourceEvidence(L, r);
}
