// POST /api/v1/screening/search (contract §14) against lists loaded into D1:
// the response shape, thresholds, limit, the lists filter, 503 list_not_ready,
// 400 invalid_screening_query, the scope, Brazilian document matching (exact
// CPF/CNPJ, masked CPF + name), inactive entities and ordering.
import { beforeAll, describe, expect, it } from "vitest";
import { LIST_IDS, type ListId } from "../src/screening/types";
import { call, createKey, createTenant, expectError } from "./helpers/api";
import { listed, seedList, unseedList, type LoadedVersion } from "./helpers/screening-seed";

const PATH = "/api/v1/screening/search";
const ALL_SCOPES = ["runs:write", "runs:read", "detail:read", "screening:read"];

// CPFs and CNPJs with valid check digits (reference/documents.md).
const CPF_PEP = "52998224725"; // visible digits 4–9: 982247
const CPF_CEIS = "11144477735"; // visible digits: 444777
const CPF_MTE = "12345678909";
const CNPJ_CEIS = "11222333000181";
const CNPJ_ENDED = "11444777000161";

let versions: Record<ListId, LoadedVersion>;
let test: string;
let live: string;

beforeAll(async () => {
  const tenant = await createTenant();
  test = await createKey(tenant.id, "test", ALL_SCOPES);
  live = await createKey(tenant.id, "live", ALL_SCOPES);
  const loaded = await Promise.all([
    seedList("ofac_sdn", [
      listed({
        list: "ofac_sdn",
        entity_id: "7281",
        name: "SALEK, Abdulhai",
        aliases: [{ name: "SALEK, Abdul Hai" }],
        birth_dates: ["1968"],
        nationalities: ["AF"],
        programs: ["SDGT"],
        listed_on: "2012-06-14",
      }),
      listed({ list: "ofac_sdn", entity_id: "9647", name: "BOUT, Viktor Anatolijevitch", birth_dates: ["1967-01-13"], programs: ["SDGT"] }),
      listed({ list: "ofac_sdn", entity_id: "1500", entity_type: "organization", name: "BANCO DELTA ASIA SARL", programs: ["NKOREA"] }),
      listed({ list: "ofac_sdn", entity_id: "2001", name: "HASSAN, Omar", aliases: [{ name: "Abu Karim Hassan", weak: true }] }),
    ]),
    seedList("ofac_cons", [listed({ list: "ofac_cons", entity_id: "c-1", entity_type: "organization", name: "SALEK TRADING COMPANY LLC" })]),
    seedList("un_sc", [listed({ list: "un_sc", entity_id: "6908425", name: "ABDUL HAI SALEK", birth_dates: ["1968"], programs: ["TA"] })]),
    seedList("eu_fsf", [
      listed({ list: "eu_fsf", entity_id: "eu-13", name: "Viktor Anatolyevich BUT" }),
      // A name in Han characters: the ingest asks kycert-edge-engine to transliterate it (src/screening/ingest.ts).
      listed({ list: "eu_fsf", entity_id: "eu-88", name: "LIANG Qiaowen", aliases: [{ name: "梁巧文" }] }),
    ]),
    seedList("uk_fcdo", [listed({ list: "uk_fcdo", entity_id: "RUS0001", name: "Ivan PETROV" })]),
    seedList("cgu_ceis", [
      listed({
        list: "cgu_ceis",
        entity_id: `${CNPJ_CEIS}:1`,
        entity_type: "organization",
        name: "CONSTRUTORA EXEMPLO LTDA",
        documents: [{ kind: "cnpj", value: CNPJ_CEIS }],
        programs: ["Inidoneidade"],
        details: { categoria: "Inidoneidade", orgao_sancionador: "Ministério da Saúde", data_inicio: "2024-01-10", data_fim: "2099-01-01" },
      }),
      listed({
        list: "cgu_ceis",
        entity_id: "444777:2",
        name: "JOSE CARLOS PEREIRA",
        documents: [{ kind: "cpf_masked", value: "444777" }],
        details: { categoria: "Suspensão", data_fim: "2099-01-01" },
      }),
      listed({
        list: "cgu_ceis",
        entity_id: `${CNPJ_ENDED}:3`,
        entity_type: "organization",
        name: "OBRAS ENCERRADAS LTDA",
        documents: [{ kind: "cnpj", value: CNPJ_ENDED }],
        active: false,
        details: { categoria: "Suspensão", data_fim: "2020-01-01" },
      }),
    ]),
    seedList("cgu_cnep", [listed({ list: "cgu_cnep", entity_id: "x:1", entity_type: "organization", name: "EMPRESA MULTADA SA" })]),
    seedList("cgu_pep", [
      listed({
        list: "cgu_pep",
        entity_id: "982247:a",
        name: "MARIA APARECIDA DOS SANTOS",
        documents: [{ kind: "cpf_masked", value: "982247" }],
        programs: ["PEP"],
        details: { funcao: "Prefeito", orgao: "Prefeitura de Exemplo", fim_carencia: "2099-12-31" },
      }),
      listed({
        list: "cgu_pep",
        entity_id: "982247:b",
        name: "JOAO BATISTA LIMA",
        documents: [{ kind: "cpf_masked", value: "982247" }],
        active: false,
        details: { funcao: "Vereador", fim_carencia: "2019-12-31" },
      }),
    ]),
    seedList("mte_empregadores", [
      listed({ list: "mte_empregadores", entity_id: `${CPF_MTE}:2023`, name: "ANTONIO FAZENDEIRO", documents: [{ kind: "cpf", value: CPF_MTE }] }),
    ]),
  ]);
  versions = Object.fromEntries(loaded.map((v) => [v.id, v])) as Record<ListId, LoadedVersion>;
});

