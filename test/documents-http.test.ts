// Every CPF/CNPJ vector of reference/documents.md through POST /runs, with a
// sandbox key and with a live key; and the sandbox fixture documents of
// reference/sandbox.md that fail the check-digit rule: accepted with a test key
// only (documented test values), invalid_document with a live key.
import { beforeAll, describe, expect, it } from "vitest";
import { call, createRun, expectError, tenantWithKeys } from "./helpers/api";

const VALID_CPF = [
  "529.982.247-25",
  "52998224725",
  "111.444.777-35",
  "000.000.001-91",
  "222.333.666-38",
  "390.533.447-05",
  "987.654.321-00",
  "100.000.000-19",
  // normalisation: white space is stripped like punctuation
  " 529 982 247 25 ",
];
const INVALID_CPF = [
  "529.982.247-24", // DV
  "123.456.789-00", // DV
  "111.111.111-11", // repeated
  "000.000.000-00", // repeated
  "999.999.999-99", // repeated
  "5299822472", // 10 digits
  "529982247255", // 12 digits
  "52998224X25", // letter
];
const VALID_CNPJ_NUMERIC = [
  "11.222.333/0001-81",
  "11222333000181",
  "11.444.777/0001-61",
  "12.345.678/0001-95",
  "42.318.949/0001-84",
  "44.038.188/0001-32",
  "00.000.000/0001-91",
  "19.131.243/0001-97",
  "90.021.382/0001-22",
];
const INVALID_CNPJ_NUMERIC = [
  "11.222.333/0001-80", // DV
  "00.000.000/0000-00", // repeated
  "11.111.111/1111-11", // repeated
  "1222333000181", // 13 chars
];
const VALID_CNPJ_ALNUM = [
  "12.ABC.345/01DE-35",
  "12ABC34501DE35",
  "12abc34501de35", // after uppercasing
  "ABCDEFGHIJKL80",
  "A1.B2C.3D4/E5F6-68",
  "AB.12C.D34/0001-84",
  "ZZ.ZZZ.ZZZ/0001-91",
  "00.000.000/ABCD-02",
  "1A.2B3.C4D/0001-79",
];
const INVALID_CNPJ_ALNUM = [
  "12.ABC.345/01DE-36",
  "12.ABC.345/01DE-00",
  "ABCDEFGHIJKL81",
  "A1B2C3D4E5F600",
  "AAAAAAAAAAAAAA",
  "12ABC34501DEAB", // letters in the DV
  "12ABC34501D$35", // bad character
];

/** The sandbox fixtures (sandbox.md) whose check digits are wrong (verified by hand: mod 11). */
const SANDBOX_ONLY_CPF = [
  "000.000.002-81",
  "000.000.003-72",
  "000.000.004-53",
  "000.000.005-44",
  "000.000.006-34",
  "000.000.007-25",
  "000.000.008-06",
  "000.000.009-87",
];
// 00.000.000/0004-38 is listed among "additions that pass the check-digit rule",
// but its check digits would be 34: it fails the rule like the kycert fixtures.
const SANDBOX_ONLY_CNPJ = ["00.000.000/0002-76", "00.000.000/0003-57", "00.000.000/0004-38"];
/** Fixtures that pass the rule: accepted by both environments. */
const FIXTURES_PASSING = { cpf: ["000.000.001-91", "000.000.010-82"], cnpj: ["00.000.000/0001-91"] };

const pf = (cpf: string) => ({ template_id: "tpl_pf_padrao", parametros: { cpf } });
const pj = (cnpj: string) => ({ template_id: "tpl_pj_padrao", parametros: { cnpj } });

let keys: { test: string; live: string };
beforeAll(async () => {
  keys = await tenantWithKeys(1000);
});

async function accepted(key: string, body: unknown): Promise<string> {
  const res = await createRun(key, body);
  const text = await res.text();
  expect(res.status, `${JSON.stringify(body)} → ${text}`).toBe(202);
  return (JSON.parse(text) as { run_id: string }).run_id;
}

async function rejected(key: string, body: unknown, param: string) {
  const err = await expectError(await createRun(key, body), { status: 400, code: "invalid_document", param });
  expect(err.message).toMatch(/^(CPF|CNPJ|Os dois)/);
}

/** subject as the API shows it, by run id (sandbox list). */
async function subjects(key: string): Promise<Map<string, { type: string; document: string }>> {
  const res = await call("GET", "/api/v1/bureau/runs?limit=100", { key });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { data: { id: string; subject: { type: string; document: string } }[] };
  return new Map(body.data.map((r) => [r.id, r.subject]));
}

