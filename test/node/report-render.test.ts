// The PDF renderer, checked the way a reader would: the produced PDFs are
// parsed (structure with pdf-lib, text with pdf-parse) and the key content is
// looked for in the extracted text, page by page where it matters.
import fc from "fast-check";
import { PDFDocument } from "pdf-lib";
import { PDFParse } from "pdf-parse";
import { describe, expect, it, vi } from "vitest";
import type { Finding } from "../../src/domain/types";
import { reportFonts } from "../../src/reports/font";
import { sanitize } from "../../src/reports/layout";
import { renderReport } from "../../src/reports/render";
import type { ReportInput } from "../../src/reports/types";
import { SOURCE_CATALOG } from "../../src/sources/catalog";
import {
  GENERATED_AT,
  HOLD_FINDING_TITLES,
  PARTNER_NAMES,
  UNICODE_SAMPLES,
  failedPjInput,
  pfCleanInput,
  pfHoldInput,
  pj20Input,
  unicodeInput,
} from "./report-fixtures";

// Rendering plus text extraction of 30+ pages takes about a second; leave
// room for a loaded 2-core CI machine.
vi.setConfig({ testTimeout: 60_000 });

interface Parsed {
  pages: number;
  /** Whole text, whitespace collapsed (table cells and wrapped lines become single spaces). */
  text: string;
  pageTexts: string[];
  doc: PDFDocument;
}

const flat = (s: string) => s.replace(/\s+/g, " ");

async function parse(bytes: Uint8Array): Promise<Parsed> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  // pdf.js may transfer the buffer it is given: hand it a copy.
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    const result = await parser.getText();
    const pageTexts = result.pages.map((p) => flat(p.text));
    return { pages: doc.getPageCount(), text: pageTexts.join(" "), pageTexts, doc };
  } finally {
    await parser.destroy();
  }
}

async function render(input: ReportInput) {
  const out = await renderReport(input);
  const parsed = await parse(out.bytes);
  expect(out.pages).toBe(parsed.pages);
  return { out, ...parsed };
}

/** Every page carries the header and "Página X de Y". */
function expectChrome(p: Parsed, input: ReportInput) {
  p.pageTexts.forEach((t, i) => {
    expect(t).toContain(`Página ${i + 1} de ${p.pages}`);
    expect(t).toContain(input.run.id);
    expect(t).toContain(`${input.template.name} v${input.template.version}`);
    expect(t).toContain("Gerado em 26/11/2026 17:44:12 (UTC-03:00)");
    if (input.run.livemode) expect(t).not.toContain("AMBIENTE DE TESTES");
    else expect(t).toContain("AMBIENTE DE TESTES");
  });
}

const SEVERITY_ORDER = ["critico", "alto", "medio", "baixo", "info"];
const bySeverity = (fs: Finding[]) =>
  [...fs].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || b.weight - a.weight);

describe("renderReport — PF clean", () => {
  it("resumido: decision, band, profile, sign-off, header and footer on every page, sandbox marker", async () => {
    const input = pfCleanInput({ mode: "resumido" });
    const p = await render(input);
    expect(p.pages).toBeGreaterThanOrEqual(1);
    expect(p.pages).toBeLessThanOrEqual(4);
    expectChrome(p, input);
    expect(p.text).toContain(input.tenantName);
    expect(p.text).toContain("Aprovado");
    expect(p.text).toContain("FAIXA DE RISCO Baixo");
    expect(p.text).toContain("Nenhum achado");
    expect(p.text).toContain("MARIA APARECIDA DOS SANTOS CONCEIÇÃO");
    expect(p.text).toContain("Parecer e assinatura do analista");
    expect(p.text).toContain("Nome do analista");
    expect(p.text).toContain("Assinatura do analista");
    // resumido does not list every source
    expect(p.text).not.toContain("Fontes consultadas (ordem de execução)");
  });

  it("completo in live mode: every source key and label, no sandbox marker", async () => {
    const input = pfCleanInput({ mode: "completo", livemode: true });
    const p = await render(input);
    expectChrome(p, input);
    expect(p.text).not.toContain("AMBIENTE DE TESTES");
    for (const r of input.results) {
      expect(p.text).toContain(r.source);
      expect(p.text).toContain(SOURCE_CATALOG[r.source].label);
    }
    expect(p.text).toContain("Resposta bruta da fonte");
    expect(p.text).toContain("Template utilizado (snapshot)");
    expect(p.text).toContain(input.resultHash);
    expect(p.text).toContain("Versão da análise 2026-11-01.1");
  });
});

