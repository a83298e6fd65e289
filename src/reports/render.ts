// The compliance report renderer (contract §9, issue 3): data in, PDF bytes
// out. No I/O, no clock: the generation time comes in with the input, and the
// same input always gives byte-identical output (fixed metadata, dates from
// `generatedAt`, pdf-lib's seeded name suffixes, no random ids).
//
// This module assembles the report: it sets up the document and the layout,
// runs the sections (src/reports/sections/, one module each) in report order,
// then draws the page chrome and writes the metadata. Each section draws one
// part of the report through the shared layout primitives (./layout).
import fontkit from "@pdf-lib/fontkit";
import { PDFDocument } from "pdf-lib";
import { reportFonts } from "./font";
import { GlyphEncoder, Layout, PAGE_H, sanitize, writePages } from "./layout";
import { appendix } from "./sections/appendix";
import { type Ctx, REPORT_RENDERER_VERSION } from "./sections/common";
import { titleBlock } from "./sections/cover";
import { decisionTiles, operativeExplanation } from "./sections/decision";
import { dimensionsSection } from "./sections/dimensions";
import { findingsSection, RESUMIDO_FINDINGS } from "./sections/findings";
import { legalSection } from "./sections/legal";
import { BANNER_H, chrome, HEADER_H } from "./sections/page-chrome";
import { partnerPages } from "./sections/partners";
import { profileSection } from "./sections/profile";
import { qsaSummary } from "./sections/qsa";
import { qsaGraph } from "./sections/qsa-graph";
import { triggeredRules } from "./sections/rules";
import { runFacts } from "./sections/run-facts";
import { signOff } from "./sections/signoff";
import { sourcesSection } from "./sections/sources";
import { templateSection } from "./sections/template";
import { incompleteSection } from "./sections/incomplete-sources";
import type { RenderedReport, ReportInput } from "./types";

export type { RenderedReport, ReportInput } from "./types";
export { REPORT_RENDERER_VERSION };

const toDate = (iso: string): Date => {
  const ms = Date.parse(iso);
  return new Date(Number.isNaN(ms) ? 0 : ms);
};

export async function renderReport(input: ReportInput): Promise<RenderedReport> {
  const fonts = reportFonts();
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  const regular = await doc.embedFont(fonts.regular.bytes, { subset: true });
  const bold = await doc.embedFont(fonts.bold.bytes, { subset: true });

  const top = PAGE_H - HEADER_H - (input.run.livemode ? 0 : BANNER_H) - 6;
  const L = new Layout(fonts, new GlyphEncoder({ regular, bold }), top);
  const tplByKey = new Map((input.template.sources ?? []).map((s) => [s.source as string, s]));
  const ctx: Ctx = { L, input, tplSource: (k) => tplByKey.get(k) };
  const completo = input.mode === "completo";

  // Page 1 onwards, both modes: the summary.
  L.newPage();
  titleBlock(ctx);
  decisionTiles(ctx);
  operativeExplanation(ctx);
  findingsSection(ctx, completo ? undefined : RESUMIDO_FINDINGS);
  triggeredRules(ctx);
  profileSection(ctx);
  qsaSummary(ctx);
  dimensionsSection(ctx);
  incompleteSection(ctx);
  runFacts(ctx);
  // The completo's detail.
  if (completo) {
    sourcesSection(ctx);
    legalSection(ctx);
    qsaGraph(ctx);
    partnerPages(ctx);
    templateSection(ctx);
  }
  // Last, each kept whole on one page.
  L.keepTogether(() => signOff(ctx));
  if (completo) L.keepTogether(() => appendix(ctx));

  // Headers and footers last: "Página X de Y" needs the final page count.
  chrome(L, input, L.pages);
  await writePages(doc, L.pages, { regular, bold });

  const clean = (s: unknown) => sanitize(fonts.regular, s);
  const created = toDate(input.generatedAt);
  doc.setTitle(`Relatório KYC (${input.mode}) ${clean(input.run.id)}`);
  doc.setAuthor(clean(input.tenantName));
  doc.setSubject(`Due diligence KYC · ${clean(input.run.id)} · ${input.run.livemode ? "produção" : "ambiente de testes"}`);
  doc.setKeywords(["kyc", "due diligence", input.mode, clean(input.run.id)]);
  doc.setProducer(`kycert-edge report renderer ${REPORT_RENDERER_VERSION} (pdf-lib)`);
  doc.setCreator("kycert-edge");
  doc.setLanguage("pt-BR");
  doc.setCreationDate(created);
  doc.setModificationDate(created);

  const bytes = await doc.save({ useObjectStreams: true });
  return { bytes, pages: L.pages.length };
}
