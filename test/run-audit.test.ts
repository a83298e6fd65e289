// A run records the API key that created it (issue 8): on the D1 row and on
// GET /runs/{id}/detail, where an auditor looks.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin, call, createRun, createTenant, pfBody, runToEnd } from "./helpers/api";

async function keyOf(tenantId: string, name: string) {
  const res = await admin("POST", `/tenants/${tenantId}/api-keys`, {
    name,
    environment: "test",
    scopes: ["runs:write", "runs:read", "detail:read"],
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; key: string };
}

describe("key_id: the key behind a run", () => {
  it("each run carries the key that created it, in D1 and on /detail", async () => {
    const tenant = await createTenant();
    const [a, b] = [await keyOf(tenant.id, "integração A"), await keyOf(tenant.id, "integração B")];
    const runs: Record<string, string> = {};
    for (const k of [a, b]) {
      const res = await createRun(k.key, pfBody());
      expect(res.status).toBe(202);
      runs[k.id] = ((await res.json()) as { run_id: string }).run_id;
    }
    for (const [keyId, runId] of Object.entries(runs)) {
      const row = await env.DB.prepare("SELECT key_id FROM runs WHERE id = ?").bind(runId).first<{ key_id: string }>();
      expect(row?.key_id).toBe(keyId);
      await runToEnd(a.key, runId);
      // Any key of the tenant reads it; the run still names the one that created it.
      const detail = await call("GET", `/api/v1/bureau/runs/${runId}/detail`, { key: a.key });
      expect(detail.status).toBe(200);
      expect(((await detail.json()) as { key_id: string }).key_id).toBe(keyId);
    }
  });

  it("partner runs carry their company's key", async () => {
    const tenant = await createTenant();
    const k = await keyOf(tenant.id, "integração PJ");
    const res = await createRun(k.key, { template_id: "tpl_pj_padrao", parametros: { cnpj: "00.000.000/0001-91" } });
    expect(res.status).toBe(202);
    const { run_id } = (await res.json()) as { run_id: string };
    await runDurableObjectAlarm(env.RUN.get(env.RUN.idFromName(run_id))); // the company's sources, then its partner runs
    const rows = (await env.DB.prepare("SELECT id, key_id, parent_run_id FROM runs WHERE id = ? OR parent_run_id = ?").bind(run_id, run_id).all<Record<string, string>>()).results;
    expect(rows.filter((r) => r.parent_run_id === run_id)).toHaveLength(2);
    for (const r of rows) expect(r.key_id, r.id).toBe(k.id);
  });
});
