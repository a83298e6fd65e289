import { afterEach, describe, expect, it, vi } from "vitest";
import { SANDBOX_TEST_DOCUMENTS, validateCnpj, validateCpf } from "../domain/documents";
import { nextStep, skippedSources } from "../domain/plan";
import { TPL_PF_PADRAO, TPL_PJ_PADRAO } from "../domain/standard-templates";
import type { AdapterAnswer, SourceKey, SourceStatus, Subject, SubjectType, TemplateSnapshot } from "../domain/types";
import type { SourceAdapter } from "./adapter";
import { SOURCE_CATALOG, SOURCE_KEYS } from "./catalog";
import {
  SANDBOX_BIG_QSA_CNPJ,
  createSandboxAdapter,
  sandboxAnswer,
  sandboxCompanyFor,
  sandboxFixtureFor,
  sandboxPersonFor,
  sandboxQsaFor,
} from "./sandbox";

const subject = (type: SubjectType, document: string): Subject => ({ type, document });
const templateFor = (type: SubjectType) => (type === "pf" ? TPL_PF_PADRAO : TPL_PJ_PADRAO);

/** Settles within `ms` of real time? (used to show a promise is still pending) */
const settledWithin = async (p: Promise<unknown>, ms: number): Promise<boolean> => {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((r) => setTimeout(r, ms));
  return settled;
};

/**
 * A minimal stand-in for the run Durable Object: asks the plan what to run, queries
 * the adapter with a per-source timeout, and maps a rejection (the abort) to ERROR.
 */
const runThrough = async (adapter: SourceAdapter, snapshot: TemplateSnapshot, subj: Subject, timeoutMs = 25) => {
  const finished = new Map<SourceKey, { status: SourceStatus; answer: AdapterAnswer | null }>();
  const callOne = async (key: SourceKey) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error("timeout")), timeoutMs);
    try {
      const answer = await adapter.query({ source: SOURCE_CATALOG[key], subject: subj, signal: controller.signal, attempt: 1 });
      finished.set(key, { status: answer.status, answer });
    } catch {
      finished.set(key, { status: "ERROR", answer: null });
    } finally {
      clearTimeout(timer);
    }
  };
  for (;;) {
    const step = nextStep(snapshot, finished);
    if (step.kind === "done") {
      return {
        statuses: Object.fromEntries([...finished].map(([k, v]) => [k, v.status])) as Partial<Record<SourceKey, SourceStatus>>,
        answers: finished,
        blockedBy: step.blockedBy,
        skipped: skippedSources(snapshot, finished),
      };
    }
    if (step.kind === "critical") await callOne(step.entry.source);
    else await Promise.all(step.entries.map((e) => callOne(e.source)));
  }
};

const allValidExcept = (snapshot: TemplateSnapshot, overrides: Partial<Record<SourceKey, SourceStatus>>) =>
  Object.fromEntries(snapshot.sources.map((e) => [e.source, overrides[e.source] ?? "VALID"]));

// reference/sandbox.md, row by row: per-source statuses through the standard templates.
const ROWS: {
  type: SubjectType;
  doc: string;
  expected: Partial<Record<SourceKey, SourceStatus>>;
  blockedBy?: SourceKey;
}[] = [
  { type: "pf", doc: "00000000191", expected: allValidExcept(TPL_PF_PADRAO, {}) },
  { type: "pf", doc: "00000000281", expected: { receita_federal_cpf: "INVALID" }, blockedBy: "receita_federal_cpf" },
  {
    type: "pf",
    doc: "00000000372",
    expected: { receita_federal_cpf: "VALID", cnj_mandados_prisao: "INVALID" },
    blockedBy: "cnj_mandados_prisao",
  },
  { type: "pf", doc: "00000000453", expected: allValidExcept(TPL_PF_PADRAO, { pep_coaf: "INVALID" }) },
  {
    type: "pf",
    doc: "00000000544",
    expected: { receita_federal_cpf: "VALID", cnj_mandados_prisao: "VALID", ofac_sdn: "INVALID" },
    blockedBy: "ofac_sdn",
  },
  { type: "pf", doc: "00000000634", expected: allValidExcept(TPL_PF_PADRAO, { protestos: "INVALID" }) },
  { type: "pf", doc: "00000000725", expected: allValidExcept(TPL_PF_PADRAO, { cgu_cnc: "INVALID" }) },
  {
    type: "pf",
    doc: "00000000806",
    expected: allValidExcept(TPL_PF_PADRAO, { cnj_mandados_prisao: "ERROR", protestos: "ERROR", trf_processos: "ERROR" }),
  },
  { type: "pf", doc: "00000000987", expected: { receita_federal_cpf: "INVALID" }, blockedBy: "receita_federal_cpf" },
  {
    type: "pf",
    doc: "00000001082",
    expected: Object.fromEntries(TPL_PF_PADRAO.sources.map((e) => [e.source, "ERROR"])),
  },
  { type: "pj", doc: "00000000000191", expected: allValidExcept(TPL_PJ_PADRAO, {}) },
  {
    type: "pj",
    doc: "00000000000276",
    expected: { receita_federal_cnpj: "VALID", ofac_sdn: "INVALID" },
    blockedBy: "ofac_sdn",
  },
  { type: "pj", doc: "00000000000357", expected: allValidExcept(TPL_PJ_PADRAO, {}) },
  { type: "pj", doc: "00000000000438", expected: allValidExcept(TPL_PJ_PADRAO, { sit_trabalho_escravo: "INVALID" }) },
  { type: "pj", doc: SANDBOX_BIG_QSA_CNPJ, expected: allValidExcept(TPL_PJ_PADRAO, {}) },
  { type: "pf", doc: "52998224725", expected: allValidExcept(TPL_PF_PADRAO, {}) },
  { type: "pj", doc: "12ABC34501DE35", expected: allValidExcept(TPL_PJ_PADRAO, {}) },
];