describe("renderReport — the sign-off block of a resolved review case", () => {
  const resolution = {
    case_id: "case_01JD7ZQ0000000000000000001",
    outcome: "rejected" as const,
    reason_code: "insufficient_information",
    reason_label: "Informações insuficientes",
    note: "Cliente não enviou o comprovante de residência solicitado.",
    resolved_by: "ana@cliente.com.br",
    approved_by: "bruno@cliente.com.br",
    resolved_at: "2026-11-27T14:05:09.000Z",
  };

  it.each(["resumido", "completo"] as const)("%s carries who, when, why and who approved it", async (mode) => {
    const p = await render({ ...pfHoldInput({ mode }), caseResolution: resolution });
    const signOff = p.text.slice(p.text.indexOf("Parecer e assinatura do analista"));
    expect(signOff).toContain(`Resolução do caso ${resolution.case_id}`);
    expect(signOff).toContain("Resultado da revisão Rejeitado");
    expect(signOff).toContain("Motivo Informações insuficientes (insufficient_information)");
    expect(signOff).toContain("Resolvido por ana@cliente.com.br");
    expect(signOff).toContain("Aprovado por bruno@cliente.com.br");
    expect(signOff).toContain("Resolvido em 27/11/2026 11:05:09 (UTC-03:00)");
    expect(signOff).toContain(resolution.note);
  });

  it("says when no second approval was needed, and prints nothing of the kind without a resolution", async () => {
    const single = await render({ ...pfHoldInput({ mode: "resumido" }), caseResolution: { ...resolution, outcome: "approved", approved_by: null } });
    expect(single.text).toContain("Resultado da revisão Aprovado");
    expect(single.text).toContain("Aprovado por — (dispensa segunda aprovação)");
    const none = await render(pfHoldInput({ mode: "resumido" }));
    expect(none.text).not.toContain("Resolução do caso");
    expect(none.text).toContain("Parecer e assinatura do analista");
  });
});

describe("renderReport — PF with findings and a hold", () => {
  it("resumido explains the hold and lists findings by severity with their sources", async () => {
    const input = pfHoldInput({ mode: "resumido" });
    const p = await render(input);
    expect(p.pages).toBeLessThanOrEqual(4);
    expectChrome(p, input);
    expect(p.text).toContain("DECISÃO Aprovado");
    expect(p.text).toContain("Retido (hold)");
    expect(p.text).toContain("Decisão operacional RETIDA (hold)");
    expect(p.text).toContain("não pode ser executada");
    expect(p.text).toContain("CNJ BNMP — mandados de prisão");
    expect(p.text).toContain("Médio");
    expect(p.text).toContain("score 27 de 100");
    const positions = bySeverity(input.analysis.findings).map((f) => {
      expect(p.text).toContain(f.title);
      expect(p.text).toContain(SOURCE_CATALOG[f.source as keyof typeof SOURCE_CATALOG].label);
      return p.text.indexOf(f.title);
    });
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    for (const t of HOLD_FINDING_TITLES) expect(p.text).toContain(t);
  });

  it("completo shows every source with status, timing, attempts and error reason", async () => {
    const input = pfHoldInput({ mode: "completo" });
    const p = await render(input);
    expectChrome(p, input);
    for (const r of input.results) expect(p.text).toContain(r.source);
    expect(p.text).toContain("ERROR");
    expect(p.text).toContain("INVALID");
    expect(p.text).toContain("NO_DATA");
    expect(p.text).toContain("Motivo do erro timeout após 6000 ms (2 tentativas)");
    expect(p.text).toContain("HTTP 503 do provedor");
    expect(p.text).toContain("Tentativas 2");
    expect(p.text).toContain("12,00 s");
    // raw excerpt of a non-JSON (HTML) error payload
    expect(p.text).toContain("503 Service Unavailable");
    for (const t of HOLD_FINDING_TITLES) expect(p.text).toContain(t);
  });
});

