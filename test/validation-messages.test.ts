// Validation messages quote the schema's limit, never the size or value the
// client sent: "texto longo demais (máximo 200)" for 250 characters. Covers the
// template's JSON Schema (parametros) and the zod-validated fields of the API.
import { beforeAll, describe, expect, it } from "vitest";
import { admin, call, createKey, createRun, createTenant, expectError } from "./helpers/api";

const CPF = "529.982.247-25";
let key: string;
let templateId: string;

beforeAll(async () => {
  const tenant = await createTenant(1000);
  key = await createKey(tenant.id, "test");
  const res = await admin("POST", "/templates", {
    tenant_id: tenant.id,
    name: "Modelo com limites",
    subject_type: "pf",
    parametros_schema: {
      type: "object",
      properties: {
        cpf: { type: "string" },
        nome: { type: "string", minLength: 5, maxLength: 200 },
        idade: { type: "integer", minimum: 18, maximum: 120 },
        renda: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1000000 },
        lote: { type: "integer", multipleOf: 5 },
        tags: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3 },
        extras: { type: "object", minProperties: 2, maxProperties: 4 },
      },
      required: ["cpf"],
      additionalProperties: false,
    },
    sources: [{ source: "receita_federal_cpf", phase: "critical", on_hit: "block" }],
  });
  expect(res.status).toBe(201);
  templateId = ((await res.json()) as { id: string }).id;
  expect((await admin("POST", `/templates/${templateId}/publish`)).status).toBe(200);
});

/** The one reason invalid_params gives for `name`, after asserting the envelope. */
async function reasonFor(res: Response, code: string, name: string): Promise<{ reason: string; message: string }> {
  const err = await expectError(res, { status: 400, code });
  const p = err.invalid_params?.find((x) => x.name === name);
  expect(p, JSON.stringify(err)).toBeDefined();
  return { reason: p!.reason, message: err.message };
}

describe("template schema (parametros): the reason quotes the schema's bound", () => {
  const rows: { name: string; field: string; value: unknown; reason: string; notIn?: string }[] = [
    { name: "maxLength 200, 250 chars given", field: "nome", value: "a".repeat(250), reason: "texto longo demais (máximo 200)", notIn: "250" },
    { name: "minLength 5, 2 chars given", field: "nome", value: "ab", reason: "texto curto demais (mínimo 5)", notIn: "2" },
    { name: "maximum 120, 500 given", field: "idade", value: 500, reason: "valor grande demais (máximo 120)", notIn: "500" },
    { name: "minimum 18, 3 given", field: "idade", value: 3, reason: "valor pequeno demais (mínimo 18)", notIn: "3" },
    { name: "exclusiveMinimum 0, -7.5 given", field: "renda", value: -7.5, reason: "valor deve ser maior que 0", notIn: "7.5" },
    { name: "exclusiveMaximum 1000000, 2000000 given", field: "renda", value: 2000000, reason: "valor deve ser menor que 1000000", notIn: "2000000" },
    { name: "multipleOf 5, 7 given", field: "lote", value: 7, reason: "valor deve ser múltiplo de 5", notIn: "7" },
    { name: "maxItems 3, 6 items given", field: "tags", value: ["a", "b", "c", "d", "e", "f"], reason: "itens demais (máximo 3)", notIn: "6" },
    { name: "minItems 1, empty array given", field: "tags", value: [], reason: "itens de menos (mínimo 1)" },
    { name: "maxProperties 4, 6 given", field: "extras", value: { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }, reason: "campos demais (máximo 4)", notIn: "6" },
    { name: "minProperties 2, 1 given", field: "extras", value: { a: 1 }, reason: "campos de menos (mínimo 2)" },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      const res = await createRun(key, { template_id: templateId, parametros: { cpf: CPF, [row.field]: row.value } });
      const { reason, message } = await reasonFor(res, "invalid_parametros", `parametros.${row.field}`);
      expect(reason).toBe(row.reason);
      expect(message).toContain(`parametros.${row.field} (${row.reason})`);
      if (row.notIn) expect(reason).not.toContain(row.notIn);
    });
  }

  it("a value inside the limits is accepted", async () => {
    const res = await createRun(key, {
      template_id: templateId,
      parametros: { cpf: CPF, nome: "a".repeat(200), idade: 120, renda: 1, lote: 10, tags: ["a", "b", "c"], extras: { a: 1, b: 2 } },
    });
    expect(res.status).toBe(202);
  });
});

