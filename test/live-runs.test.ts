// Live runs end to end inside workerd: the run Durable Object talks to scripted
// providers through the live transport seam (the network is never reached).
// Each case checks the run's outcome, what was charged, and the attempts.
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SOURCE_CATALOG, SOURCE_KEYS } from "../src/sources/catalog";
import { liveTransport, resetLiveTransport } from "./helpers/transports";
import { admin, createKey, createRun, createTenant, runToEnd } from "./helpers/api";

const PROVIDER = "https://provider.example.com";

type Behaviour = "valid" | "invalid" | "hang" | "500" | "flaky";

/** A scripted generic-protocol provider for every catalogue source. */
function providers(behaviour: Partial<Record<string, Behaviour>>) {
  const calls: Record<string, number> = {};
  let inFlight = 0;
  let peak = 0;
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input as RequestInfo, init as RequestInit);
    const key = new URL(req.url).pathname.split("/")[1];
    calls[key] = (calls[key] ?? 0) + 1;
    inFlight++;
    peak = Math.max(peak, inFlight);
    try {
      // Let every parallel call start before any answers, so the peak is measured.
      await new Promise((r) => setTimeout(r, 5));
      const mode = behaviour[key] ?? "valid";
      if (mode === "hang") {
        await new Promise((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)));
      }
      if (mode === "500" || (mode === "flaky" && calls[key] === 1)) {
        return new Response(JSON.stringify({ error: "boom" }), { status: 500, headers: { "content-type": "application/json" } });
      }
      const checks = Object.fromEntries(
        SOURCE_CATALOG[key as keyof typeof SOURCE_CATALOG].checks.map((c, i) => [c, mode === "invalid" && i === 0 ? "INVALID" : "VALID"]),
      );
      const body = { status: mode === "invalid" ? "INVALID" : "VALID", checks, data: { fonte: key } };
      return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" } });
    } finally {
      inFlight--;
    }
  }) as typeof fetch;
  return { fetchFn, calls, peak: () => peak };
}

beforeEach(() => {
  liveTransport.extraConfig = Object.fromEntries(
    SOURCE_KEYS.flatMap((k) => [
      [`SOURCE_URL_${k.toUpperCase()}`, `${PROVIDER}/${k}`],
      [`SOURCE_TOKEN_${k.toUpperCase()}`, "tok_test"],
    ]),
  );
});
afterEach(resetLiveTransport);

async function liveRun(behaviour: Partial<Record<string, Behaviour>>, credits = 100) {
  const p = providers(behaviour);
  liveTransport.fetch = p.fetchFn;
  const tenant = await createTenant(credits);
  const key = await createKey(tenant.id, "live");
  const res = await createRun(key, { template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25", nome: "Fulano" } });
  expect(res.status).toBe(202);
  const run = await runToEnd(key, (await res.json<any>()).run_id);
  const balance = (await (await admin("GET", `/tenants/${tenant.id}`)).json<any>()).credits;
  return { run, balance, calls: p.calls, peak: p.peak() };
}

const statusOf = (run: any, source: string) => run.sources.find((s: { source: string }) => s.source === source);

describe("live runs", () => {
  it("all providers answer: completed, one credit per source, unused reservation returned", async () => {
    const { run, balance, calls } = await liveRun({});
    expect(run).toMatchObject({ status: "completed", decision: "approved", livemode: true, credits_used: 16 });
    expect(balance).toBe(100 - 16);
    expect(Object.values(calls).every((n) => n === 1)).toBe(true);
  });

  it("the parallel phase runs in waves of at most 6 simultaneous connections", async () => {
    const { peak, calls } = await liveRun({});
    expect(Object.keys(calls)).toHaveLength(16);
    expect(peak).toBe(6);
  });

  it("a tier-1 source timing out: partial + hold, the errored source is free", async () => {
    const { run, balance } = await liveRun({ cnj_mandados_prisao: "hang" });
    expect(run).toMatchObject({ status: "partial", decision: "approved", operative_decision: "hold", credits_used: 15 });
    expect(statusOf(run, "cnj_mandados_prisao")).toMatchObject({ status: "ERROR", attempts: 2, reason: "Tempo limite de 40 ms excedido." });
    expect(balance).toBe(100 - 15);
  });

  it("every critical source failing: failed, no decision", async () => {
    const critical = { receita_federal_cpf: "500", cnj_mandados_prisao: "500", ofac_sdn: "500", un_sanctions: "500", eu_sanctions: "500", uk_sanctions: "500" } as const;
    const { run, balance } = await liveRun(critical);
    expect(run).toMatchObject({ status: "failed", decision: null, operative_decision: null, risk_band: null });
    expect(run.credits_used).toBe(10); // the 10 parallel sources answered
    expect(balance).toBe(100 - 10);
  });

  it("a retried source is charged once", async () => {
    const { run, balance, calls } = await liveRun({ pep_coaf: "flaky" });
    expect(calls.pep_coaf).toBe(2);
    expect(statusOf(run, "pep_coaf")).toMatchObject({ status: "VALID", attempts: 2 });
    expect(run.credits_used).toBe(16);
    expect(balance).toBe(100 - 16);
  });

  it("a critical block: later sources are neither called nor charged", async () => {
    const { run, balance, calls } = await liveRun({ cnj_mandados_prisao: "invalid" });
    expect(run).toMatchObject({ status: "completed", decision: "rejected", risk_band: "alto", credits_used: 2 });
    expect(Object.keys(calls).sort()).toEqual(["cnj_mandados_prisao", "receita_federal_cpf"]);
    expect(balance).toBe(100 - 2);
  });

  it("billing: credits below the template's source count → 402; the balance never goes below zero under a race", async () => {
    const tenant = await createTenant(40); // enough for 2 runs of 16 sources, not 3
    const key = await createKey(tenant.id, "live");
    liveTransport.fetch = providers({}).fetchFn;
    const body = { template_id: "tpl_pf_padrao", parametros: { cpf: "529.982.247-25" } };
    const responses = await Promise.all(Array.from({ length: 8 }, () => createRun(key, body)));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 202, 402, 402, 402, 402, 402, 402]);
    const err = await responses.find((r) => r.status === 402)!.json<any>();
    expect(err.error).toMatchObject({ type: "billing_error", code: "billing_suspended" });
    const balance = (await (await admin("GET", `/tenants/${tenant.id}`)).json<any>()).credits;
    expect(balance).toBe(40 - 32);
    const row = await env.DB.prepare("SELECT min(credits) AS c FROM tenants WHERE id = ?").bind(tenant.id).first<{ c: number }>();
    expect(row!.c).toBeGreaterThanOrEqual(0);
  });
});
