// Bulk enrolment (contract §17): POST /api/v1/monitoring/imports with a CSV,
// streamed to R2, then enrolled in checkpointed queue steps.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { cpfCheckDigits } from "../src/domain/documents";
import { handleImport, STEP_BYTES } from "../src/monitoring/imports";
import { call, createKey, expectError } from "./helpers/api";
import { alertsOf, drainMonitoring, freshCpf, monitoringEnv, monitoringTenant, publishVersion, takeSent } from "./helpers/monitoring";
import { listed } from "./helpers/screening-seed";

const I = "/api/v1/monitoring/imports";

async function postCsv(key: string, body: BodyInit, contentType = "text/csv"): Promise<Response> {
  return exports.default.fetch(new Request(`https://api.kycert.test${I}`, { method: "POST", headers: { "X-API-Key": key, "content-type": contentType }, body }));
}

async function importOk(key: string, body: BodyInit, contentType?: string): Promise<Record<string, any>> {
  const res = await postCsv(key, body, contentType);
  const text = await res.text();
  expect(res.status, text).toBe(202);
  return JSON.parse(text);
}

const getImport = async (key: string, id: string) => (await (await call("GET", `${I}/${id}`, { key })).json()) as Record<string, any>;
const errorsOf = async (key: string, id: string) => {
  const res = await call("GET", `${I}/${id}/errors`, { key });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
  return res.text();
};
const subjectCount = async (tenantId: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM monitored_subjects WHERE tenant_id = ?").bind(tenantId).first<{ n: number }>())!.n;

/** A stream of `chunk` repeated `times` times (never the whole body in memory). */
const repeated = (chunk: Uint8Array, times: number, head: Uint8Array = new Uint8Array(0)) => {
  let i = -1;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (i++ < 0) return c.enqueue(head);
      if (i > times) return c.close();
      c.enqueue(chunk);
    },
  });
};

