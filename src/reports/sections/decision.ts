// The decision block of page 1: three tiles (decision, operative decision,
// risk band with score), then why the operative decision is what it is — a
// callout for a hold or for a run without a decision, one line otherwise —
// naming the sources that did not answer.
import type { SourceResult } from "../../domain/types";
import { SOURCE_CATALOG } from "../../sources/catalog";
import { fmtInt } from "../format";
import { C, CONTENT_W, MARGIN_X } from "../layout";
import { bandLabel, bandTone, decisionLabel, decisionTone, lookup, RUN_STATUS, sourceLabel, type Tone } from "../labels";
import type { Ctx } from "./common";

export function decisionTiles({ L, input }: Ctx): void {
  const { analysis, run } = input;
  const decision = analysis.decision ?? run.decision;
  const operative = analysis.operative_decision ?? run.operative_decision;
  const band = analysis.risk_band ?? run.risk_band;
  const tiles: { label: string; value: string; sub: string; tone: Tone }[] = [
    {
      label: "DECISÃO",
      value: decisionLabel(decision),
      sub: `execução: ${lookup(RUN_STATUS, run.status)}`,
      tone: decisionTone(decision),
    },
    {
      label: "DECISÃO OPERACIONAL",
      value: decisionLabel(operative),
      sub: operative === "hold" ? "dados essenciais ausentes" : operative && operative === decision ? "igual à decisão" : "—",
      tone: decisionTone(operative),
    },
    { label: "FAIXA DE RISCO", value: bandLabel(band), sub: `score ${fmtInt(analysis.score)} de 100`, tone: bandTone(band) },
  ];
  const gap = 10;
  const w = (CONTENT_W - 2 * gap) / 3;
  const h = 58;
  L.ensure(h + 10);
  tiles.forEach((t, i) => {
    const x = MARGIN_X + i * (w + gap);
    L.page.drawRectangle({ x, y: L.y - h, width: w, height: h, color: t.tone.bg, borderColor: t.tone.fg, borderWidth: 1 });
    L.draw(L.fit(t.label, w - 16, { font: "bold", size: 7.5 }), x + 8, L.y - 14, { font: "bold", size: 7.5, color: C.muted });
    L.draw(L.fit(t.value, w - 16, { font: "bold", size: 15 }), x + 8, L.y - 34, { font: "bold", size: 15, color: t.tone.fg });
    L.draw(L.fit(t.sub, w - 16, { size: 7.5 }), x + 8, L.y - 49, { size: 7.5 });
  });
  L.y -= h + 12;
}

/** Results that ended in ERROR, with the tier the run's template gave them. */
const erroredSources = (ctx: Ctx) =>
  ctx.input.results
    .filter((r) => r.status === "ERROR")
    .map((r) => ({ r, tier: ctx.tplSource(r.source)?.tier ?? SOURCE_CATALOG[r.source]?.tier ?? 3 }));

export function operativeExplanation(ctx: Ctx): void {
  const { L, input } = ctx;
  const { analysis, run } = input;
  const operative = analysis.operative_decision ?? run.operative_decision;
  const decision = analysis.decision ?? run.decision;
  const errors = erroredSources(ctx);
  const reasonOf = (r: SourceResult) =>
    r.reason ?? analysis.incomplete_sources?.find((i) => i.source === r.source)?.reason ?? "sem resposta";
  const list = (xs: typeof errors) => xs.map(({ r }) => `${sourceLabel(r.source)} (${reasonOf(r)})`).join("; ");
  if (operative === "hold") {
    const tier1 = errors.filter((e) => e.tier === 1);
    const others = errors.filter((e) => e.tier !== 1);
    const body = [
      `A análise chegou à decisão “${decisionLabel(decision)}”, mas ela não pode ser executada: ${
        tier1.length || "uma ou mais"
      } fonte(s) de nível 1, essenciais para a decisão, não responderam (erro ou tempo esgotado)${
        tier1.length ? `: ${list(tier1)}` : ""
      }.`,
      "Sem os dados dessas fontes não é possível afirmar que o sujeito não tem os apontamentos que elas verificam. Mantenha o cadastro retido, sem aprovar nem reprovar, e repita a consulta antes de decidir.",
    ];
    if (others.length) body.push(`Outras fontes sem resposta (não retêm a decisão): ${list(others)}.`);
    L.callout("Decisão operacional RETIDA (hold): por quê", body, { border: C.orange, fill: C.orangeBg, title: C.orange });
    return;
  }
  if (decision === null || decision === undefined) {
    L.callout(
      "Sem decisão",
      [
        `A execução terminou com status “${lookup(RUN_STATUS, run.status)}” e nenhuma decisão pôde ser calculada.${
          errors.length ? ` Fontes sem resposta: ${list(errors)}.` : ""
        }`,
      ],
      { border: C.gray, fill: C.grayBg, title: C.text },
    );
    return;
  }
  const text =
    "Decisão operacional igual à decisão: todas as fontes de nível 1 responderam." +
    (errors.length ? ` Fontes de nível 2/3 sem resposta (não retêm a decisão): ${list(errors)}.` : "");
  L.paragraph(text, { size: 8.5, color: C.muted, after: 6 });
}
