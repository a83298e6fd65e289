// external_id and metadata read the same on every endpoint that shows a run:
// the 202 of POST /runs and its replay, GET /runs/{id} while pending (202) and
// once terminal (200), list items in both states, /analysis and /detail (202
// and 200), the webhook actually delivered, GET /events/{id}, and the report
// generated from the stored run. Unicode, an empty metadata object and no
// metadata at all included. Contract §3: external_id is "echoed everywhere".
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createHeldRun, createRun, holdRun, runToEnd, sandboxTenant } from "./helpers/api";
import { scriptedFetch, type ScriptedFetch } from "./helpers/scripted-fetch";
import { networkDisabled, setWebhookTransportForTests } from "./helpers/transports";

const HOOK = "https://hooks.example.com/kycert-echo";
const CPF_APPROVED = "000.000.001-91";

interface Case {
  name: string;
  extra: { external_id?: string; metadata?: Record<string, string> };
  externalId: string | null;
  metadata: Record<string, string>;
}

const CASES: Case[] = [
  {
    name: "unicode external_id and metadata (accents, emoji, CJK, an empty value, a key with spaces)",
    extra: {
      external_id: "pedido-Ω-42 ✓ São Paulo",
      metadata: { canal: "app", cliente: "José Ünïcode 🚀", "nota interna": "", 日本: "東京", aspas: 'a "b" \\ c' },
    },
    externalId: "pedido-Ω-42 ✓ São Paulo",
    metadata: { canal: "app", cliente: "José Ünïcode 🚀", "nota interna": "", 日本: "東京", aspas: 'a "b" \\ c' },
  },
  { name: "an empty metadata object and no external_id", extra: { metadata: {} }, externalId: null, metadata: {} },
  { name: "external_id at 255 characters, no metadata", extra: { external_id: "é".repeat(255) }, externalId: "é".repeat(255), metadata: {} },
];

let net: ScriptedFetch;
let key: string;

beforeAll(async () => {
  ({ key } = await sandboxTenant());
  net = scriptedFetch();
  net.on(HOOK, () => new Response(null, { status: 200 }));
  // The first attempt is held: the test drives the delivery alarm itself.
  setWebhookTransportForTests({ fetch: net.fetch, firstAttemptDelayMs: 3_600_000, random: () => 0.5 });
});

afterAll(() => {
  setWebhookTransportForTests({ fetch: networkDisabled("webhook"), firstAttemptDelayMs: 3_600_000 });
});

const get = async (path: string, status: number) => {
  const res = await call("GET", `/api/v1/bureau${path}`, { key });
  const text = await res.text();
  expect(res.status, `${path}: ${text}`).toBe(status);
  return JSON.parse(text) as Record<string, any>;
};

const listItem = async (runId: string, externalId: string | null) => {
  const q = externalId ? `?external_id=${encodeURIComponent(externalId)}&limit=100` : "?limit=100";
  const page = await get(`/runs${q}`, 200);
  const item = (page.data as Record<string, any>[]).find((r) => r.id === runId);
  expect(item, `run ${runId} in the list`).toBeDefined();
  return item!;
};

describe.each(CASES)("external_id and metadata: $name", (c) => {
  const flags = c.externalId ? { external_id: c.externalId } : {};
  /** Where each endpoint carries the pair; every one must equal what the client sent. */
  const seen: [string, unknown, unknown][] = [];
  const pair = (where: string, o: Record<string, any>) => seen.push([where, o.external_id, o.metadata]);

  it("is the same on every endpoint, pending and terminal", async () => {
    const body = { template_id: "tpl_pf_padrao", parametros: { cpf: CPF_APPROVED }, webhook_url: HOOK, ...c.extra };
    const idem = { "Idempotency-Key": `echo-${crypto.randomUUID()}` };

    // Created and held in `queued`, so the pending views can be read.
    const res = await createRun(key, body, idem);
    expect(res.status).toBe(202);
    const created = (await res.json()) as Record<string, any>;
    const runId = created.run_id as string;
    pair("POST /runs (202)", created);
    await holdRun(runId);

    const replay = await createRun(key, body, idem);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    pair("POST /runs replay (202)", await replay.json());

    pair("GET /runs/{id} pending (202)", await get(`/runs/${runId}`, 202));
    pair("GET /runs/{id}/analysis pending (202)", await get(`/runs/${runId}/analysis`, 202));
    pair("GET /runs/{id}/detail pending (202)", await get(`/runs/${runId}/detail`, 202));
    const pendingItem = await listItem(runId, c.externalId);
    pair("GET /runs item (pending)", pendingItem);
    expect(pendingItem.flags, "list item flags (pending)").toEqual(flags);

    const run = await runToEnd(key, runId);
    expect(run.status).toBe("completed");
    pair("GET /runs/{id} (200)", run);
    expect(run.flags, "run flags").toEqual(flags);
    const item = await listItem(runId, c.externalId);
    pair("GET /runs item (terminal)", item);
    expect(item.flags, "list item flags (terminal)").toEqual(flags);
    pair("GET /runs/{id}/analysis (200)", await get(`/runs/${runId}/analysis`, 200));
    pair("GET /runs/{id}/detail (200)", await get(`/runs/${runId}/detail`, 200));

    // The webhook: the event as stored and shown, and the request actually delivered.
    const events = (await env.DB.prepare("SELECT id FROM webhook_events WHERE run_id = ?").bind(runId).all<{ id: string }>()).results;
    expect(events).toHaveLength(1);
    const event = await get(`/events/${events[0].id}`, 200);
    pair("GET /events/{id} data.object", event.data.object);
    expect(event.data.object.flags).toEqual(flags);
    const before = net.calls.length;
    await runDurableObjectAlarm(env.WEBHOOKS.get(env.WEBHOOKS.idFromName(`${events[0].id}|webhook_url`)));
    expect(net.calls.length).toBe(before + 1);
    const delivered = JSON.parse(net.calls[before].body!) as Record<string, any>;
    pair("webhook delivered data.object", delivered.data.object);
    expect(delivered.data.object.flags).toEqual(flags);

    // The report renders the stored run (the 200 body above) and must accept any Unicode in it.
    const report = await call("POST", `/api/v1/bureau/runs/${runId}/report?mode=completo`, { key });
    expect(report.status, await report.clone().text()).toBe(201);

    for (const [where, externalId, metadata] of seen) {
      expect(externalId, `${where}: external_id`).toEqual(c.externalId);
      expect(metadata, `${where}: metadata`).toEqual(c.metadata);
    }
    expect(seen.map(([w]) => w)).toHaveLength(12);
  });
});

describe("a run with neither field", () => {
  it("reads external_id null, flags {} and metadata {} pending and terminal", async () => {
    const created = await createHeldRun(key, { template_id: "tpl_pf_padrao", parametros: { cpf: CPF_APPROVED } });
    expect(created).toMatchObject({ external_id: null, metadata: {} });
    expect(await get(`/runs/${created.run_id}`, 202)).toMatchObject({ external_id: null, metadata: {} });
    const run = await runToEnd(key, created.run_id);
    expect(run).toMatchObject({ external_id: null, flags: {}, metadata: {} });
    expect(await get(`/runs/${created.run_id}/analysis`, 200)).toMatchObject({ external_id: null, metadata: {} });
    expect(await get(`/runs/${created.run_id}/detail`, 200)).toMatchObject({ external_id: null, metadata: {} });
  });
});