describe("imports", () => {
  it("each bad row is rejected with its line and reason (document masked); the good ones are enrolled and screened; the import completes", async () => {
    const { tenant, key } = await monitoringTenant();
    const [ok1, ok2, d3, d4, d5, d6] = [freshCpf(), freshCpf(), freshCpf(), freshCpf(), freshCpf(), freshCpf()];
    const csv = [
      "document,name,birth_date,nationality,gender,external_id",
      `${ok1},Ana Maria Souza,1980-01-02,BR,F,c-2`,
      "529.982.247-24,Digitos Errados,,,,c-3",
      "12345,Documento Curto,,,,c-4",
      `${d3},,,,,c-5`,
      `${d4},Data Ruim,1980-13-01,,,c-6`,
      `${d5},Pais Ruim,,Brasil,,c-7`,
      `${d6},Genero Ruim,,,X,c-8`,
      `${ok1},Repetida,,,,c-9`,
      "",
      `"${ok2}","Quoted, ""Name"" Here",15/04/1975,,,c-11`,
    ].join("\r\n");
    const created = await importOk(key, csv);
    expect(created).toMatchObject({ object: "monitoring_import", status: "processing", rows_total: 9, rows_enrolled: 0, rows_rejected: 0, livemode: false });
    expect(created.id).toMatch(/^imp_/);
    await drainMonitoring();
    const done = await getImport(key, created.id);
    expect(done).toMatchObject({ status: "completed", rows_total: 9, rows_enrolled: 2, rows_updated: 0, rows_rejected: 7, alerts_opened: 0 });
    expect(await subjectCount(tenant.id)).toBe(2);
    const errors = (await errorsOf(key, created.id)).trim().split("\n");
    expect(errors[0]).toBe("line,external_id,document,reason");
    expect(errors.slice(1)).toEqual([
      "3,c-3,***.982.247-**,document: CPF com dígitos verificadores inválidos.",
      "4,c-4,(5 caracteres),document: documento deve ser um CPF (11 dígitos) ou um CNPJ (14 caracteres); recebido: 5 caracteres",
      `5,c-5,***.${d3.slice(3, 6)}.${d3.slice(6, 9)}-**,name: nome ausente`,
      `6,c-6,***.${d4.slice(3, 6)}.${d4.slice(6, 9)}-**,"birth_date: data de nascimento inválida (AAAA, AAAA-MM, AAAA-MM-DD ou DD/MM/AAAA, não futura)"`,
      `7,c-7,***.${d5.slice(3, 6)}.${d5.slice(6, 9)}-**,nationality: nacionalidade deve ser um código ISO 3166-1 alfa-2 (ex.: BR)`,
      `8,c-8,***.${d6.slice(3, 6)}.${d6.slice(6, 9)}-**,gender: gênero deve ser M ou F`,
      `9,c-9,***.${ok1.slice(3, 6)}.${ok1.slice(6, 9)}-**,documento repetido no arquivo (primeira vez na linha 2)`,
    ]);
    const subjects = ((await (await call("GET", "/api/v1/monitoring/subjects", { key })).json()) as { data: Record<string, any>[] }).data;
    expect(subjects.map((s) => [s.name, s.birth_date, s.external_id]).sort()).toEqual([
      ["Ana Maria Souza", "1980-01-02", "c-2"],
      ['Quoted, "Name" Here', "1975-04-15", "c-11"],
    ]);
    expect(subjects.every((s) => s.last_screened_at !== null)).toBe(true);
    // The file (clear CPFs) is gone once the import completed; its errors (masked) stay.
    expect(await env.REPORTS.head(`imports/${tenant.id}/${created.id}.csv`)).toBeNull();
  });

  it("reads ISO-8859-1 with `;` and Portuguese column names", async () => {
    const { key } = await monitoringTenant();
    const text = `documento;nome;data_nascimento;nacionalidade\n${freshCpf()};José Antônio Conceição;1975-06-30;BR\n${freshCpf()};Maria Fátima Gonçalves;;\n`;
    const latin1 = Uint8Array.from([...text].map((c) => c.charCodeAt(0)));
    expect(latin1.some((b) => b > 0x7f)).toBe(true);
    const created = await importOk(key, latin1, "text/csv; charset=iso-8859-1");
    await drainMonitoring();
    expect(await getImport(key, created.id)).toMatchObject({ status: "completed", rows_enrolled: 2, rows_rejected: 0 });
    const names = ((await (await call("GET", "/api/v1/monitoring/subjects", { key })).json()) as { data: { name: string }[] }).data.map((s) => s.name).sort();
    expect(names).toEqual(["José Antônio Conceição", "Maria Fátima Gonçalves"]);
  });

  it("importing the same file again enrols nobody twice", async () => {
    const { tenant, key } = await monitoringTenant();
    const csv = `document,name\n${freshCpf()},Primeira Pessoa\n${freshCpf()},Segunda Pessoa\n11.222.333/0001-81,Empresa Exemplo\n`;
    const first = await importOk(key, csv);
    await drainMonitoring();
    const second = await importOk(key, csv);
    await drainMonitoring();
    expect(await getImport(key, first.id)).toMatchObject({ rows_enrolled: 3, rows_updated: 0 });
    expect(await getImport(key, second.id)).toMatchObject({ status: "completed", rows_total: 3, rows_enrolled: 0, rows_updated: 3, rows_rejected: 0 });
    expect(await subjectCount(tenant.id)).toBe(3);
  });

  it("every subject enrolled is screened at once and alerts like any other (alerts_opened)", async () => {
    const { key } = await monitoringTenant();
    await publishVersion("un_sc", [listed({ list: "un_sc", entity_id: "UN-IMP-1", name: "Khalid Mahmoud Saleh", birth_dates: ["1969"] })], null);
    await drainMonitoring();
    const created = await importOk(key, `document,name,birth_date\n${freshCpf()},Khalid Mahmoud Saleh,1969-08-01\n${freshCpf()},Ninguem Listado Silva,\n`);
    await drainMonitoring();
    expect(await getImport(key, created.id)).toMatchObject({ status: "completed", rows_enrolled: 2, alerts_opened: 1 });
    expect((await alertsOf(key)).map((a) => [a.kind, a.entity_id, a.strength])).toEqual([["match_created", "UN-IMP-1", "strong"]]);
  });

  it("a file of several steps resumes from its checkpoint; a step delivered twice changes nothing twice", async () => {
    const { tenant, key } = await monitoringTenant();
    const rows: string[] = [];
    for (let i = 0, bytes = 0; bytes < STEP_BYTES * 2.2; i++) {
      const base = String(100_000_000 + i * 7919).slice(0, 9);
      rows.push(`${base}${cpfCheckDigits(base)},"Cliente, Numero ${i}",1980-01-01,BR,M,ext-${i}`);
      bytes += rows[i].length + 1;
    }
    const created = await importOk(key, `document,name,birth_date,nationality,gender,external_id\n${rows.join("\n")}\n`);
    const first = takeSent();
    expect(first).toEqual([{ t: "import", import_id: created.id, offset: expect.any(Number) }]);
    // The same step twice: the second finds the checkpoint moved and does nothing.
    const step = first[0] as Extract<(typeof first)[number], { t: "import" }>;
    expect(await handleImport(monitoringEnv(), step)).not.toBeNull();
    expect(await handleImport(monitoringEnv(), step)).toBeNull();
    await drainMonitoring();
    const done = await getImport(key, created.id);
    expect(done).toMatchObject({ status: "completed", rows_total: rows.length, rows_enrolled: rows.length, rows_rejected: 0 });
    expect(await subjectCount(tenant.id)).toBe(rows.length);
    const steps = await env.DB.prepare("SELECT count(*) AS n FROM monitoring_batches WHERE job_id = ?").bind(created.id).first<{ n: number }>();
    expect(steps!.n).toBeGreaterThan(1);
  }, 120_000);

  it("a body that is no import CSV → 400 invalid_import; over the limits → 413 import_too_large", async () => {
    const { key } = await monitoringTenant();
    await expectError(await postCsv(key, JSON.stringify({ document: "x" }), "application/json"), { status: 400, code: "invalid_import" });
    await expectError(await postCsv(key, "cpf,nome_completo\n123,x\n"), { status: 400, code: "invalid_import" });
    await expectError(await postCsv(key, ""), { status: 400, code: "invalid_import" });
    await expectError(await postCsv(key, new Uint8Array([0x64, 0x6f, 0x63, 0x00, 0x01, 0x02, 0x0a, 0x00])), { status: 400, code: "invalid_import" });
    // 1,000,001 data rows.
    const row = new TextEncoder().encode("x,y\n".repeat(1000));
    const tooMany = await postCsv(key, repeated(row, 1001, new TextEncoder().encode("document,name\n")));
    const manyErr = await expectError(tooMany, { status: 413, code: "import_too_large" });
    expect(manyErr.message).toContain("1.000.000");
    // Over 100 MiB (long lines: few rows).
    const mib = new Uint8Array(1024 * 1024).fill(0x61);
    mib[mib.length - 1] = 0x0a;
    const tooBig = await postCsv(key, repeated(mib, 101, new TextEncoder().encode("document,name\n")));
    const bigErr = await expectError(tooBig, { status: 413, code: "import_too_large" });
    expect(bigErr.message).toContain("100 MiB");
    expect(takeSent()).toEqual([]);
  }, 60_000);

  it("GET an import, its errors, the list; another tenant's import is a 404; scopes", async () => {
    const { tenant, key } = await monitoringTenant();
    const created = await importOk(key, `document,name\n${freshCpf()},Alguem Qualquer\n`);
    await drainMonitoring();
    const list = (await (await call("GET", I, { key })).json()) as Record<string, any>;
    expect(list.data.map((i: { id: string }) => i.id)).toEqual([created.id]);
    expect(await errorsOf(key, created.id)).toBe("line,external_id,document,reason\n");
    const other = await monitoringTenant();
    await expectError(await call("GET", `${I}/${created.id}`, { key: other.key }), { status: 404, code: "monitoring_import_not_found" });
    await expectError(await call("GET", `${I}/${created.id}/errors`, { key: other.key }), { status: 404, code: "monitoring_import_not_found" });
    const reader = await createKey(tenant.id, "test", ["monitoring:read"]);
    expect((await call("GET", `${I}/${created.id}`, { key: reader })).status).toBe(200);
    await expectError(await postCsv(reader, `document,name\n${freshCpf()},Alguem\n`), { status: 403, code: "insufficient_scope" });
  });

  it("a record no step could read whole (a quote never closed for over 1 MiB) → 400 invalid_import naming its line, nothing stored", async () => {
    const { tenant, key } = await monitoringTenant();
    const head = new TextEncoder().encode(`document,name\n${freshCpf()},Ana Maria Souza\n${freshCpf()},"Aspas que nunca fecham `);
    // 100 MiB would be allowed by size; the refusal comes after the first MiB of the open record, not at the end.
    const err = await expectError(await postCsv(key, repeated(new TextEncoder().encode("x".repeat(64 * 1024)), 1600, head)), { status: 400, code: "invalid_import" });
    expect(err.message).toContain("a linha 3 não termina em 1024 KiB");
    expect(await subjectCount(tenant.id)).toBe(0);
    const imports = await env.DB.prepare("SELECT count(*) AS n FROM monitoring_imports WHERE tenant_id = ?").bind(tenant.id).first<{ n: number }>();
    expect(imports!.n).toBe(0);
  });

});