describe("CPF vectors through POST /runs (tpl_pf_padrao)", () => {
  it.each(VALID_CPF)("valid %s → 202 (sandbox and live)", async (cpf) => {
    const id = await accepted(keys.test, pf(cpf));
    await accepted(keys.live, pf(cpf));
    const digits = cpf.replace(/\D/g, "");
    expect((await subjects(keys.test)).get(id)).toEqual({ type: "pf", document: `***.${digits.slice(3, 6)}.${digits.slice(6, 9)}-**` });
  });

  it.each(INVALID_CPF)("invalid %s → 400 invalid_document, param parametros.cpf (sandbox and live)", async (cpf) => {
    await rejected(keys.test, pf(cpf), "parametros.cpf");
    await rejected(keys.live, pf(cpf), "parametros.cpf");
  });
});

describe("CNPJ vectors through POST /runs (tpl_pj_padrao)", () => {
  it.each([...VALID_CNPJ_NUMERIC, ...VALID_CNPJ_ALNUM])("valid %s → 202 (sandbox and live)", async (cnpj) => {
    const id = await accepted(keys.test, pj(cnpj));
    await accepted(keys.live, pj(cnpj));
    // CNPJs are public: shown in full, normalised (uppercase) and formatted.
    const n = cnpj.replace(/[.\-/\s]/g, "").toUpperCase();
    const formatted = `${n.slice(0, 2)}.${n.slice(2, 5)}.${n.slice(5, 8)}/${n.slice(8, 12)}-${n.slice(12)}`;
    expect((await subjects(keys.test)).get(id)).toEqual({ type: "pj", document: formatted });
  });

  it.each([...INVALID_CNPJ_NUMERIC, ...INVALID_CNPJ_ALNUM])(
    "invalid %s → 400 invalid_document, param parametros.cnpj (sandbox and live)",
    async (cnpj) => {
      await rejected(keys.test, pj(cnpj), "parametros.cnpj");
      await rejected(keys.live, pj(cnpj), "parametros.cnpj");
    },
  );

  it("the alphanumeric CNPJ also goes through the subject shape", async () => {
    await accepted(keys.test, { template_id: "tpl_pj_padrao", subject: { type: "pj", doc: "12.ABC.345/01DE-35" } });
    const err = await expectError(
      await createRun(keys.test, { template_id: "tpl_pj_padrao", subject: { type: "pj", doc: "12.ABC.345/01DE-36" } }),
      { status: 400, code: "invalid_document", param: "subject.doc" },
    );
    expect(err.message).toMatch(/verificador/);
  });
});

describe("sandbox fixture documents (sandbox.md)", () => {
  it.each(SANDBOX_ONLY_CPF)("CPF %s fails the DV rule: 202 with a sandbox key, 400 invalid_document with a live key", async (cpf) => {
    await accepted(keys.test, pf(cpf));
    await rejected(keys.live, pf(cpf), "parametros.cpf");
    // Also when written without punctuation, and through the subject shape.
    await accepted(keys.test, pf(cpf.replace(/\D/g, "")));
    await accepted(keys.test, { template_id: "tpl_pf_padrao", subject: { type: "pf", doc: cpf } });
    await rejected(keys.live, { template_id: "tpl_pf_padrao", subject: { type: "pf", doc: cpf } }, "subject.doc");
  });

  it.each(SANDBOX_ONLY_CNPJ)("CNPJ %s fails the DV rule: 202 with a sandbox key, 400 invalid_document with a live key", async (cnpj) => {
    await accepted(keys.test, pj(cnpj));
    await rejected(keys.live, pj(cnpj), "parametros.cnpj");
  });

  it("a fixture is a fixture for its own subject type only (a fixture CPF's digits are no CNPJ)", async () => {
    await rejected(keys.test, pj("000.000.002-81"), "parametros.cnpj");
  });

  it("fixtures that pass the DV rule are accepted with both keys", async () => {
    for (const cpf of FIXTURES_PASSING.cpf) {
      await accepted(keys.test, pf(cpf));
      await accepted(keys.live, pf(cpf));
    }
    for (const cnpj of FIXTURES_PASSING.cnpj) {
      await accepted(keys.test, pj(cnpj));
      await accepted(keys.live, pj(cnpj));
    }
  });
});
