// Name-screened sources (sanctions lists, PEP, ICIJ) never answer for a
// subject without a name: the executor ends them in ERROR without calling the
// adapter, for live and sandbox sources alike (issue 8, "Names reach the
// sanctions sources").
import { describe, expect, it } from "vitest";
import type { SourceKey, Subject, TemplateSource } from "../src/domain/types";
import type { SourceAdapter } from "../src/sources/adapter";
import { executeSource, type ExecutionPolicy } from "../src/runs/executor";
import { NAME_SCREENED_SOURCES, SOURCE_CATALOG, SOURCE_KEYS } from "../src/sources/catalog";
import { createLiveAdapterResolver } from "../src/sources/live/index";
import { createSandboxAdapter } from "../src/sources/sandbox";
import { createKey, createRun, createTenant, runToEnd } from "./helpers/api";
import { jsonResponse, scriptedFetch } from "./helpers/scripted-fetch";
import { liveTransport, resetLiveTransport } from "./helpers/transports";

const REASON = "Nome do titular indisponível.";
const NAME_SOURCES: SourceKey[] = ["ofac_sdn", "un_sanctions", "eu_sanctions", "uk_sanctions", "pep_coaf", "icij_offshore"];

const PF_NO_NAME: Subject = { type: "pf", document: "52998224725" };
const PF_BLANK_NAME: Subject = { type: "pf", document: "52998224725", name: "   " };
const PF_NAMED: Subject = { type: "pf", document: "52998224725", name: "José da Silva" };
const PJ_NO_NAME: Subject = { type: "pj", document: "11222333000181" };

const entry = (source: SourceKey): TemplateSource => ({
  source,
  phase: "critical",
  on_hit: "block",
  tier: SOURCE_CATALOG[source].tier,
  weight: 50,
  timeout_ms: 500,
});

const policy = (): ExecutionPolicy => ({ maxAttempts: 2, retryBaseMs: 1, maxTimeoutMs: 1_000, deadlineAt: Date.now() + 2_000 });

/** Live adapters of every source against one scripted generic-protocol provider answering VALID. */
function live() {
  const env = Object.fromEntries(
    SOURCE_KEYS.flatMap((k) => [
      [`SOURCE_URL_${k.toUpperCase()}`, `https://provider.test/${k}`],
      [`SOURCE_TOKEN_${k.toUpperCase()}`, "tok"],
    ]),
  );
  const f = scriptedFetch();
  for (const k of SOURCE_KEYS) {
    const checks = Object.fromEntries(SOURCE_CATALOG[k].checks.map((c) => [c, "VALID"]));
    f.on(`https://provider.test/${k}/v1/check`, jsonResponse({ status: "VALID", checks, data: {} }));
  }
  const resolver = createLiveAdapterResolver(env, f.fetch);
  return { f, adapter: (k: SourceKey) => resolver(SOURCE_CATALOG[k]) };
}

/** The sandbox adapter, counting the queries that reach it. */
function sandbox() {
  const inner = createSandboxAdapter({ latencyFactor: 0 });
  const queried: SourceKey[] = [];
  const adapter: SourceAdapter = {
    query: (req) => {
      queried.push(req.source.key);
      return inner.query(req);
    },
  };
  return { queried, adapter };
}

async function exec(source: SourceKey, subject: Subject, adapter: SourceAdapter) {
  const attempts: number[] = [];
  const result = await executeSource(entry(source), subject, adapter, policy(), { onAttempt: (n) => attempts.push(n) });
  return { result, attempts };
}

