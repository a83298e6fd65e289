// insertRunReserving: the run row and its credit reservation (and, for API
// runs, the idempotency claim) are written together or not at all. Partner
// runs use it without a claim.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../src/db/client";
import { insertRunReserving } from "../src/db/queries/runs";
import { TPL_PF_PADRAO } from "../src/domain/standard-templates";
import { newId } from "../src/lib/ids";
import { newRunRow } from "../src/runs/records";
import { admin, createTenant } from "./helpers/api";

const db = () => createDb(env.DB);
const credits = async (tenantId: string) => ((await (await admin("GET", `/tenants/${tenantId}`)).json()) as { credits: number }).credits;
const rowOf = (id: string) => env.DB.prepare("SELECT * FROM runs WHERE id = ?").bind(id).first<Record<string, any>>();

function liveRow(tenantId: string, parentRunId: string | null = null) {
  const now = new Date();
  return newRunRow({
    id: newId("run", now.getTime()),
    tenantId,
    livemode: true,
    keyId: "key_parent",
    template: TPL_PF_PADRAO,
    document: "52998224725",
    parentRunId,
    externalId: null,
    metadata: {},
    webhookUrl: null,
    createdAt: now.toISOString(),
  });
}

describe("insertRunReserving without a claim (partner runs)", () => {
  it("created: the row as built by newRunRow, and exactly its reservation taken", async () => {
    const tenant = await createTenant(20);
    const row = liveRow(tenant.id, "run_parent");
    expect(row.creditsReserved).toBe(16);
    expect(await insertRunReserving(db(), row, row.creditsReserved)).toBe("created");
    expect(await credits(tenant.id)).toBe(4);
    expect(await rowOf(row.id)).toMatchObject({
      status: "queued",
      parent_run_id: "run_parent",
      key_id: "key_parent",
      credits_reserved: 16,
      credits_used: 0,
      credits_settled: 0,
      document_masked: "***.982.247-**",
      livemode: 1,
    });
  });

  it("insufficient_credits: no row, nothing taken", async () => {
    const tenant = await createTenant(15);
    const row = liveRow(tenant.id, "run_parent");
    expect(await insertRunReserving(db(), row, row.creditsReserved)).toBe("insufficient_credits");
    expect(await rowOf(row.id)).toBeNull();
    expect(await credits(tenant.id)).toBe(15);
  });

  it("a suspended tenant gets no run either", async () => {
    const tenant = await createTenant(100);
    expect((await admin("PATCH", `/tenants/${tenant.id}`, { status: "suspended" })).status).toBe(200);
    const row = liveRow(tenant.id);
    expect(await insertRunReserving(db(), row, row.creditsReserved)).toBe("tenant_suspended");
    expect(await rowOf(row.id)).toBeNull();
    expect(await credits(tenant.id)).toBe(100);
  });
});

describe("insertRunReserving with a claim", () => {
  const claimFor = (row: ReturnType<typeof liveRow>, keyHash: string) => ({
    keyHash,
    tenantId: row.tenantId,
    livemode: true,
    fingerprint: "fp",
    runId: row.id,
    createdAt: row.createdAt,
    expiresAt: new Date(Date.parse(row.createdAt) + 86_400_000).toISOString(),
  });

  it("claim_taken: a second run with the key writes nothing and takes nothing", async () => {
    const tenant = await createTenant(100);
    const first = liveRow(tenant.id);
    const keyHash = `kh-${first.id}`;
    expect(await insertRunReserving(db(), first, 16, claimFor(first, keyHash))).toBe("created");
    const second = liveRow(tenant.id);
    expect(await insertRunReserving(db(), second, 16, claimFor(second, keyHash))).toBe("claim_taken");
    expect(await rowOf(second.id)).toBeNull();
    expect(await credits(tenant.id)).toBe(84);
  });

  it("an expired claim gives the key to the new run", async () => {
    const tenant = await createTenant(100);
    const first = liveRow(tenant.id);
    const keyHash = `kh-${first.id}`;
    expect(await insertRunReserving(db(), first, 16, { ...claimFor(first, keyHash), expiresAt: new Date(Date.now() - 1000).toISOString() })).toBe("created");
    const second = liveRow(tenant.id);
    expect(await insertRunReserving(db(), second, 16, claimFor(second, keyHash))).toBe("created");
    const claim = await env.DB.prepare("SELECT run_id FROM idempotency_keys WHERE key_hash = ?").bind(keyHash).first<{ run_id: string }>();
    expect(claim?.run_id).toBe(second.id);
  });
});
