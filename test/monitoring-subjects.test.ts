// Monitored subjects (contract §17): enrol, update by document, list, get, stop;
// scopes, tenant isolation, the error envelope, and what is kept of a CPF.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createKey, expectError } from "./helpers/api";
import { drainMonitoring, enrol, enrolOk, monitoringTenant, takeSent } from "./helpers/monitoring";

const S = "/api/v1/monitoring/subjects";
const CPF = "529.982.247-25";
const CPF_DIGITS = "52998224725";

describe("monitored subjects", () => {
  it("POST enrols (201), the same document again updates it (200, same id); the answer masks the CPF", async () => {
    const { key } = await monitoringTenant();
    const res = await enrol(key, { document: CPF, name: "Maria da Silva Souza", birth_date: "1980-05-17", nationality: "br", gender: "F", external_id: "cliente-42" });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Record<string, any>;
    expect(created).toMatchObject({
      object: "monitored_subject",
      document: "***.982.247-**",
      name: "Maria da Silva Souza",
      birth_date: "1980-05-17",
      nationality: "BR",
      gender: "F",
      external_id: "cliente-42",
      status: "active",
      last_screened_at: null,
      open_alerts: 0,
      livemode: false,
    });
    expect(created.id).toMatch(/^mon_[0-9A-Z]{26}$/);
    expect(created.lists).toContain("un_sc");
    // Its first screening is queued at once.
    expect(takeSent()).toEqual([{ t: "screen", job: null, batch: expect.any(String), subjects: [created.id] }]);

    const again = await enrol(key, { document: "52998224725", name: "Maria da Silva Souza Lima", lists: ["un_sc", "ofac_sdn"] });
    expect(again.status).toBe(200);
    const updated = (await again.json()) as Record<string, any>;
    expect(updated).toMatchObject({ id: created.id, name: "Maria da Silva Souza Lima", external_id: "cliente-42", lists: ["ofac_sdn", "un_sc"] });
    await drainMonitoring();
  });

  it("keeps no clear CPF at rest: a keyed hash and the six digits masked lists show", async () => {
    const { key } = await monitoringTenant();
    const s = await enrolOk(key, { document: CPF, name: "Joana Prado" });
    const row = await env.DB.prepare("SELECT * FROM monitored_subjects WHERE id = ?").bind(s.id).first<Record<string, unknown>>();
    expect(Object.values(row!).map(String).join("|")).not.toContain(CPF_DIGITS);
    expect(row).toMatchObject({ cpf_visible: "982247", cnpj: null, doc_masked: "***.982.247-**" });
    expect(String(row!.doc_hash)).toMatch(/^[0-9a-f]{64}$/);
    // Nor in a queued message.
    expect(JSON.stringify(takeSent())).not.toContain(CPF_DIGITS);
  });

  it("a CNPJ is a public registry id: kept in full with its root", async () => {
    const { key } = await monitoringTenant();
    const s = await enrolOk(key, { document: "11.222.333/0001-81", name: "Empresa Exemplo Ltda" });
    expect(s.document).toBe("11.222.333/0001-81");
    const row = await env.DB.prepare("SELECT cnpj, cnpj_root, cpf_visible FROM monitored_subjects WHERE id = ?").bind(s.id).first();
    expect(row).toEqual({ cnpj: "11222333000181", cnpj_root: "11222333", cpf_visible: null });
    takeSent();
  });

  it("GET one, GET the list newest first with filters and a cursor; another tenant's id is a 404", async () => {
    const { tenant, key } = await monitoringTenant();
    const a = await enrolOk(key, { document: CPF, name: "Ana Um", external_id: "x-1" });
    const b = await enrolOk(key, { document: "111.444.777-35", name: "Bruno Dois", external_id: "x-2" });
    const c = await enrolOk(key, { document: "11.222.333/0001-81", name: "Empresa Tres" });
    takeSent();
    const one = await call("GET", `${S}/${a.id}`, { key });
    expect(one.status).toBe(200);
    expect(((await one.json()) as { id: string }).id).toBe(a.id);

    const page1 = (await (await call("GET", `${S}?limit=2`, { key })).json()) as Record<string, any>;
    expect(page1.data.map((s: { id: string }) => s.id)).toEqual([c.id, b.id]);
    expect(page1).toMatchObject({ object: "list", has_more: true, livemode: false });
    const page2 = (await (await call("GET", `${S}?limit=2&cursor=${page1.next_cursor}`, { key })).json()) as Record<string, any>;
    expect(page2.data.map((s: { id: string }) => s.id)).toEqual([a.id]);
    expect(page2.has_more).toBe(false);
    const byExternal = (await (await call("GET", `${S}?external_id=x-2`, { key })).json()) as Record<string, any>;
    expect(byExternal.data.map((s: { id: string }) => s.id)).toEqual([b.id]);

    const other = await monitoringTenant();
    await expectError(await call("GET", `${S}/${a.id}`, { key: other.key }), { status: 404, code: "monitored_subject_not_found" });
    await expectError(await call("DELETE", `${S}/${a.id}`, { key: other.key }), { status: 404, code: "monitored_subject_not_found" });
    expect(((await (await call("GET", S, { key: other.key })).json()) as { data: unknown[] }).data).toEqual([]);
    // A live key of the same tenant sees none of the sandbox's subjects.
    const live = await createKey(tenant.id, "live", ["monitoring:read"]);
    await expectError(await call("GET", `${S}/${a.id}`, { key: live }), { status: 404, code: "monitored_subject_not_found" });
  });

  it("DELETE stops the subject (kept, status stopped); stopping again changes nothing; enrolling again reactivates it", async () => {
    const { key } = await monitoringTenant();
    const s = await enrolOk(key, { document: CPF, name: "Carla Tres" });
    await drainMonitoring();
    const res = await call("DELETE", `${S}/${s.id}`, { key });
    expect(res.status).toBe(200);
    const stopped = (await res.json()) as Record<string, any>;
    expect(stopped).toMatchObject({ id: s.id, status: "stopped", name: "Carla Tres" });
    expect(stopped.stopped_at).toEqual(expect.any(String));
    const again = (await (await call("DELETE", `${S}/${s.id}`, { key })).json()) as Record<string, any>;
    expect(again.stopped_at).toBe(stopped.stopped_at);
    expect(((await (await call("GET", `${S}?status=stopped`, { key })).json()) as { data: { id: string }[] }).data.map((x) => x.id)).toEqual([s.id]);
    const back = await enrol(key, { document: CPF, name: "Carla Tres" });
    expect(back.status).toBe(200);
    expect(await back.json()).toMatchObject({ id: s.id, status: "active", stopped_at: null });
    takeSent();
  });

  it("scopes: monitoring:write to enrol and stop, monitoring:read to read (403 names the scope)", async () => {
    const { tenant } = await monitoringTenant();
    const reader = await createKey(tenant.id, "test", ["monitoring:read"]);
    const none = await createKey(tenant.id, "test", ["runs:read"]);
    const res = await enrol(reader, { document: CPF, name: "X Y" });
    const body = await expectError(res, { status: 403, code: "insufficient_scope" });
    expect(body.message).toContain("monitoring:write");
    await expectError(await call("DELETE", `${S}/mon_x`, { key: reader }), { status: 403, code: "insufficient_scope" });
    await expectError(await call("GET", S, { key: none }), { status: 403, code: "insufficient_scope" });
    expect((await call("GET", S, { key: reader })).status).toBe(200);
  });

  it("bad input answers in the envelope, never a 500", async () => {
    const { key } = await monitoringTenant();
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ document: "529.982.247-24", name: "X Y" }, 400, "invalid_document", "document"],
      [{ document: "123", name: "X Y" }, 400, "invalid_document", "document"],
      [{ name: "X Y" }, 400, "missing_document", "document"],
      [{ document: CPF }, 400, "invalid_request", "name"],
      [{ document: CPF, name: "X Y", birth_date: "2199-01-01" }, 400, "invalid_request", "birth_date"],
      [{ document: CPF, name: "X Y", birth_date: "1980-02-30" }, 400, "invalid_request", "birth_date"],
      [{ document: CPF, name: "X Y", nationality: "Brasil" }, 400, "invalid_request", "nationality"],
      [{ document: CPF, name: "X Y", lists: ["nope"] }, 400, "invalid_request", "lists[0]"],
      [{ document: CPF, name: "X Y", surprise: 1 }, 400, "unknown_parameter", ""],
      [{ document: "11.222.333/0001-81", name: "Empresa", birth_date: "1990" }, 400, "invalid_request", "birth_date"],
    ];
    for (const [body, status, code, param] of cases) {
      const err = await expectError(await enrol(key, body), { status, code });
      if (param) expect(err.param, JSON.stringify(body)).toBe(param);
    }
    await expectError(await call("POST", S, { key, rawBody: "{", headers: { "content-type": "application/json" } }), { status: 400, code: "invalid_json" });
    await expectError(await call("GET", `${S}?limit=0`, { key }), { status: 400, code: "invalid_limit" });
    await expectError(await call("GET", `${S}?cursor=abc`, { key }), { status: 400, code: "invalid_cursor" });
    await expectError(await call("GET", `${S}?status=nope`, { key }), { status: 400, code: "invalid_status" });
    await expectError(await call("GET", `${S}?nope=1`, { key }), { status: 400, code: "unknown_parameter" });
    expect(takeSent()).toEqual([]);
  });

  it("the sandbox's fixed test documents are accepted with test keys only, as in runs", async () => {
    const { tenant, key } = await monitoringTenant();
    expect((await enrol(key, { document: "000.000.004-53", name: "Pessoa Sandbox" })).status).toBe(201);
    const live = await createKey(tenant.id, "live", ["monitoring:write"]);
    const err = await expectError(await enrol(live, { document: "000.000.004-53", name: "Pessoa Sandbox" }), { status: 400, code: "invalid_document" });
    expect(err.param).toBe("document");
    takeSent();
  });
});