describe("fixtures through the standard templates", () => {
  const adapter = createSandboxAdapter({ latencyFactor: 0 });

  it("covers every fixed test document", () => {
    const docs = ROWS.map((r) => r.doc);
    for (const d of [...SANDBOX_TEST_DOCUMENTS.pf, ...SANDBOX_TEST_DOCUMENTS.pj]) expect(docs).toContain(d);
  });

  it.each(ROWS)("$type $doc", async ({ type, doc, expected, blockedBy }) => {
    const snapshot = templateFor(type);
    const r = await runThrough(adapter, snapshot, subject(type, doc));
    expect(r.statuses).toEqual(expected);
    expect(r.blockedBy).toBe(blockedBy ?? null);
    const called = Object.keys(expected);
    expect(r.skipped).toEqual(blockedBy ? snapshot.sources.map((e) => e.source).filter((k) => !called.includes(k)) : []);
  });

  it("PJ 0003-57: the QSA holds the PEP fixture, whose partner run gives pep_coaf INVALID", async () => {
    const qsa = sandboxQsaFor("00000000000357");
    expect(qsa.map((p) => p.documento)).toContain("00000000453");
    expect(qsa).toHaveLength(2);
    const results = await Promise.all(qsa.map((p) => runThrough(adapter, TPL_PF_PADRAO, subject("pf", p.documento))));
    const flagged = results.filter((r) => Object.values(r.statuses).some((s) => s !== "VALID"));
    expect(flagged).toHaveLength(1);
    expect(flagged[0].statuses).toEqual(allValidExcept(TPL_PF_PADRAO, { pep_coaf: "INVALID" }));
  });

  it("PJ 0001-91, 0002-76, 0004-38 and a non-fixture CNPJ: two clean PF partners", async () => {
    for (const cnpj of ["00000000000191", "00000000000276", "00000000000438", "11222333000181"]) {
      const qsa = sandboxQsaFor(cnpj);
      expect(qsa).toHaveLength(2);
      for (const p of qsa) {
        const r = await runThrough(adapter, TPL_PF_PADRAO, subject("pf", p.documento));
        expect(r.statuses).toEqual(allValidExcept(TPL_PF_PADRAO, {}));
      }
    }
    expect(sandboxQsaFor("00000000000191")[0].documento).toBe("00000000191");
  });

  it(`SANDBOX_BIG_QSA_CNPJ passes the DV rule and has exactly 20 distinct, valid, clean PF partners`, () => {
    expect(validateCnpj(SANDBOX_BIG_QSA_CNPJ).ok).toBe(true);
    expect(sandboxFixtureFor("pj", SANDBOX_BIG_QSA_CNPJ)).not.toBeNull();
    const qsa = sandboxQsaFor(SANDBOX_BIG_QSA_CNPJ);
    expect(qsa).toHaveLength(20);
    expect(new Set(qsa.map((p) => p.documento)).size).toBe(20);
    for (const p of qsa) {
      expect(p.tipo).toBe("pf");
      expect(sandboxFixtureFor("pf", p.documento)).toBeNull();
    }
  });

  it("synthetic partner CPFs are valid CPFs, never fixtures, named like their own PF profile", () => {
    const cnpjs = ["11222333000181", "11444777000161", "12ABC34501DE35", "ZZZZZZZZ000191", SANDBOX_BIG_QSA_CNPJ, "00000000000276"];
    for (const cnpj of cnpjs) {
      for (const p of sandboxQsaFor(cnpj)) {
        if (p.documento === "00000000191" || p.documento === "00000000453") continue; // fixed fixture partners
        expect(validateCpf(p.documento)).toEqual({ ok: true, value: p.documento });
        expect((SANDBOX_TEST_DOCUMENTS.pf as readonly string[]).includes(p.documento)).toBe(false);
        expect(p.nome).toBe(sandboxPersonFor(p.documento).nome);
        expect(p.qualificacao).toMatch(/^\d{2}-Sócio/);
      }
    }
  });
});

