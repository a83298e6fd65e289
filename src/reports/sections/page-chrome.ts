// What every page carries, drawn after the body so the page count is known:
// the header (tenant, mode, run, template, generated-at), the AMBIENTE DE
// TESTES banner of sandbox runs, and the footer with "Página X de Y".
import { fmtDate } from "../format";
import { C, type Canvas, CONTENT_W, type Layout, MARGIN_X, PAGE_H } from "../layout";
import type { ReportInput } from "../types";

export const HEADER_H = 58;
export const BANNER_H = 20;

/** Header (tenant, run, template, generated-at), sandbox banner and "Página X de Y" on every page. */
export function chrome(L: Layout, input: ReportInput, pages: Canvas[]): void {
  const total = pages.length;
  const modeLabel = input.mode === "completo" ? "Relatório completo" : "Relatório resumido";
  const line2 = `Execução ${input.run.id} · Template ${input.template.name} v${input.template.version} · Gerado em ${fmtDate(input.generatedAt)}`;
  const rightW = L.width(modeLabel, { size: 8.5 });
  const tenant = L.fit(input.tenantName || "—", CONTENT_W - rightW - 20, { font: "bold", size: 11 });
  const sub = L.fit(line2, CONTENT_W, { size: 7.8 });
  const footer = L.fit(`kycert · documento gerado automaticamente · confidencial · ${input.run.id}`, CONTENT_W - 100, { size: 7 });
  const banner = L.fit(
    "AMBIENTE DE TESTES: execução sandbox com dados simulados, sem validade para decisões reais",
    CONTENT_W - 16,
    { font: "bold", size: 8.5 },
  );
  const top = PAGE_H - 26;
  pages.forEach((page, i) => {
    L.draw(tenant, MARGIN_X, top - 4, { font: "bold", size: 11, color: C.brand }, page);
    L.draw(modeLabel, MARGIN_X + CONTENT_W - rightW, top - 4, { size: 8.5, color: C.muted }, page);
    L.draw(sub, MARGIN_X, top - 18, { size: 7.8, color: C.muted }, page);
    page.drawLine({ start: { x: MARGIN_X, y: top - 25 }, end: { x: MARGIN_X + CONTENT_W, y: top - 25 }, thickness: 0.8, color: C.rule });
    if (!input.run.livemode) {
      const by = PAGE_H - HEADER_H - BANNER_H + 4;
      page.drawRectangle({ x: MARGIN_X, y: by, width: CONTENT_W, height: BANNER_H - 2, color: C.sandbox });
      L.draw(banner, MARGIN_X + 8, by + 5.5, { font: "bold", size: 8.5, color: C.white }, page);
    }
    page.drawLine({ start: { x: MARGIN_X, y: 36 }, end: { x: MARGIN_X + CONTENT_W, y: 36 }, thickness: 0.5, color: C.rule });
    const pg = `Página ${i + 1} de ${total}`;
    L.draw(pg, MARGIN_X + CONTENT_W - L.width(pg, { size: 8 }), 24, { size: 8 }, page);
    L.draw(footer, MARGIN_X, 24, { size: 7, color: C.muted }, page);
  });
}