const search = (body: unknown, key = test) => call("POST", PATH, { key, body });

async function ok(body: unknown, key = test): Promise<any> {
  const res = await search(body, key);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text);
}

const MATCH_KEYS = [
  "list",
  "entity_id",
  "entity_type",
  "name",
  "matched_name",
  "score",
  "strength",
  "reasons",
  "programs",
  "listed_on",
  "birth_dates",
  "nationalities",
];

describe("POST /api/v1/screening/search — contract shape", () => {
  it("answers the §14 shape: query echo, every list's version, matches best first, took_ms", async () => {
    const body = await ok({ name: "Abdul Hai Salek", type: "pf" });
    expect(Object.keys(body)).toEqual(["object", "query", "lists", "matches", "cleared", "took_ms"]);
    expect(body.object).toBe("screening_result");
    expect(body.query).toEqual({
      name: "Abdul Hai Salek",
      type: "pf",
      birth_date: null,
      nationality: null,
      gender: null,
      document: null,
      lists: [...LIST_IDS],
      threshold: 0.8,
      limit: 10,
    });
    expect(body.lists).toEqual(LIST_IDS.map((id) => ({ id, sha256: versions[id].sha256, fetched_at: versions[id].fetched_at })));
    expect(Number.isInteger(body.took_ms) && body.took_ms >= 0).toBe(true);

    expect(body.matches.map((m: any) => [m.list, m.entity_id])).toEqual(
      expect.arrayContaining([
        ["ofac_sdn", "7281"],
        ["un_sc", "6908425"],
      ]),
    );
    const ofac = body.matches.find((m: any) => m.entity_id === "7281");
    expect(Object.keys(ofac)).toEqual(MATCH_KEYS);
    expect(ofac).toMatchObject({
      list: "ofac_sdn",
      entity_type: "person",
      name: "SALEK, Abdulhai",
      // A name alone, however exact, is at most possible: nothing corroborates it.
      strength: "possible",
      programs: ["SDGT"],
      listed_on: "2012-06-14",
      birth_dates: ["1968"],
      nationalities: ["AF"],
    });
    expect(ofac.score).toBeGreaterThanOrEqual(0.92);
    expect(ofac.reasons).toContain("birth_date_not_given");
    expect(body.cleared).toEqual([]);
    // The company of a similar name is not a candidate for a person.
    expect(body.matches.some((m: any) => m.entity_type === "organization")).toBe(false);
    const scores = body.matches.map((m: any) => m.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it("a sandbox key and a live key search the same loaded lists", async () => {
    const a = await ok({ name: "Viktor Bout" }, test);
    const b = await ok({ name: "Viktor Bout" }, live);
    expect({ ...a, took_ms: 0 }).toEqual({ ...b, took_ms: 0 });
    expect(a.matches.length).toBeGreaterThan(0);
  });

  it("a name nobody lists: 200 with no matches (screened, nothing found)", async () => {
    const body = await ok({ name: "Herculano Quintanilha Borba" });
    expect(body.matches).toEqual([]);
    expect(body.lists).toHaveLength(LIST_IDS.length);
  });
});

describe("names in other scripts", () => {
  it("a name listed in Han characters is found by those characters and by its pinyin", async () => {
    for (const name of ["梁巧文", "Liang Qiaowen"]) {
      const res = await call("POST", PATH, { key: test, body: { name, lists: ["eu_fsf"] } });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { matches: { entity_id: string; matched_name: string; strength: string }[] };
      expect(body.matches.map((m) => [m.entity_id, m.strength])).toEqual([["eu-88", "possible"]]);
      // Both names fit the pinyin query equally; the characters fit only the name written in them.
      if (name === "梁巧文") expect(body.matches[0].matched_name).toBe("梁巧文");
    }
  });
});

describe("thresholds, strength, limit and the lists filter", () => {
  it("a partial name is a possible match at the default threshold, gone above its score, strong never", async () => {
    const body = await ok({ name: "Viktor Bout", lists: ["ofac_sdn"] });
    const m = body.matches.find((x: any) => x.entity_id === "9647");
    expect(m).toMatchObject({ strength: "possible", matched_name: "BOUT, Viktor Anatolijevitch" });
    expect(m.score).toBeGreaterThanOrEqual(0.8);
    expect(m.score).toBeLessThan(0.92);
    const stricter = await ok({ name: "Viktor Bout", lists: ["ofac_sdn"], threshold: Math.min(1, m.score + 0.001) });
    expect(stricter.matches.find((x: any) => x.entity_id === "9647")).toBeUndefined();
    expect(stricter.query.threshold).toBe(Math.min(1, m.score + 0.001));
  });

  it("every match is at or above the requested threshold, and `limit` cuts the best ones", async () => {
    const all = await ok({ name: "Salek", threshold: 0 });
    expect(all.matches.length).toBeGreaterThan(2);
    const two = await ok({ name: "Salek", threshold: 0, limit: 2 });
    expect(two.query.limit).toBe(2);
    expect(two.matches).toEqual(all.matches.slice(0, 2));
    for (const t of [0.3, 0.6, 0.9]) {
      const r = await ok({ name: "Abdul Salek", threshold: t });
      expect(r.matches.every((m: any) => m.score >= t)).toBe(true);
    }
  });

  it("the lists filter searches only those lists (and names only their versions)", async () => {
    const body = await ok({ name: "Abdul Hai Salek", lists: ["un_sc"] });
    expect(body.query.lists).toEqual(["un_sc"]);
    expect(body.lists).toEqual([{ id: "un_sc", sha256: versions.un_sc.sha256, fetched_at: versions.un_sc.fetched_at }]);
    expect(body.matches.map((m: any) => m.list)).toEqual(["un_sc"]);
    // Duplicates and order do not matter: the versions come back in list order.
    const two = await ok({ name: "Abdul Hai Salek", lists: ["un_sc", "ofac_sdn", "un_sc"] });
    expect(two.lists.map((l: any) => l.id)).toEqual(["ofac_sdn", "un_sc"]);
  });

  it("a weak alias alone is a possible match, never strong", async () => {
    const body = await ok({ name: "Abu Karim Hassan", lists: ["ofac_sdn"] });
    const m = body.matches.find((x: any) => x.entity_id === "2001");
    expect(m).toMatchObject({ strength: "possible", matched_name: "Abu Karim Hassan" });
    expect(m.reasons).toContain("weak_alias");
  });

  it("a birth year more than one year off clears a perfect name (a homonym, under `cleared`); an equal one makes it strong", async () => {
    const off = await ok({ name: "Abdul Hai Salek", birth_date: "1990-05-01", lists: ["ofac_sdn"] });
    expect(off.matches.find((m: any) => m.entity_id === "7281")).toBeUndefined();
    expect(off.cleared).toEqual([
      { list: "ofac_sdn", entity_id: "7281", matched_name: "SALEK, Abdulhai", reason: "birth_date_conflict", detail: "nascimento em 1990-05-01; a lista indica 1968" },
    ]);
    const same = await ok({ name: "Abdul Hai Salek", birth_date: "1968", nationality: "af", lists: ["ofac_sdn"] });
    const m = same.matches.find((x: any) => x.entity_id === "7281");
    expect(m.strength).toBe("strong");
    expect(m.reasons).toEqual(expect.arrayContaining(["birth_year_match", "nationality_match"]));
    expect(same.query).toMatchObject({ birth_date: "1968", nationality: "AF" });
    // A different nationality lowers the score a little, and never clears alone.
    const abroad = await ok({ name: "Abdul Hai Salek", birth_date: "1968", nationality: "BR", lists: ["ofac_sdn"] });
    const a = abroad.matches.find((x: any) => x.entity_id === "7281");
    expect(a).toMatchObject({ strength: "strong", score: Math.round((m.score - 0.03) * 1000) / 1000 });
    expect(a.reasons).toContain("nationality_conflict");
  });
});

describe("Brazilian lists: documents first", () => {
  it("an exact CNPJ matches whatever the name (strong, cnpj_match); the CNPJ is echoed formatted", async () => {
    const body = await ok({ name: "Fulano Qualquer", type: "pj", document: "11.222.333/0001-81" });
    expect(body.query.document).toBe("11.222.333/0001-81");
    expect(body.matches).toHaveLength(1);
    expect(body.matches[0]).toMatchObject({
      list: "cgu_ceis",
      entity_id: `${CNPJ_CEIS}:1`,
      name: "CONSTRUTORA EXEMPLO LTDA",
      score: 1,
      strength: "strong",
    });
    expect(body.matches[0].reasons).toContain("cnpj_match");
  });

  it("a branch of the listed company (same 8-digit root, another order number) is the same legal person", async () => {
    const body = await ok({ name: "Construtora Exemplo Ltda", type: "pj", document: "11.222.333/0002-62", lists: ["cgu_ceis"] });
    expect(body.matches.map((m: any) => [m.entity_id, m.strength])).toEqual([[`${CNPJ_CEIS}:1`, "strong"]]);
    expect(body.matches[0].reasons).toContain("cnpj_root_match");
    // Found by the root alone too, whatever the name.
    const byRoot = await ok({ name: "Fulano Qualquer", type: "pj", document: "11.222.333/0002-62", lists: ["cgu_ceis"] });
    expect(byRoot.matches.map((m: any) => m.entity_id)).toEqual([`${CNPJ_CEIS}:1`]);
  });

  it("an exact CPF in clear (MTE) matches; the CPF is echoed masked", async () => {
    const body = await ok({ name: "Outro Nome", document: "123.456.789-09" });
    expect(body.query.document).toBe("***.456.789-**");
    expect(body.matches.map((m: any) => [m.list, m.strength])).toEqual([["mte_empregadores", "strong"]]);
    expect(body.matches[0].reasons).toContain("cpf_match");
  });

  it("a masked CPF matches with its visible digits plus the name (CEIS person, PEP)", async () => {
    const ceis = await ok({ name: "José Carlos Pereira", document: CPF_CEIS });
    expect(ceis.matches.map((m: any) => [m.list, m.entity_id, m.strength])).toEqual([["cgu_ceis", "444777:2", "strong"]]);
    expect(ceis.matches[0].reasons).toContain("masked_cpf_match");
    const pep = await ok({ name: "Maria Aparecida dos Santos", document: CPF_PEP, lists: ["cgu_pep"] });
    expect(pep.matches.map((m: any) => [m.entity_id, m.strength])).toEqual([["982247:a", "strong"]]);
    expect(pep.matches[0].reasons).toContain("masked_cpf_match");
  });

  it("a masked CPF is no match with another name, and the same name with other visible digits is a homonym (cleared)", async () => {
    const otherName = await ok({ name: "Roberto Nunes Filho", document: CPF_CEIS });
    expect(otherName.matches).toEqual([]);
    const otherDigits = await ok({ name: "José Carlos Pereira", document: CPF_PEP });
    expect(otherDigits.matches).toEqual([]);
    expect(otherDigits.cleared).toContainEqual(expect.objectContaining({ entity_id: "444777:2", reason: "document_conflict", detail: "dígitos visíveis do CPF diferem dos listados" }));
    // Without a document the same name is only a name match: possible.
    const byName = await ok({ name: "José Carlos Pereira", lists: ["cgu_ceis"] });
    expect(byName.matches.map((m: any) => [m.entity_id, m.strength])).toEqual([["444777:2", "possible"]]);
    expect(byName.matches[0].reasons).not.toContain("masked_cpf_match");
    expect(byName.matches[0].reasons).toContain("document_not_given");
  });

  it("a company with the same name but another CNPJ is not the listed one", async () => {
    const body = await ok({ name: "Construtora Exemplo Ltda", type: "pj", document: "11444777000161", lists: ["cgu_ceis"] });
    expect(body.matches.find((m: any) => m.entity_id === `${CNPJ_CEIS}:1`)).toBeUndefined();
    expect(body.cleared).toContainEqual(expect.objectContaining({ entity_id: `${CNPJ_CEIS}:1`, reason: "document_conflict", detail: "CNPJ de outra raiz: outra empresa" }));
  });
});

describe("by document alone (no name)", () => {
  const DOCUMENT_LISTS = ["ofac_sdn", "ofac_cons", "cgu_ceis", "cgu_cnep", "cgu_pep", "mte_empregadores"];

  it("a CNPJ alone finds the listed company; only the lists that carry documents are searched, and `lists` says which", async () => {
    const body = await ok({ document: "11.222.333/0001-81" });
    expect(body.query).toMatchObject({ name: null, document: "11.222.333/0001-81", lists: DOCUMENT_LISTS });
    expect(body.lists.map((l: any) => l.id)).toEqual(DOCUMENT_LISTS);
    expect(body.lists.find((l: any) => l.id === "cgu_ceis").sha256).toBe(versions.cgu_ceis.sha256);
    expect(body.matches.map((m: any) => [m.list, m.entity_id, m.score, m.strength])).toEqual([["cgu_ceis", `${CNPJ_CEIS}:1`, 1, "strong"]]);
    expect(body.matches[0].reasons).toContain("cnpj_match");
    expect(body.matches[0].matched_name).toBe("CONSTRUTORA EXEMPLO LTDA");
  });

  it("a CPF in clear alone (MTE) matches; a CPF listed only masked needs the name (nothing found alone)", async () => {
    const mte = await ok({ document: "123.456.789-09" });
    expect(mte.matches.map((m: any) => [m.list, m.strength])).toEqual([["mte_empregadores", "strong"]]);
    expect((await ok({ document: CPF_CEIS })).matches).toEqual([]);
  });

  it("explicit lists that carry documents are searched as asked", async () => {
    const body = await ok({ document: CNPJ_CEIS, lists: ["cgu_ceis"] });
    expect(body.lists.map((l: any) => l.id)).toEqual(["cgu_ceis"]);
    expect(body.matches).toHaveLength(1);
  });

  it("an explicit list without documents is refused, never skipped: 400 naming it", async () => {
    const e = await expectError(await search({ document: CNPJ_CEIS, lists: ["cgu_ceis", "un_sc", "eu_fsf"] }), {
      status: 400,
      code: "invalid_screening_query",
      param: "lists",
    });
    expect(e.invalid_params).toEqual([
      { name: "lists", reason: `un_sc, eu_fsf não registram CPF/CNPJ: informe name para buscá-las (por documento: ${DOCUMENT_LISTS.join(", ")})` },
    ]);
  });

  it("neither name nor document: 400 naming name", async () => {
    const e = await expectError(await search({ lists: ["cgu_ceis"] }), { status: 400, code: "invalid_screening_query", param: "name" });
    expect(e.invalid_params).toEqual([{ name: "name", reason: "informe name, document ou ambos" }]);
  });
});

describe("inactive entities never hit", () => {
  it("an ended sanction is no match, by CNPJ or by name", async () => {
    expect((await ok({ name: "Obras Encerradas Ltda", type: "pj", document: CNPJ_ENDED })).matches).toEqual([]);
    expect((await ok({ name: "Obras Encerradas Ltda" })).matches).toEqual([]);
  });

  it("a PEP past the grace period is no match, even with the visible digits and the exact name", async () => {
    const body = await ok({ name: "João Batista Lima", document: CPF_PEP, lists: ["cgu_pep"] });
    expect(body.matches).toEqual([]);
  });
});

describe("errors", () => {
  it("503 list_not_ready naming the list, for the default lists and for an explicit one; other lists still answer", async () => {
    const restore = await unseedList("uk_fcdo", "loading");
    try {
      for (const body of [{ name: "Ivan Petrov" }, { name: "Ivan Petrov", lists: ["uk_fcdo", "un_sc"] }]) {
        const e = await expectError(await search(body), { status: 503, code: "list_not_ready", type: "api_error", param: "uk_fcdo" });
        expect(e.message).toContain("uk_fcdo");
      }
      expect((await search({ name: "Ivan Petrov", lists: ["un_sc"] })).status).toBe(200);
    } finally {
      await restore();
    }
    expect((await ok({ name: "Ivan Petrov" })).matches.map((m: any) => m.list)).toEqual(["uk_fcdo"]);
  });

  const BAD: [string, unknown, string][] = [
    ["no name", { type: "pf" }, "name"],
    ["empty name", { name: "" }, "name"],
    ["blank name", { name: "   " }, "name"],
    ["name over 300 characters", { name: "a".repeat(301) }, "name"],
    ["name not a string", { name: 42 }, "name"],
    ["unknown type", { name: "X Y", type: "pessoa" }, "type"],
    ["birth date not a date", { name: "X Y", birth_date: "1990-13-01" }, "birth_date"],
    ["birth date in another format", { name: "X Y", birth_date: "01/02/1990" }, "birth_date"],
    ["nationality of 3 letters", { name: "X Y", nationality: "BRA" }, "nationality"],
    ["CPF with wrong check digits", { name: "X Y", document: "529.982.247-24" }, "document"],
    ["document of 12 digits", { name: "X Y", document: "123456789012" }, "document"],
    ["CNPJ for a person", { name: "X Y", type: "pf", document: CNPJ_CEIS }, "document"],
    ["CPF for a company", { name: "X Y", type: "pj", document: CPF_PEP }, "document"],
    ["unknown list", { name: "X Y", lists: ["ofac_sdn", "interpol"] }, "lists[1]"],
    ["empty lists", { name: "X Y", lists: [] }, "lists"],
    ["threshold over 1", { name: "X Y", threshold: 1.5 }, "threshold"],
    ["threshold as text", { name: "X Y", threshold: "0.5" }, "threshold"],
    ["limit 0", { name: "X Y", limit: 0 }, "limit"],
    ["limit 51", { name: "X Y", limit: 51 }, "limit"],
    ["limit not an integer", { name: "X Y", limit: 2.5 }, "limit"],
    ["unknown field", { name: "X Y", fuzzy: true }, "fuzzy"],
  ];
  for (const [what, body, param] of BAD) {
    it(`400 invalid_screening_query: ${what} (param ${param})`, async () => {
      const e = await expectError(await search(body), { status: 400, code: "invalid_screening_query", param });
      expect(e.invalid_params?.[0]?.name).toBe(param);
    });
  }

  it("malformed JSON is invalid_json; a key without screening:read is refused; no key is 401", async () => {
    await expectError(await call("POST", PATH, { key: test, rawBody: "{", headers: { "content-type": "application/json" } }), {
      status: 400,
      code: "invalid_json",
    });
    const tenant = await createTenant();
    const runsOnly = await createKey(tenant.id, "test", ["runs:write", "runs:read"]);
    const e = await expectError(await search({ name: "Abdul Hai Salek" }, runsOnly), { status: 403, code: "insufficient_scope" });
    expect(e.message).toContain("screening:read");
    await expectError(await call("POST", PATH, { body: { name: "Abdul Hai Salek" } }), { status: 401, code: "missing_api_key" });
  });
});