describe("zod-validated fields: the reason quotes the schema's bound", () => {
  const body = (extra: Record<string, unknown>) => ({ template_id: templateId, parametros: { cpf: CPF }, ...extra });
  // Bodies are built inside the test: the template exists only after beforeAll.
  const rows: { name: string; body: () => unknown; code: string; param: string; reason: string; notIn?: string }[] = [
    { name: "external_id of 300 chars (limit 255)", body: () => body({ external_id: "e".repeat(300) }), code: "invalid_external_id", param: "external_id", reason: "texto longo demais (máximo 255)", notIn: "300" },
    { name: "empty external_id (minimum 1)", body: () => body({ external_id: "" }), code: "invalid_external_id", param: "external_id", reason: "texto curto demais (mínimo 1)" },
    { name: "template_id of 300 chars (limit 200)", body: () => ({ template_id: "t".repeat(300), parametros: { cpf: CPF } }), code: "missing_template_id", param: "template_id", reason: "texto longo demais (máximo 200)", notIn: "300" },
    { name: "subject.doc of 90 chars (limit 64)", body: () => ({ template_id: templateId, subject: { type: "pf", doc: "1".repeat(90) } }), code: "invalid_document", param: "subject.doc", reason: "texto longo demais (máximo 64)", notIn: "90" },
  ];
  for (const row of rows) {
    it(row.name, async () => {
      const { reason } = await reasonFor(await createRun(key, row.body()), row.code, row.param);
      expect(reason).toBe(row.reason);
      if (row.notIn) expect(reason).not.toContain(row.notIn);
    });
  }

  it("a metadata value of 600 chars quotes the limit 500", async () => {
    const { reason } = await reasonFor(await createRun(key, body({ metadata: { nota: "x".repeat(600) } })), "invalid_metadata", "metadata.nota");
    expect(reason).toMatch(/500/);
    expect(reason).not.toMatch(/600/);
  });

  it("a metadata key of 55 chars quotes the limit 40", async () => {
    const err = await expectError(await createRun(key, body({ metadata: { ["k".repeat(55)]: "v" } })), { status: 400, code: "invalid_metadata" });
    const reasons = (err.invalid_params ?? []).map((p) => p.reason).join(" | ");
    expect(reasons).toMatch(/40/);
    expect(reasons).not.toMatch(/55/);
  });

  it("list limit=500 quotes the bound 100", async () => {
    const err = await expectError(await call("GET", "/api/v1/bureau/runs?limit=500", { key }), { status: 400, code: "invalid_limit", param: "limit" });
    expect(err.invalid_params).toEqual([{ name: "limit", reason: "valor grande demais (máximo 100)" }]);
  });
});

describe("wrong types name the expected type, then the one received", () => {
  it("the document as a number (template schema): tipo inválido (esperado: string, recebido: number)", async () => {
    const res = await createRun(key, { template_id: "tpl_pf_padrao", parametros: { cpf: 52998224725 } });
    const { reason, message } = await reasonFor(res, "invalid_parametros", "parametros.cpf");
    expect(reason).toBe("tipo inválido (esperado: string, recebido: number)");
    expect(message).toContain("parametros.cpf (tipo inválido (esperado: string, recebido: number))");
  });

  it("an integer field given text, and a text field given null (template schema)", async () => {
    const res = await createRun(key, { template_id: templateId, parametros: { cpf: CPF, idade: "30", nome: null } });
    const err = await expectError(res, { status: 400, code: "invalid_parametros" });
    expect(err.invalid_params).toEqual(
      expect.arrayContaining([
        { name: "parametros.idade", reason: "tipo inválido (esperado: integer, recebido: string)" },
        { name: "parametros.nome", reason: "tipo inválido (esperado: string, recebido: null)" },
      ]),
    );
  });

  it("zod-validated fields: external_id as a number, a metadata value as a boolean, subject as text", async () => {
    expect((await reasonFor(await createRun(key, { template_id: templateId, parametros: { cpf: CPF }, external_id: 42 }), "invalid_external_id", "external_id")).reason).toBe(
      "tipo inválido (esperado: string, recebido: number)",
    );
    expect((await reasonFor(await createRun(key, { template_id: templateId, parametros: { cpf: CPF }, metadata: { canal: true } }), "invalid_metadata", "metadata.canal")).reason).toBe(
      "tipo inválido (esperado: string, recebido: boolean)",
    );
    expect((await reasonFor(await createRun(key, { template_id: templateId, subject: "52998224725" }), "missing_subject", "subject")).reason).toBe(
      "tipo inválido (esperado: object, recebido: string)",
    );
  });
});

describe("date fields name the formats they take", () => {
  it("data_nascimento in DD/MM/AAAA is accepted (a Brazilian date), as is AAAA-MM-DD", async () => {
    expect((await createRun(key, { template_id: "tpl_pf_padrao", parametros: { cpf: CPF, data_nascimento: "31/12/1990" } })).status).toBe(202);
    expect((await createRun(key, { template_id: "tpl_pf_padrao", parametros: { cpf: CPF, data_nascimento: "1990-12-31" } })).status).toBe(202);
  });

  it.each(["1990/12/31", "31/02/1990", "12-31-1990", "31.12.1990"])("data_nascimento %j → the reason names AAAA-MM-DD and DD/MM/AAAA", async (value) => {
    const res = await createRun(key, { template_id: "tpl_pf_padrao", parametros: { cpf: CPF, data_nascimento: value } });
    const { reason } = await reasonFor(res, "invalid_parametros", "parametros.data_nascimento");
    expect(reason).toBe("data inválida: use AAAA-MM-DD ou DD/MM/AAAA (ex.: 1990-01-31 ou 31/01/1990)");
  });
});
