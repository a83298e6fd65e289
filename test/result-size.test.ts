// A run's stored result stays within the platform's value limits (D1 and
// Durable Object SQLite refuse a value over 2 MB) even when every provider
// answers its largest allowed body: a live run through scripted providers.
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TPL_PF_PADRAO } from "../src/domain/standard-templates";
import type { SourceKey } from "../src/domain/types";
import { SOURCE_CATALOG, SOURCE_KEYS } from "../src/sources/catalog";
import { MAX_RESPONSE_BYTES } from "../src/sources/live/http";
import { liveTransport } from "./helpers/transports";
import { call, createKey, createRun, createTenant, runToEnd } from "./helpers/api";

const PROVIDER = "https://provider.example.com";
/** The documented ceiling of one run's stored result (src/domain/result-limits.ts): ~1 MiB for 17 sources. */
const STORED_RESULT_BOUND = 1024 * 1024;

/** The key of `data` the analysis copies into evidence and descriptions, per source. */
const BULK_KEY: Record<SourceKey, string> = {
  receita_federal_cpf: "nome",
  receita_federal_cnpj: "qsa",
  cnj_mandados_prisao: "mandados",
  ofac_sdn: "matches",
  un_sanctions: "matches",
  eu_sanctions: "matches",
  uk_sanctions: "matches",
  icij_offshore: "matches",
  pep_coaf: "cargo",
  cgu_ceis: "sancoes",
  cgu_cnep: "sancoes",
  cgu_cnc: "sancoes",
  sit_trabalho_escravo: "uf",
  protestos: "cartorios",
  cnj_seeu_processos: "processos",
  trf_processos: "processos",
  tse_doadores: "doacoes",
};

const bytes = (s: string) => new TextEncoder().encode(s).byteLength;

/**
 * The largest answer a provider may give (just under MAX_RESPONSE_BYTES), built
 * to weigh as much as possible once stored: a raw excerpt made of escaped
 * quotes (its JSON doubles), a huge string and a big list under the key the
 * analysis copies, bare CPFs of other people (the redaction lengthens them),
 * a wide object and multi-byte text.
 */
function maximalAnswer(source: SourceKey, invalid: boolean): string {
  const checks = Object.fromEntries(SOURCE_CATALOG[source].checks.map((c, i) => [c, invalid && i === 0 ? "INVALID" : "VALID"]));
  const bulk = BULK_KEY[source];
  const records = Array.from({ length: 400 }, (_, i) => ({ nome: `PESSOA ${i} ${"Ç".repeat(60)}`, score: 0.99, cpf: "11144477735" }));
  const data: Record<string, unknown> = {
    aspas: '"\\'.repeat(3000),
    [bulk]: bulk === "nome" || bulk === "cargo" || bulk === "uf" ? "N".repeat(40_000) : records,
    cpfs: Array.from({ length: 2000 }, () => "11144477735").join(";"),
    largo: Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`campo_${i}`, i])),
    texto: "",
  };
  const body = { status: invalid ? "INVALID" : "VALID", checks, data };
  const room = MAX_RESPONSE_BYTES - bytes(JSON.stringify(body)) - 16;
  expect(room).toBeGreaterThan(1000);
  data.texto = "é".repeat(Math.floor(room / 2));
  const text = JSON.stringify(body);
  expect(bytes(text)).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
  expect(bytes(text)).toBeGreaterThan(MAX_RESPONSE_BYTES - 64);
  return text;
}

beforeEach(() => {
  liveTransport.extraConfig = Object.fromEntries(
    SOURCE_KEYS.flatMap((k) => [
      [`SOURCE_URL_${k.toUpperCase()}`, `${PROVIDER}/${k}`],
      [`SOURCE_TOKEN_${k.toUpperCase()}`, "tok_test"],
    ]),
  );
});
afterEach(() => {
  liveTransport.fetch = (input, init) => fetch(input, init);
  liveTransport.extraConfig = {};
});

describe("stored result size", () => {
  it("every source answering its largest body: the run completes with a decision and its stored result stays under ~1 MiB", async () => {
    // Critical sources answer VALID (an INVALID one would stop the run); every
    // other source is INVALID, so the analysis copies its data into findings.
    const invalid = new Set(TPL_PF_PADRAO.sources.filter((s) => s.phase !== "critical").map((s) => s.source));
    const bodies = new Map(SOURCE_KEYS.map((k) => [k, maximalAnswer(k, invalid.has(k))]));
    const called: string[] = [];
    liveTransport.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const key = new URL(new Request(input as RequestInfo, init as RequestInit).url).pathname.split("/")[1] as SourceKey;
      called.push(key);
      return new Response(bodies.get(key)!, { status: 200, headers: { "content-type": "application/json" } });
    }) as typeof fetch;

    const tenant = await createTenant(100);
    const key = await createKey(tenant.id, "live");
    const res = await createRun(key, { template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25", nome: "Fulano de Tal" } });
    expect(res.status).toBe(202);
    const runId = (await res.json<{ run_id: string }>()).run_id;
    const run = await runToEnd(key, runId);

    expect(run).toMatchObject({ status: "completed", decision: "review", operative_decision: "review", credits_used: 16 });
    expect(run.sources).toHaveLength(16);
    expect(run.sources.every((s: { status: string }) => s.status !== "ERROR")).toBe(true);
    expect(called.sort()).toEqual(TPL_PF_PADRAO.sources.map((s) => s.source).sort());

    const row = await env.DB.prepare("SELECT length(CAST(result AS BLOB)) AS n FROM runs WHERE id = ?").bind(runId).first<{ n: number }>();
    expect(row!.n).toBeGreaterThan(100 * 1024); // the payloads did reach the stored result
    expect(row!.n).toBeLessThan(STORED_RESULT_BOUND);

    // What was kept: the cut data says so, and no other person's CPF is left in clear.
    const detail = await (await call("GET", `/api/v1/bureau/runs/${runId}/detail`, { key })).json<any>();
    const pep = detail.sources.find((s: { source: string }) => s.source === "pep_coaf");
    expect(pep.data._truncated).toBe(true);
    expect(JSON.stringify(detail)).not.toContain("11144477735");
    const analysis = await (await call("GET", `/api/v1/bureau/runs/${runId}/analysis`, { key })).json<any>();
    expect(analysis.analysis.findings.length).toBeGreaterThanOrEqual(10);
  });
});
