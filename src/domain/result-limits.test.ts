import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { qsaOf } from "./partners";
import {
  capRaw,
  capSourceData,
  capSourceResult,
  dataBudget,
  jsonBytes,
  MAX_REASON_CHARS,
  RAW_JSON_BUDGET_BYTES,
  SOURCE_DATA_BUDGET_BYTES,
} from "./result-limits";
import type { SourceResult } from "./types";

const result = (over: Partial<SourceResult>): SourceResult => ({
  source: "protestos",
  phase: "important",
  status: "VALID",
  checks: { protestos_ativos: "VALID" },
  attempts: 1,
  duration_ms: 1,
  started_at: "2026-11-01T00:00:00.000Z",
  completed_at: "2026-11-01T00:00:00.001Z",
  ...over,
});

const partner = (i: number) => ({
  nome: `SÓCIA NÚMERO ${i} DA SILVA`,
  documento: `***.${String(100 + i).padStart(3, "0")}.789-**`,
  tipo: "pf",
  qualificacao: "49-Sócio-Administrador",
  historico: "x".repeat(2000),
});

describe("capSourceData", () => {
  it("data within budget is kept as is (same object)", () => {
    const data = { quantidade: 2, cartorios: [{ nome: "1º Ofício", valor: 10 }] };
    expect(capSourceData("protestos", data)).toBe(data);
  });

  it("over budget: within budget, marked, deterministic, keys in their original order", () => {
    const data = { a: "é".repeat(50_000), quantidade: 3, lista: Array.from({ length: 5000 }, (_, i) => ({ i, s: "y".repeat(100) })), valor_total: 12.5 };
    const out = capSourceData("protestos", data);
    expect(jsonBytes(out)).toBeLessThanOrEqual(SOURCE_DATA_BUDGET_BYTES);
    expect(out._truncated).toBe(true);
    expect(out.quantidade).toBe(3);
    expect(out.valor_total).toBe(12.5);
    expect(Object.keys(out)).toEqual(["a", "quantidade", "lista", "valor_total", "_truncated"]);
    expect(JSON.stringify(capSourceData("protestos", structuredClone(data)))).toBe(JSON.stringify(out));
  });

  it("strings shrink before lists: a long list of long records keeps its length", () => {
    const processos = Array.from({ length: 40 }, (_, i) => ({ numero: `000${i}`, descricao: "z".repeat(3000) }));
    const out = capSourceData("trf_processos", { processos });
    expect(jsonBytes(out)).toBeLessThanOrEqual(SOURCE_DATA_BUDGET_BYTES);
    expect(out.processos).toHaveLength(40);
    expect((out.processos as { numero: string }[])[39].numero).toBe("00039");
  });

  it("the subject's name and registration status survive a huge Receita CPF answer", () => {
    const data = { nome: "JOSÉ DA SILVA", situacao_cadastral: "REGULAR", obito: false, lixo: Array.from({ length: 1000 }, () => "w".repeat(500)) };
    const out = capSourceData("receita_federal_cpf", data);
    expect(out).toMatchObject({ nome: "JOSÉ DA SILVA", situacao_cadastral: "REGULAR", obito: false, _truncated: true });
    expect(jsonBytes(out)).toBeLessThanOrEqual(dataBudget("receita_federal_cpf"));
  });

  it("the QSA keeps every partner the domain reads (name, document, type, role) in order; qsa_total when some are dropped", () => {
    const qsa = Array.from({ length: 30 }, (_, i) => partner(i));
    const data = { razao_social: "ACME S.A.", qsa, anexos: "q".repeat(200_000) };
    const out = capSourceData("receita_federal_cnpj", data);
    expect(jsonBytes(out)).toBeLessThanOrEqual(dataBudget("receita_federal_cnpj"));
    expect(out.razao_social).toBe("ACME S.A.");
    const asResult = result({ source: "receita_federal_cnpj", data: out });
    expect(qsaOf([asResult])).toEqual(qsa.map(({ historico: _h, ...p }) => p));
    expect(out).not.toHaveProperty("qsa_total");

    const many = Array.from({ length: 1000 }, (_, i) => partner(i));
    const cut = capSourceData("receita_federal_cnpj", { razao_social: "ACME S.A.", qsa: many });
    expect(jsonBytes(cut)).toBeLessThanOrEqual(dataBudget("receita_federal_cnpj"));
    const kept = qsaOf([result({ source: "receita_federal_cnpj", data: cut })]);
    expect(kept.length).toBeGreaterThanOrEqual(100);
    expect(kept).toEqual(many.slice(0, kept.length).map(({ historico: _h, ...p }) => p));
    expect(cut.qsa_total).toBe(1000);
  });

  it("a key named __proto__ stays data", () => {
    const data = JSON.parse(`{"__proto__": {"polluted": true}, "big": "${"b".repeat(20_000)}"}`) as Record<string, unknown>;
    const out = capSourceData("tse_doadores", data);
    expect(Object.hasOwn(out, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("any JSON object ends within its budget; one that fits is untouched (property)", () => {
    const budget = 2048;
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 6 })), (data) => {
        const out = capSourceData("icij_offshore", data, budget);
        expect(jsonBytes(out)).toBeLessThanOrEqual(budget);
        if (jsonBytes(data) <= budget) expect(out).toBe(data);
        else expect(out._truncated).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe("capRaw", () => {
  it("a raw within budget is kept; a raw of control characters is cut to a prefix whose JSON fits", () => {
    expect(capRaw('{"ok":true}')).toBe('{"ok":true}');
    const nul = "\u0000".repeat(8 * 1024); // 6 bytes each once serialized
    const cut = capRaw(nul);
    expect(jsonBytes(cut)).toBeLessThanOrEqual(RAW_JSON_BUDGET_BYTES);
    expect(nul.startsWith(cut)).toBe(true);
    expect(cut.length).toBeGreaterThan(2000);
  });

  it("never splits a surrogate pair", () => {
    const cut = capRaw("😀".repeat(100), 41); // the JSON of 😀×n is 2 + 4n bytes
    expect(cut).toBe("😀".repeat(9));
  });
});

describe("capSourceResult", () => {
  it("caps data, raw and reason; leaves the rest", () => {
    const big = result({ status: "ERROR", checks: {}, reason: "r".repeat(5000), raw: "\u0001".repeat(9000) });
    const out = capSourceResult(big);
    expect(out.reason).toHaveLength(MAX_REASON_CHARS + 1); // + the ellipsis
    expect(jsonBytes(out.raw)).toBeLessThanOrEqual(RAW_JSON_BUDGET_BYTES);
    expect({ ...out, reason: undefined, raw: undefined }).toEqual({ ...big, reason: undefined, raw: undefined });
    const small = result({ data: { quantidade: 0 } });
    expect(capSourceResult(small)).toEqual(small);
  });
});