describe("renderReport — PJ with 20 partner runs", () => {
  it("completo reaches 20+ pages with the graph, one page per partner, legal processes, template and appendix", async () => {
    const input = pj20Input({ mode: "completo" });
    const p = await render(input);
    expect(p.pages).toBeGreaterThanOrEqual(20);
    expect(p.out.bytes.length).toBeLessThan(1024 * 1024);
    expectChrome(p, input);
    expect(p.text).toContain("Revisão manual");
    expect(p.text).toContain("FAIXA DE RISCO Médio");
    for (const f of input.analysis.findings) expect(p.text).toContain(f.title);
    for (const r of input.results) {
      expect(p.text).toContain(r.source);
      expect(p.text).toContain(SOURCE_CATALOG[r.source].label);
    }
    // the graph page names the company and every partner
    const graph = p.pageTexts.find((t) => t.includes("Quadro societário (QSA): grafo"));
    expect(graph).toBeDefined();
    expect(graph).toContain("CONSTRUTORA E INCORPORADORA HORIZONTE AZUL LTDA");
    expect(graph).toContain("Legenda");
    for (const name of PARTNER_NAMES) expect(flat(graph!)).toContain(name.split(" ")[0]);
    // one page per partner run, each with its decision and findings
    input.partners.forEach((partner, i) => {
      const page = p.pageTexts.find((t) => t.includes(`Execução do sócio ${i + 1} de 20:`));
      expect(page, `page of partner ${i + 1}`).toBeDefined();
      expect(page).toContain(partner.summary.run_id);
      for (const f of partner.analysis?.findings ?? []) expect(page).toContain(f.title);
    });
    expect(p.text).toContain("Mandado de prisão ativo (BNMP)");
    // legal processes from data.processos and data.mandados
    expect(p.text).toContain("Processos judiciais e mandados");
    expect(p.text).toContain("5001234-12.2024.4.03.6100");
    expect(p.text).toContain("0009876-45.2019.4.03.6181");
    // long numbers may wrap inside their table cell (a line break becomes a space)
    expect(p.text.replace(/ /g, "")).toContain("0001234-56.2025.8.26.0050.01.0001-07");
    // template snapshot and appendix
    expect(p.text).toContain("tpl_pj_padrao");
    expect(p.text).toContain("block (Bloqueia)");
    expect(p.text).toContain("Médio a partir de 20 pontos");
    expect(p.text).toContain(input.resultHash);
    expect(p.text).toContain("Modo do relatório completo");
  });

  it("a partner known only by a masked CPF, screened on the lists: its own page (matches with the evidence in words, cleared homonyms, checks not run), joined to its QSA entry", async () => {
    const base = pj20Input({ mode: "completo", livemode: true, partners: 2 });
    const listed: ReportInput["partners"][number] = {
      summary: {
        run_id: null,
        screened_by: "lists",
        name: "CAMILA MARQUES MACHADO SOUZA",
        document: "***.225.023-**",
        qualificacao: "49-Sócio-Administrador",
        status: "completed",
        decision: "review",
        operative_decision: "review",
        risk_band: "medio",
        sources: [
          { source: "ofac_sdn", status: "VALID" },
          { source: "pep_coaf", status: "INVALID" },
        ],
        lists: [{ id: "cgu_pep", sha256: "ab".repeat(32), fetched_at: "2026-11-30T03:00:00.000Z" }],
        matches: [{ fonte: "pep_coaf", lista: "cgu_pep", nome: "CAMILA MARQUES MACHADO SOUZA", correspondencia: "documento", explicacao: "nome idêntico ao listado; dígitos visíveis do CPF conferem" }],
        cleared: [{ fonte: "ofac_sdn", lista: "ofac_sdn", entity_id: "4401", nome_correspondente: "CAMILA MARQUES", motivo: "birth_date_conflict", detalhe: "faixa etária indica nascimento entre 1975 e 1985; a lista indica 1960" }],
        checks_not_run: ["receita_federal_cpf", "cnj_mandados_prisao"],
      },
      analysis: null,
      results: [],
    };
    const qsa = base.analysis.subject_profile.type === "pj" ? base.analysis.subject_profile.qsa : [];
    qsa[0] = { nome: listed.summary.name, documento: listed.summary.document, qualificacao: listed.summary.qualificacao, run_id: null };
    const input: ReportInput = { ...base, partners: [listed, base.partners[1]], run: { ...base.run, partner_runs: [listed.summary, base.partners[1].summary] } };
    const p = await render(input);
    const page = p.pageTexts.find((t) => t.includes("Sócio 1 de 2: CAMILA MARQUES MACHADO SOUZA (triado nas listas)"));
    expect(page).toBeDefined();
    expect(page).toContain("Listas de triagem (CPF mascarado na fonte)");
    expect(page).toContain("nome idêntico ao listado; dígitos visíveis do CPF conferem");
    expect(page).toContain("faixa etária indica nascimento entre 1975 e 1985; a lista indica 1960");
    expect(page).toContain("Receita Federal — situação do CPF; CNJ BNMP — mandados de prisão");
    expect(page).not.toContain("Análise indisponível");
    // The QSA lists the partner once, with its decision from the lists.
    expect(p.text).toContain("2 sócio(s): 1 aprovado(s), 1 em revisão");
    expect(p.text).toContain("triado nas listas (CPF mascarado)");
  });

  it("resumido stays within 4 pages and summarises the QSA", async () => {
    const input = pj20Input({ mode: "resumido" });
    const p = await render(input);
    expect(p.pages).toBeLessThanOrEqual(4);
    expectChrome(p, input);
    expect(p.text).toContain("Quadro societário (QSA): resumo");
    expect(p.text).toContain("20 sócio(s): 16 aprovado(s), 2 em revisão, 1 reprovado(s), 1 retido(s)");
    for (const name of PARTNER_NAMES) expect(p.text).toContain(name);
    expect(p.text).not.toContain("Execução do sócio 1 de 20");
  });
});

