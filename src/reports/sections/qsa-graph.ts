// "Quadro societário (QSA): grafo" (completo, PJ only): the company node on
// top and one node per partner, coloured by the decision of the partner's own
// run, 20 partners per page, with a colour legend.
import type { SubjectProfilePJ } from "../../domain/types";
import { C, CONTENT_W, MARGIN_X } from "../layout";
import { bandLabel, decisionLabel, decisionTone, type Tone, toneOf } from "../labels";
import type { Ctx } from "./common";
import { partnerOperative, type QsaMember, qsaMembers } from "./qsa";

const GRAPH_PER_PAGE = 20;

/**
 * The QSA as a graph: the company node on top, one node per partner colored
 * by the decision of the partner's own run, joined by an org-chart style
 * trunk and bus lines (no edge crosses a node).
 */
export function qsaGraph({ L, input }: Ctx): void {
  if (input.run.subject.type !== "pj") return;
  const members = qsaMembers(input);
  const p = input.analysis.subject_profile as SubjectProfilePJ;
  const company = p.razao_social ?? p.nome_fantasia ?? input.run.subject.document;
  const chunks: QsaMember[][] = [];
  for (let i = 0; i < members.length; i += GRAPH_PER_PAGE) chunks.push(members.slice(i, i + GRAPH_PER_PAGE));
  if (!chunks.length) chunks.push([]);

  chunks.forEach((chunk, ci) => {
    L.newPage();
    L.heading(`Quadro societário (QSA): grafo${chunks.length > 1 ? ` (${ci + 1}/${chunks.length})` : ""}`, 1);
    L.paragraph(
      "A empresa, no topo, ligada a cada sócio do QSA. A cor de cada sócio mostra a decisão da sua própria execução (template de pessoa física).",
      { size: 8.5, color: C.muted, after: 8 },
    );
    const page = L.page;
    const op = input.analysis.operative_decision ?? input.run.operative_decision;
    const ct = decisionTone(op);
    const cw = 330;
    const nameLines = L.wrap(company, cw - 16, { font: "bold", size: 10 });
    const names = nameLines.slice(0, 2);
    if (nameLines.length > 2) names[1] = L.fit(names[1] + " …", cw - 16, { font: "bold", size: 10 });
    const ch = 36 + names.length * 13;
    const cx = MARGIN_X + (CONTENT_W - cw) / 2;
    const ctop = L.y;
    page.drawRectangle({ x: cx, y: ctop - ch, width: cw, height: ch, color: ct.bg, borderColor: ct.fg, borderWidth: 1.6 });
    names.forEach((l, j) => L.draw(l, cx + 8, ctop - 16 - j * 13, { font: "bold", size: 10 }));
    const below = ctop - 16 - (names.length - 1) * 13;
    L.draw(L.fit(`CNPJ ${input.run.subject.document}`, cw - 16, { size: 8 }), cx + 8, below - 13, { size: 8, color: C.muted });
    L.draw(
      L.fit(`Empresa · ${decisionLabel(op)} · risco ${bandLabel(input.analysis.risk_band)}`, cw - 16, { font: "bold", size: 8 }),
      cx + 8,
      below - 26,
      { font: "bold", size: 8, color: ct.fg },
    );
    if (!chunk.length) {
      L.y = ctop - ch - 20;
      L.paragraph("Nenhum sócio informado no QSA.", { size: 9 });
      return;
    }
    const trunkX = MARGIN_X + CONTENT_W / 2;
    const cols = 4;
    const gap = 14;
    const nw = (CONTENT_W - (cols - 1) * gap) / cols;
    const nh = 56;
    const rowGap = 34;
    const rows = Math.ceil(chunk.length / cols);
    const firstRowTop = ctop - ch - 40;
    const edge = (x1: number, y1: number, x2: number, y2: number) =>
      page.drawLine({ start: { x: x1, y: y1 }, end: { x: x2, y: y2 }, thickness: 1, color: C.muted });
    let lastBus = ctop - ch;
    for (let r = 0; r < rows; r++) {
      const rowItems = chunk.slice(r * cols, r * cols + cols);
      const rowTop = firstRowTop - r * (nh + rowGap);
      const busY = rowTop + 14;
      const rowW = rowItems.length * nw + (rowItems.length - 1) * gap;
      const x0 = MARGIN_X + (CONTENT_W - rowW) / 2;
      const centers = rowItems.map((_, k) => x0 + k * (nw + gap) + nw / 2);
      edge(Math.min(trunkX, ...centers), busY, Math.max(trunkX, ...centers), busY);
      lastBus = busY;
      rowItems.forEach((m, k) => {
        const x = x0 + k * (nw + gap);
        edge(centers[k], busY, centers[k], rowTop);
        const s = m.partner?.summary;
        const d = partnerOperative(m);
        const tone = s ? decisionTone(d) : toneOf("none");
        page.drawRectangle({ x, y: rowTop - nh, width: nw, height: nh, color: tone.bg, borderColor: tone.fg, borderWidth: 1.2 });
        const lines = L.wrap(m.nome, nw - 10, { font: "bold", size: 7.5 });
        const two = lines.slice(0, 2);
        if (lines.length > 2) two[1] = L.fit(two[1] + " …", nw - 10, { font: "bold", size: 7.5 });
        two.forEach((l, j) => L.draw(l, x + 5, rowTop - 11 - j * 9.5, { font: "bold", size: 7.5 }, page));
        L.draw(L.fit(m.qualificacao, nw - 10, { size: 6.8 }), x + 5, rowTop - 34, { size: 6.8, color: C.muted }, page);
        const status = s ? `${decisionLabel(d)} · ${bandLabel(s.risk_band)}` : "Sem execução própria";
        L.draw(L.fit(status, nw - 10, { font: "bold", size: 7.2 }), x + 5, rowTop - 47, { font: "bold", size: 7.2, color: tone.fg }, page);
      });
    }
    edge(trunkX, ctop - ch, trunkX, lastBus);
    page.drawCircle({ x: trunkX, y: ctop - ch, size: 2.2, color: C.muted });
    L.y = firstRowTop - rows * (nh + rowGap) + rowGap - 18;
    const legend: [string, Tone][] = [
      ["Aprovado", decisionTone("approved")],
      ["Revisão manual", decisionTone("review")],
      ["Reprovado", decisionTone("rejected")],
      ["Retido (hold)", decisionTone("hold")],
      ["Sem decisão / sem execução", toneOf("none")],
    ];
    L.ensure(24);
    let lx = MARGIN_X;
    L.draw("Legenda:", lx, L.y - 9, { font: "bold", size: 8 });
    lx += 42;
    for (const [label, tone] of legend) {
      L.page.drawRectangle({ x: lx, y: L.y - 11, width: 10, height: 10, color: tone.bg, borderColor: tone.fg, borderWidth: 1 });
      L.draw(label, lx + 14, L.y - 9, { size: 8 });
      lx += 14 + L.width(label, { size: 8 }) + 14;
    }
    L.y -= 24;
  });
}