describe("answer shapes", () => {
  const pf = subject("pf", "52998224725");
  const pj = subject("pj", "11222333000181");
  const valid = (a: AdapterAnswer | null) => {
    if (!a || a.status === "ERROR") throw new Error("expected an answer");
    return a;
  };

  it("receita_federal_cpf: VALID and cancelled", () => {
    const ok = valid(sandboxAnswer("receita_federal_cpf", pf));
    expect(ok.checks).toEqual({ situacao_cadastral: "VALID", registro_obito: "VALID", nome_confere: "VALID" });
    expect(Object.keys(ok.data ?? {})).toEqual(["nome", "data_nascimento", "situacao_cadastral", "situacao_codigo", "obito", "nome_confere"]);
    expect(ok.data).toMatchObject({ situacao_cadastral: "REGULAR", situacao_codigo: "0", obito: false, nome_confere: true });
    expect(ok.data?.nome).toMatch(/^[A-Z]+( [A-Z]+){2,3}$/);
    const birth = String(ok.data?.data_nascimento);
    expect(birth).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Number(birth.slice(0, 4))).toBeGreaterThanOrEqual(1950);
    expect(Number(birth.slice(0, 4))).toBeLessThanOrEqual(2004);

    const bad = valid(sandboxAnswer("receita_federal_cpf", subject("pf", "00000000281")));
    expect(bad.status).toBe("INVALID");
    expect(bad.checks).toEqual({ situacao_cadastral: "INVALID", registro_obito: "VALID", nome_confere: "VALID" });
    expect(bad.data).toMatchObject({ situacao_cadastral: "CANCELADA", situacao_codigo: "5" });
  });

  it("receita_federal_cnpj: company data and QSA", () => {
    const a = valid(sandboxAnswer("receita_federal_cnpj", pj));
    expect(a.checks).toEqual({ situacao_cadastral: "VALID", qsa: "VALID" });
    expect(Object.keys(a.data ?? {})).toEqual([
      "razao_social",
      "nome_fantasia",
      "situacao_cadastral",
      "data_abertura",
      "cnae_principal",
      "natureza_juridica",
      "endereco",
      "qsa",
    ]);
    expect(a.data).toMatchObject({ situacao_cadastral: "ATIVA", qsa: sandboxQsaFor(pj.document) });
    expect(a.data?.cnae_principal).toMatch(/^\d{4}-\d\/\d{2} — .+/);
    expect(a.data?.endereco).toEqual({ municipio: expect.any(String), uf: expect.stringMatching(/^[A-Z]{2}$/) });
    expect(a.data?.razao_social).toBe(sandboxCompanyFor(pj.document).razao_social);
    // The raw provider payload carries partners' CPFs masked, as Receita's open data does.
    expect(a.raw).not.toContain(sandboxQsaFor(pj.document)[0].documento);
  });

  it("list screening sources: matches on INVALID, list metadata on VALID", () => {
    const hit = valid(sandboxAnswer("ofac_sdn", subject("pf", "00000000544")));
    expect(hit.checks).toEqual({ sancoes_ofac: "INVALID" });
    expect(hit.data).toEqual({
      matches: [
        {
          nome: sandboxPersonFor("00000000544").nome,
          score: 0.97,
          limiar: 0.88,
          lista: "OFAC SDN",
          data_lista: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
          programa: expect.any(String),
        },
      ],
    });
    const company = valid(sandboxAnswer("ofac_sdn", subject("pj", "00000000000276")));
    expect((company.data?.matches as { nome: string }[])[0].nome).toBe(sandboxCompanyFor("00000000000276").razao_social);
    for (const key of ["ofac_sdn", "un_sanctions", "eu_sanctions", "uk_sanctions"] as const) {
      const clean = valid(sandboxAnswer(key, pf));
      expect(clean.data).toEqual({ matches: [], lista: expect.any(String), data_lista: expect.any(String) });
    }
  });

  it("every source's INVALID payload (fixture 009-87) has the documented keys", () => {
    const s = subject("pf", "00000000987");
    const keysOf = (k: SourceKey) => Object.keys(valid(sandboxAnswer(k, s)).data ?? {});
    expect(keysOf("cnj_mandados_prisao")).toEqual(["mandados"]);
    expect((valid(sandboxAnswer("cnj_mandados_prisao", s)).data?.mandados as object[])[0]).toEqual({
      numero: expect.any(String),
      orgao: expect.any(String),
      data_expedicao: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      tipo: expect.any(String),
    });
    expect(keysOf("pep_coaf")).toEqual(["cargo", "orgao", "inicio_exercicio", "fim_carencia"]);
    for (const k of ["cgu_ceis", "cgu_cnep", "cgu_cnc"] as const) {
      expect(keysOf(k)).toEqual(["sancoes"]);
      expect(Object.keys((valid(sandboxAnswer(k, s)).data?.sancoes as object[])[0])).toEqual(["tipo", "orgao", "processo", "inicio", "fim"]);
    }
    expect(keysOf("protestos")).toEqual(["quantidade", "valor_total", "cartorios"]);
    expect(keysOf("sit_trabalho_escravo")).toEqual(["ano_acao_fiscal", "uf", "trabalhadores_envolvidos", "inclusao_cadastro"]);
    for (const k of ["cnj_seeu_processos", "trf_processos"] as const) {
      expect(keysOf(k)).toEqual(["processos"]);
      expect(Object.keys((valid(sandboxAnswer(k, s)).data?.processos as object[])[0])).toEqual([
        "numero",
        "tribunal",
        "classe",
        "assunto",
        "data_distribuicao",
      ]);
    }
    for (const k of SOURCE_KEYS.filter((k) => SOURCE_CATALOG[k].subjects.includes("pf"))) {
      const a = valid(sandboxAnswer(k, s));
      expect(a.status).toBe("INVALID");
      expect(Object.values(a.checks)).toContain("INVALID");
      expect(Object.keys(a.checks)).toEqual([...SOURCE_CATALOG[k].checks]);
      expect(() => JSON.parse(a.raw ?? "")).not.toThrow();
    }
  });

  it("every applicable source answers VALID with small data and a JSON raw for a non-fixture document", () => {
    for (const s of [pf, pj]) {
      for (const k of SOURCE_KEYS.filter((k) => SOURCE_CATALOG[k].subjects.includes(s.type))) {
        const a = valid(sandboxAnswer(k, s));
        expect(a.status).toBe("VALID");
        expect(Object.values(a.checks).every((c) => c === "VALID")).toBe(true);
        expect(a.data).toBeDefined();
        expect(() => JSON.parse(a.raw ?? "")).not.toThrow();
      }
    }
  });

  it("ERROR fixture: retryable pt-BR reason", () => {
    expect(sandboxAnswer("ofac_sdn", subject("pf", "00000001082"))).toMatchObject({
      status: "ERROR",
      reason: "Fonte simulada indisponível (HTTP 503).",
      retryable: true,
    });
  });

  it("a source that does not apply to the subject type is a non-retryable ERROR", () => {
    expect(sandboxAnswer("receita_federal_cpf", pj)).toMatchObject({ status: "ERROR", retryable: false });
  });
});

