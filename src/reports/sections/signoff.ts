// "Parecer e assinatura do analista" (both modes, kept on one page): the
// resolution of the run's review case when there is one, then the form the
// analyst fills in and signs — name, role, date, opinion boxes, justification
// lines and two signature lines.
import { fmtDate } from "../format";
import { C, CONTENT_W, MARGIN_X } from "../layout";
import type { Ctx } from "./common";

export function signOff({ L, input }: Ctx): void {
  L.heading("Parecer e assinatura do analista", 1, 60);
  const r = input.caseResolution;
  if (r) {
    L.heading(`Resolução do caso ${r.case_id}`, 2);
    L.keyValue2(
      [
        ["Resultado da revisão", r.outcome === "approved" ? "Aprovado" : "Rejeitado"],
        ["Motivo", `${r.reason_label} (${r.reason_code})`],
        ["Resolvido por", r.resolved_by],
        ["Aprovado por", r.approved_by ?? "— (dispensa segunda aprovação)"],
        ["Resolvido em", fmtDate(r.resolved_at)],
        ["Justificativa", r.note],
      ],
      92,
      { size: 8 },
    );
    L.y -= 8;
  }
  L.paragraph(
    `Declaro que revisei este relatório (execução ${input.run.id}) e as evidências das fontes consultadas, e registro o parecer abaixo.`,
    { size: 9, after: 10 },
  );
  const line = (label: string, x: number, w: number) => {
    L.draw(label, x, L.y, { size: 8.5, color: C.muted });
    L.page.drawLine({ start: { x, y: L.y - 16 }, end: { x: x + w, y: L.y - 16 }, thickness: 0.7, color: C.text });
  };
  L.y -= 4;
  line("Nome do analista", MARGIN_X, 300);
  line("Matrícula / cargo", MARGIN_X + 320, CONTENT_W - 320);
  L.y -= 40;
  line("Data", MARGIN_X, 140);
  line("Local", MARGIN_X + 160, 140);
  line("Parecer", MARGIN_X + 320, CONTENT_W - 320);
  L.y -= 34;
  const box = (x: number, label: string) => {
    L.page.drawRectangle({ x, y: L.y - 2, width: 9, height: 9, borderColor: C.text, borderWidth: 0.8 });
    L.draw(label, x + 14, L.y, { size: 8.5 });
  };
  box(MARGIN_X, "De acordo com a decisão");
  box(MARGIN_X + 150, "Divergente (justificar)");
  box(MARGIN_X + 300, "Solicitar nova consulta");
  L.y -= 22;
  L.draw("Justificativa", MARGIN_X, L.y, { size: 8.5, color: C.muted });
  for (let i = 0; i < 3; i++) {
    L.y -= 20;
    L.page.drawLine({ start: { x: MARGIN_X, y: L.y }, end: { x: MARGIN_X + CONTENT_W, y: L.y }, thickness: 0.5, color: C.rule });
  }
  L.y -= 44;
  L.page.drawLine({ start: { x: MARGIN_X, y: L.y }, end: { x: MARGIN_X + 230, y: L.y }, thickness: 0.7, color: C.text });
  L.page.drawLine({
    start: { x: MARGIN_X + CONTENT_W - 230, y: L.y },
    end: { x: MARGIN_X + CONTENT_W, y: L.y },
    thickness: 0.7,
    color: C.text,
  });
  L.y -= 11;
  L.draw("Assinatura do analista", MARGIN_X, L.y, { size: 8, color: C.muted });
  L.draw("Assinatura do revisor / compliance", MARGIN_X + CONTENT_W - 230, L.y, { size: 8, color: C.muted });
  L.y -= 14;
}