describe("name-screened sources without a subject name", () => {
  it("the catalogue marks exactly the name-screened sources", () => {
    expect([...NAME_SCREENED_SOURCES].sort()).toEqual([...NAME_SOURCES].sort());
  });

  for (const source of NAME_SOURCES) {
    it(`${source} (live): ERROR "${REASON}" with no name or a blank one, no call to the provider; called with a name`, async () => {
      const { f, adapter } = live();
      for (const subject of [PF_NO_NAME, PF_BLANK_NAME]) {
        const { result, attempts } = await exec(source, subject, adapter(source));
        expect(result).toMatchObject({ source, status: "ERROR", reason: REASON, checks: {}, attempts: 0 });
        expect(result).not.toHaveProperty("data");
        expect(attempts).toEqual([]);
      }
      expect(f.calls).toHaveLength(0);

      const named = await exec(source, PF_NAMED, adapter(source));
      expect(named.result).toMatchObject({ status: "VALID", attempts: 1 });
      expect(f.calls).toHaveLength(1);
      expect(JSON.parse(f.calls[0].body!).subject.name).toBe("José da Silva");
    });

    it(`${source} (sandbox): ERROR "${REASON}" without a name, never VALID, the adapter never queried`, async () => {
      const { queried, adapter } = sandbox();
      // 000.000.001-91 is the clean sandbox CPF: with a name every source answers VALID.
      const subject: Subject = { type: "pf", document: "00000000191" };
      const { result, attempts } = await exec(source, subject, adapter);
      expect(result).toMatchObject({ source, status: "ERROR", reason: REASON, attempts: 0 });
      expect(attempts).toEqual([]);
      expect(queried).toEqual([]);

      const named = await exec(source, { ...subject, name: "Maria Souza" }, adapter);
      expect(named.result.status).toBe("VALID");
      expect(queried).toEqual([source]);
    });
  }

  it("a company without a name is not screened either (live OFAC); PEP still says it does not apply to companies", async () => {
    const { f, adapter } = live();
    expect((await exec("ofac_sdn", PJ_NO_NAME, adapter("ofac_sdn"))).result).toMatchObject({ status: "ERROR", reason: REASON, attempts: 0 });
    expect((await exec("pep_coaf", PJ_NO_NAME, adapter("pep_coaf"))).result).toMatchObject({
      status: "ERROR",
      reason: "Fonte não se aplica a pessoa jurídica.",
    });
    expect(f.calls).toHaveLength(0);
  });

  it("document-based sources do not need a name", async () => {
    const { f, adapter } = live();
    for (const source of ["receita_federal_cpf", "cnj_mandados_prisao", "protestos", "cgu_ceis"] as const) {
      expect((await exec(source, PF_NO_NAME, adapter(source))).result).toMatchObject({ status: "VALID", attempts: 1 });
    }
    expect(f.calls).toHaveLength(4);
  });
});

describe("names reach the sanctions sources through a run", () => {
  it("a live PF run without `nome`: every source after receita_federal_cpf screens the name Receita returned", async () => {
    const seen: Record<string, string | undefined> = {};
    liveTransport.extraConfig = Object.fromEntries(
      SOURCE_KEYS.flatMap((k) => [
        [`SOURCE_URL_${k.toUpperCase()}`, `https://provider.test/${k}`],
        [`SOURCE_TOKEN_${k.toUpperCase()}`, "tok"],
      ]),
    );
    liveTransport.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(input as RequestInfo, init as RequestInit);
      const key = new URL(req.url).pathname.split("/")[1] as SourceKey;
      const body = (await req.json()) as { subject: { name?: string } };
      seen[key] = body.subject.name;
      const checks = Object.fromEntries(SOURCE_CATALOG[key].checks.filter((c) => c !== "nome_confere").map((c) => [c, "VALID"]));
      const data = key === "receita_federal_cpf" ? { nome: "MARIA DA SILVA SANTOS" } : {};
      return new Response(JSON.stringify({ status: "VALID", checks, data }), { status: 200, headers: { "content-type": "application/json" } });
    }) as typeof fetch;
    try {
      const tenant = await createTenant(100);
      const key = await createKey(tenant.id, "live");
      const res = await createRun(key, { template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25" } });
      const run = await runToEnd(key, (await res.json<{ run_id: string }>()).run_id);
      expect(run).toMatchObject({ status: "completed", decision: "approved" });
      expect(seen.receita_federal_cpf).toBeUndefined(); // the request gave none
      for (const source of NAME_SOURCES) expect(seen[source], source).toBe("MARIA DA SILVA SANTOS");
      expect(run.sources.filter((s: { status: string }) => s.status === "ERROR")).toEqual([]);
    } finally {
      resetLiveTransport();
    }
  });
});