describe("determinism", () => {
  it("two adapter calls for the same document give identical answers (byte-identical data and raw)", async () => {
    const a1 = createSandboxAdapter({ latencyFactor: 0 });
    const a2 = createSandboxAdapter({ latencyFactor: 0 });
    for (const s of [subject("pf", "39053344705"), subject("pj", "42318949000184"), subject("pj", "00000000000357")]) {
      for (const k of SOURCE_KEYS.filter((k) => SOURCE_CATALOG[k].subjects.includes(s.type))) {
        const req = { source: SOURCE_CATALOG[k], subject: s, signal: new AbortController().signal, attempt: 1 };
        const [x, y] = [await a1.query(req), await a2.query({ ...req, attempt: 2 })];
        expect(JSON.stringify(y)).toBe(JSON.stringify(x));
      }
    }
  });

  it("the optional subject name does not change the answer", () => {
    const a = sandboxAnswer("receita_federal_cpf", { type: "pf", document: "39053344705" });
    const b = sandboxAnswer("receita_federal_cpf", { type: "pf", document: "39053344705", name: "OUTRO NOME" });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it("different documents get different synthetic profiles that look real", () => {
    const names = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const base = String(100000000 + i * 7919);
      const cpf = base + "00";
      const { nome } = sandboxPersonFor(cpf);
      expect(nome).toMatch(/^[A-Z]+ [A-Z]+ (D[AEO]S? )?[A-Z]+$/);
      names.add(nome);
    }
    expect(names.size).toBeGreaterThan(40);
    const c = sandboxCompanyFor("42318949000184");
    expect(c.razao_social).toMatch(/ (LTDA|S\.A\.)$/);
  });
});

describe("latency and abort", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const ofacReq = (signal: AbortSignal, doc = "52998224725") => ({
    source: SOURCE_CATALOG.ofac_sdn,
    subject: subject("pf", doc),
    signal,
    attempt: 1,
  });

  it("factor 0 answers at once (no timer)", async () => {
    vi.useFakeTimers();
    const adapter = createSandboxAdapter({ latencyFactor: 0 });
    // With fake timers and no advance, only a timer-free answer can settle.
    await expect(adapter.query(ofacReq(new AbortController().signal))).resolves.toMatchObject({ status: "VALID" });
  });

  it("waits typical latency × factor before answering", async () => {
    vi.useFakeTimers();
    const adapter = createSandboxAdapter({ latencyFactor: 2 }); // ofac_sdn: 300 ms × 2
    let answered = false;
    const p = adapter.query(ofacReq(new AbortController().signal)).then((a) => {
      answered = true;
      return a;
    });
    await vi.advanceTimersByTimeAsync(599);
    expect(answered).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(answered).toBe(true);
    await expect(p).resolves.toMatchObject({ status: "VALID" });
  });

  it("an abort during the simulated latency rejects with the signal's reason", async () => {
    vi.useFakeTimers();
    const adapter = createSandboxAdapter({ latencyFactor: 1 });
    const controller = new AbortController();
    const p = adapter.query(ofacReq(controller.signal));
    const reason = new Error("cancelled");
    await vi.advanceTimersByTimeAsync(100);
    controller.abort(reason);
    await expect(p).rejects.toBe(reason);
  });

  it("an already-aborted signal rejects at once", async () => {
    const adapter = createSandboxAdapter({ latencyFactor: 0 });
    const controller = new AbortController();
    const reason = new Error("gone");
    controller.abort(reason);
    await expect(adapter.query(ofacReq(controller.signal))).rejects.toBe(reason);
  });

  it("timeout fixture (008-06): never answers; rejects with the signal's reason after abort, not before", async () => {
    const adapter = createSandboxAdapter({ latencyFactor: 0 });
    for (const key of ["cnj_mandados_prisao", "protestos", "trf_processos"] as const) {
      const controller = new AbortController();
      const p = adapter.query({ source: SOURCE_CATALOG[key], subject: subject("pf", "00000000806"), signal: controller.signal, attempt: 1 });
      expect(await settledWithin(p, 20)).toBe(false);
      const reason = new DOMException("The operation timed out.", "TimeoutError");
      controller.abort(reason);
      await expect(p).rejects.toBe(reason);
    }
    // Its other sources answer normally.
    await expect(adapter.query(ofacReq(new AbortController().signal, "00000000806"))).resolves.toMatchObject({ status: "VALID" });
  });

  it("rejects a negative or non-finite latency factor", () => {
    expect(() => createSandboxAdapter({ latencyFactor: -1 })).toThrow(RangeError);
    expect(() => createSandboxAdapter({ latencyFactor: Number.NaN })).toThrow(RangeError);
  });
});

describe("sandboxFixtureFor", () => {
  it("knows every fixed document and nothing else", () => {
    for (const d of SANDBOX_TEST_DOCUMENTS.pf) expect(sandboxFixtureFor("pf", d)?.document).toBe(d);
    for (const d of SANDBOX_TEST_DOCUMENTS.pj) expect(sandboxFixtureFor("pj", d)?.document).toBe(d);
    expect(sandboxFixtureFor("pf", "52998224725")).toBeNull();
    expect(sandboxFixtureFor("pj", "00000000191")).toBeNull();
  });
});