describe("renderReport — determinism and metadata", () => {
  it("the same input gives byte-identical output", async () => {
    for (const input of [pj20Input({ mode: "completo" }), pfHoldInput({ mode: "resumido" }), unicodeInput("completo")]) {
      const a = await renderReport(input);
      const b = await renderReport(structuredClone(input));
      expect(a.bytes.length).toBe(b.bytes.length);
      expect(a.bytes.every((byte, i) => byte === b.bytes[i])).toBe(true);
    }
  });

  it("dates come from generatedAt, producer/creator/title are fixed", async () => {
    const input = pfCleanInput({ mode: "resumido" });
    const { doc } = await parse((await renderReport(input)).bytes);
    expect(doc.getCreationDate()?.toISOString()).toBe(GENERATED_AT);
    expect(doc.getModificationDate()?.toISOString()).toBe(GENERATED_AT);
    expect(doc.getProducer()).toMatch(/^kycert-edge report renderer /);
    expect(doc.getCreator()).toBe("kycert-edge");
    expect(doc.getTitle()).toBe(`Relatório KYC (resumido) ${input.run.id}`);

    const later = await renderReport({ ...input, generatedAt: "2026-12-01T08:00:00.000Z" });
    const laterDoc = await PDFDocument.load(later.bytes, { updateMetadata: false });
    expect(laterDoc.getCreationDate()?.toISOString()).toBe("2026-12-01T08:00:00.000Z");
  });
});

describe("renderReport — Unicode and odd inputs never break generation", () => {
  it("Cyrillic renders, CJK/Arabic/emoji/control characters become a visible replacement", async () => {
    for (const mode of ["resumido", "completo"] as const) {
      const p = await render(unicodeInput(mode));
      expect(p.pages).toBeGreaterThan(0);
      expect(p.text).toContain(UNICODE_SAMPLES.cyrillic);
      expect(p.text).toContain("\uFFFD");
      expect(p.text).toContain("José Conceição"); // combining marks composed (NFC)
      expect(p.text).toContain("linha1\uFFFDlinha2\uFFFDtab");
      expect(p.text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    }
  });

  it("arbitrary strings in names, metadata and external_id never throw", async () => {
    const text = fc.string({ unit: "binary", maxLength: 60 });
    await fc.assert(
      fc.asyncProperty(text, text, text, text, async (tenant, ext, meta, name) => {
        const input = pfHoldInput({ mode: "resumido" });
        input.tenantName = tenant;
        input.run.external_id = ext;
        input.run.metadata = { [meta.slice(0, 40) || "k"]: meta };
        if (input.analysis.subject_profile.type === "pf") input.analysis.subject_profile.nome = name;
        input.analysis.findings[0] = { ...input.analysis.findings[0], title: name, description: meta };
        const out = await renderReport(input);
        expect(out.pages).toBeGreaterThan(0);
        expect(new TextDecoder("latin1").decode(out.bytes.slice(0, 5))).toBe("%PDF-");
      }),
      { numRuns: 15 },
    );
  });

  it("a failed run with no decision, no partners' analysis and missing fields still renders", async () => {
    const input = failedPjInput();
    input.generatedAt = "not a date";
    const p = await render(input);
    expect(p.text).toContain("Sem decisão");
    expect(p.text).toContain("Análise indisponível");
    expect(p.text).toContain("Nenhum processo ou mandado");
  });
});

describe("sanitize", () => {
  const face = reportFonts().regular;
  it("keeps pt-BR text, Latin extended and Cyrillic as they are", () => {
    for (const s of ["Ação à vista: coração, pêssego, Ñandú, Łódź, Şişli", "Дмитрий", "Ελληνικά", "R$ 1.234,56 — “ok” …"])
      expect(sanitize(face, s)).toBe(s);
  });
  it("replaces control characters, bidi overrides, lone surrogates and glyphs the font lacks", () => {
    expect(sanitize(face, "a\nb\tc\u0000d\u007fe\u0085")).toBe("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFD");
    expect(sanitize(face, "x\u202Ey")).toBe("x\uFFFDy");
    expect(sanitize(face, "x\uD800y")).toBe("x\uFFFDy");
    expect(sanitize(face, "東京")).toBe("\uFFFD\uFFFD");
    expect(sanitize(face, "مرحبا")).toBe("\uFFFD".repeat(5));
    expect(sanitize(face, "👨‍👩‍👧❤️")).toBe("\uFFFD".repeat(4));
    expect(sanitize(face, "a\uFFFE\uFFFFb")).toBe("a\uFFFD\uFFFDb");
  });
  it("composes combining sequences and never throws on non-strings", () => {
    expect(sanitize(face, "Jose\u0301")).toBe("José");
    expect(sanitize(face, null)).toBe("");
    expect(sanitize(face, 42)).toBe("42");
    expect(sanitize(face, { toString: () => { throw new Error("boom"); } })).toBe("\uFFFD");
  });
});
