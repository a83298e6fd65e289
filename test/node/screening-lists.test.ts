// List parsers on the real (and the realistic hand-made) files in
// test/fixtures/lists: counts, chosen entities field by field, the BR lists
// row by row against truth.json, and the same output whatever the chunking.
import { describe, expect, it } from "vitest";
import { LIST_PARSERS, type ListFiles } from "../../src/screening/lists";
import type { ListEntity, ListId } from "../../src/screening/types";

// Node's fs through a dynamic import with its one signature typed here: the
// project's tsconfig carries Workers types, not @types/node (as in import-cycles.test.ts).
const fsModule = "node:fs";
const { readFileSync } = (await import(fsModule)) as { readFileSync(file: URL): Uint8Array };

const DIR = new URL("../fixtures/lists/", (import.meta as unknown as { url: string }).url);
const AS_OF = "2026-11-30";

function bytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(path, DIR)));
}

async function* chunks(b: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += size) yield b.slice(i, i + size);
}

type Paths = { primary: string; alt?: string; add?: string; comments?: string };

async function parse(id: ListId, paths: Paths, opts: { asOf?: string; chunk?: number } = {}): Promise<ListEntity[]> {
  const size = opts.chunk ?? 65536;
  const files: ListFiles = { primary: chunks(bytes(paths.primary), size) };
  for (const k of ["alt", "add", "comments"] as const) {
    const p = paths[k];
    if (p) files[k] = chunks(bytes(p), size);
  }
  const out: ListEntity[] = [];
  for await (const e of LIST_PARSERS[id](files, { asOf: opts.asOf ?? AS_OF })) out.push(e);
  return out;
}

const SDN: Paths = { primary: "ofac-sdn/sdn.csv", alt: "ofac-sdn/alt.csv", add: "ofac-sdn/add.csv", comments: "ofac-sdn/sdn_comments.csv" };
const CONS: Paths = {
  primary: "ofac-cons/cons_prim.csv",
  alt: "ofac-cons/cons_alt.csv",
  add: "ofac-cons/cons_add.csv",
  comments: "ofac-cons/cons_comments.csv",
};

const byId = (list: ListEntity[], id: string) => {
  const e = list.find((x) => x.entity_id === id);
  if (!e) throw new Error(`entity ${id} not parsed`);
  return e;
};

describe("OFAC SDN (real 2019 snapshot, trimmed)", async () => {
  const sdn = await parse("ofac_sdn", SDN);

  it("reads every entry once, with the SDN_Type mapped", () => {
    expect(sdn).toHaveLength(310);
    expect(new Set(sdn.map((e) => e.entity_id)).size).toBe(310);
    expect(byId(sdn, "36")).toMatchObject({ name: "AEROCARIBBEAN AIRLINES", entity_type: "organization", programs: ["CUBA"] });
    expect(byId(sdn, "4234").entity_type).toBe("vessel");
    expect(byId(sdn, "15431").entity_type).toBe("aircraft");
    expect(byId(sdn, "587")).toMatchObject({ name: "CRUZ, Juan M. de la", entity_type: "person" });
  });

  it("an individual: LAST, First kept, DOB / POB / gender / passport / national ID out of Remarks", () => {
    expect(byId(sdn, "26235")).toEqual({
      list: "ofac_sdn",
      entity_id: "26235",
      entity_type: "person",
      name: "MALKEVICH, Alexander Aleksandrovich",
      aliases: [],
      birth_dates: ["1975-06-14"],
      nationalities: [],
      documents: [
        { kind: "passport", value: "717637093", country: "RU" },
        { kind: "national_id", value: "781005202108" },
      ],
      programs: ["CYBER2"],
      listed_on: null,
      active: true,
      details: { address_countries: "RU", gender: "Male", place_of_birth: "Leningrad, Russia" },
    });
  });

  it("DOB circa, DOB year ranges (years and full dates), citizen, weak a.k.a. in Remarks", () => {
    expect(byId(sdn, "7782").birth_dates).toEqual(["1951"]);
    expect(byId(sdn, "15496").birth_dates).toEqual(["1929", "1930"]);
    expect(byId(sdn, "15960").birth_dates).toEqual(["1953", "1954"]);
    const e = byId(sdn, "6915");
    expect(e.nationalities).toEqual(["EG"]);
    expect(e.aliases).toEqual(expect.arrayContaining([{ name: "ABU MARIAM", weak: true }, { name: "SALEH", weak: true }]));
  });

  it("ALT names are strong aliases; ADD countries go to an organisation's nationalities", () => {
    const bnc = byId(sdn, "306");
    expect(bnc.aliases).toContainEqual({ name: "NATIONAL BANK OF CUBA" });
    expect(bnc.aliases).toContainEqual({ name: "BNC", weak: true });
    expect(bnc.nationalities).toEqual(expect.arrayContaining(["CH", "ES", "JP"]));
  });

  it("Cedula, R.F.C. and C.U.R.P. numbers with their countries", () => {
    const e = byId(sdn, "12300");
    expect(e.documents).toEqual(
      expect.arrayContaining([
        { kind: "national_id", value: "7548733", country: "CO" },
        { kind: "passport", value: "AL720622", country: "CO" },
        { kind: "tax_id", value: "CIVJ650513LJA", country: "MX" },
        { kind: "national_id", value: "CIVJ650513HNEFLR06", country: "MX" },
      ]),
    );
    expect(e.birth_dates).toEqual(["1965-05-13", "1968-04-13", "1964-07-07"]);
  });
});

describe("OFAC consolidated (real, whole)", async () => {
  const cons = await parse("ofac_cons", CONS);

  it("reads all 442 entries of the CRLF file, ignoring the trailing 0x1A byte", () => {
    expect(cons).toHaveLength(442);
    expect(cons.every((e) => /^\d+$/.test(e.entity_id) && e.name)).toBe(true);
  });

  it("remarks spill-over: cons_comments.csv continues Remarks mid-word", () => {
    // CONS_PRIM ends "…Registration Numbe"; the comments row continues "r 1027700342890 (Russia); …; a.k.a. 'RUSAG'."
    const e = byId(cons, "17014");
    expect(e.documents).toContainEqual({ kind: "other", value: "1027700342890", country: "RU" });
    expect(e.aliases).toContainEqual({ name: "RUSAG", weak: true });
    expect(e.programs).toEqual(["UKRAINE-EO13662", "RUSSIA-EO14024"]);
  });

  it("without the comments file the spilled part is simply missing", async () => {
    const { comments: _, ...noComments } = CONS;
    const e = byId(await parse("ofac_cons", noComments), "17014");
    expect(e.aliases).not.toContainEqual({ name: "RUSAG", weak: true });
  });
});

describe("UN Security Council (real, whole)", async () => {
  const un = await parse("un_sc", { primary: "un/consolidated.xml" });

  it("730 individuals and 273 entities", () => {
    expect(un.filter((e) => e.entity_type === "person")).toHaveLength(730);
    expect(un.filter((e) => e.entity_type === "organization")).toHaveLength(273);
  });

  it("an individual: name parts joined, original script as alias, exact DOB, nationality, program, listed_on", () => {
    expect(byId(un, "6908048")).toMatchObject({
      name: "SADDAM HUSSEIN AL-TIKRITI",
      aliases: [{ name: "Abu Ali", weak: true }, { name: "صدام حسين التكريتي" }],
      birth_dates: ["1937-04-28"],
      nationalities: ["IQ"],
      programs: ["Iraq"],
      listed_on: "2003-06-27",
      details: { reference_number: "IQi.001" },
    });
  });

  it("QUALITY Low aliases are weak, Good ones strong; entity aliases (a.k.a./f.k.a.) strong", () => {
    expect(byId(un, "6907995").aliases).toEqual([
      { name: "Rumuli", weak: true },
      { name: "Byiringiro Victor Rumuli" },
      { name: "Victor Rumuri" },
      { name: "Michel Byiringiro" },
    ]);
    const adf = byId(un, "6908402");
    expect(adf).toMatchObject({ name: "ADF", entity_type: "organization", programs: ["DRC"] });
    expect(adf.aliases).toContainEqual({ name: "Allied Democratic Forces" });
    expect(adf.aliases).toContainEqual({ name: "Forces Démocratiques Alliées-Armée Nationale de Libération de l’Ouganda" });
  });

  it("DOB BETWEEN spells out the years; APPROXIMATELY keeps the year; documents with their country", () => {
    const between = un.find((e) => e.birth_dates.includes("1973") && e.birth_dates.includes("1974"));
    expect(between).toBeDefined();
    expect(un.filter((e) => e.documents.some((d) => d.kind === "passport")).length).toBeGreaterThan(100);
    expect(un.flatMap((e) => e.documents).every((d) => d.value.trim() === d.value && d.value)).toBe(true);
  });
});

interface TruthRow {
  type?: "pf" | "pj";
  document: string;
  name: string;
  end?: string;
  ended?: boolean;
  carencia?: string;
}
const truth = JSON.parse(new TextDecoder().decode(bytes("br/truth.json"))) as Record<"ceis" | "cnep" | "pep" | "mte", TruthRow[]>;

/** dd/mm/yyyy → yyyy-mm-dd */
const iso = (d: string) => d.split("/").reverse().join("-");

function expectDocument(e: ListEntity, t: TruthRow, masked: boolean) {
  if (t.document.length === 14) expect(e.documents).toEqual([{ kind: "cnpj", value: t.document }]);
  else if (masked) expect(e.documents).toEqual([{ kind: "cpf_masked", value: t.document.slice(3, 9) }]);
  else expect(e.documents).toEqual([{ kind: "cpf", value: t.document }]);
}

describe.each([
  ["cgu_ceis", "ceis"],
  ["cgu_cnep", "cnep"],
] as const)("%s (synthetic, official layout, ZIP)", async (id, key) => {
  const rows = truth[key];
  const list = await parse(id, { primary: `br/${key}.zip` });

  it("one entity per row, in order: document (masked CPF digits 4–9 or CNPJ), name, type", () => {
    expect(list).toHaveLength(rows.length);
    rows.forEach((t, i) => {
      const e = list[i];
      expect(e.name).toBe(t.name);
      expect(e.entity_type).toBe(t.type === "pf" ? "person" : "organization");
      expectDocument(e, t, true);
    });
    expect(new Set(list.map((e) => e.entity_id)).size).toBe(rows.length);
  });

  it("a sanction whose DATA FINAL is before asOf is inactive; open-ended ones stay active", async () => {
    const asOf = "2029-06-01";
    const later = await parse(id, { primary: `br/${key}.zip` }, { asOf });
    rows.forEach((t, i) => expect(later[i].active).toBe(!t.end || iso(t.end) >= asOf));
    expect(later.some((e) => !e.active)).toBe(true);
    expect(list.every((e) => e.active)).toBe(true); // every end date in the file is after 2026-11-30
  });

  it("details carry categoria, órgão, processo and ISO dates", () => {
    expect(list[0].details).toMatchObject({
      cadastro: key.toUpperCase(),
      codigo_sancao: "100000",
      categoria: expect.any(String),
      orgao_sancionador: expect.any(String),
      processo: expect.stringMatching(/^\d{5}\.\d{6}\/\d{4}-\d{2}$/),
      data_inicio: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    if (id === "cgu_cnep") expect(list[0].details.valor_multa).toBe("779063,00");
  });
});

describe("cgu_pep (synthetic, official layout, ZIP)", async () => {
  const rows = truth.pep;
  const list = await parse("cgu_pep", { primary: "br/pep.zip" });

  it("one person per row with the masked CPF's visible digits", () => {
    expect(list).toHaveLength(rows.length);
    rows.forEach((t, i) => {
      expect(list[i]).toMatchObject({ name: t.name, entity_type: "person" });
      expectDocument(list[i], t, true);
    });
  });

  it("active while Data_Fim_Carência is today or later, or not informed (5-year grace, COAF Res. 40/2021)", () => {
    rows.forEach((t, i) => {
      const expected = t.carencia === "Não informada" || iso(t.carencia!) >= AS_OF;
      expect(list[i].active, `${t.name} ${t.carencia}`).toBe(expected);
    });
    expect(list.filter((e) => !e.active).length).toBeGreaterThan(0);
    expect(list.filter((e) => e.active).length).toBeGreaterThan(0);
  });
});

describe("mte_empregadores (synthetic, official layout)", async () => {
  const rows = truth.mte;
  const list = await parse("mte_empregadores", { primary: "br/cadastro_empregadores.csv" });

  it("skips the title, update and source lines; CPF / CNPJ in clear", () => {
    expect(list).toHaveLength(rows.length);
    rows.forEach((t, i) => {
      expect(list[i]).toMatchObject({ name: t.name, entity_type: t.type === "pf" ? "person" : "organization", active: true });
      expectDocument(list[i], t, false);
    });
    expect(list[0].details).toEqual({
      uf: "RS",
      ano_acao_fiscal: "2024",
      estabelecimento: "Fazenda Cachoeira, zona rural, Balsas",
      trabalhadores_envolvidos: "44",
      cnae: "0151-2/01",
      decisao_administrativa: "2020-12-20",
      inclusao: "27/06/2022",
    });
    expect(list[0].listed_on).toBe("2022-06-27");
  });
});

describe("EU FSF 1.1 (hand-made, documented layout)", async () => {
  const eu = await parse("eu_fsf", { primary: "eu/fsf-1.1-sample.xml" });

  it("five subjects, persons and enterprises, keyed by logicalId", () => {
    expect(eu.map((e) => [e.entity_id, e.entity_type])).toEqual([
      ["900101", "person"],
      ["900102", "person"],
      ["900103", "organization"],
      ["900104", "person"],
      ["900105", "person"],
    ]);
  });

  it("first strong wholeName is the name; Cyrillic alias strong, strong=false alias weak; citizenships; documents; programme; first publication date", () => {
    expect(eu[0]).toEqual({
      list: "eu_fsf",
      entity_id: "900101",
      entity_type: "person",
      name: "Ivan Petrovich KOROVIN",
      aliases: [{ name: "Иван Петрович КОРОВИН" }, { name: "Ivan KOROWIN", weak: true }],
      birth_dates: ["1966-04-17"],
      nationalities: ["RU", "CY"],
      documents: [
        { kind: "passport", value: "720000001", country: "RU" },
        { kind: "tax_id", value: "590000000001", country: "RU" },
      ],
      programs: ["RUS"],
      listed_on: "2022-03-09",
      active: true,
      details: { eu_reference_number: "EU.9001.11", function: "Chief executive of Obrazets Holding", gender: "Male" },
    });
  });

  it("circa years, month-only dates, year ranges; designationDate wins over the regulation date", () => {
    expect(eu[1]).toMatchObject({
      birth_dates: ["1968", "1970"],
      listed_on: "2009-07-20",
      aliases: [{ name: "عبد الكريم الفهداوي" }, { name: "Abu Yasir", weak: true }],
    });
    expect(eu[3].birth_dates).toEqual(["1979-08"]);
    expect(eu[4]).toMatchObject({ birth_dates: ["1985", "1986", "1987"], aliases: [{ name: "陈示例" }] });
    expect(eu[2]).toMatchObject({ nationalities: ["RU"], documents: [{ kind: "other", value: "1027700000001", country: "RU" }] });
  });
});

describe("UK FCDO (hand-made, documented layout)", async () => {
  const uk = await parse("uk_fcdo", { primary: "uk/uk-sanctions-list-sample.xml" });

  it("Name1…Name6 joined, Primary Name first, variations and aliases, non-Latin names; DOBs; nationalities; regime; date designated", () => {
    expect(uk[0]).toMatchObject({
      entity_id: "RUS9001",
      entity_type: "person",
      name: "Ivan Petrovich KOROVIN",
      aliases: [{ name: "Ivan KOROWIN", weak: true }, { name: "Iwan Petrowitsch KOROWIN" }, { name: "Иван Петрович КОРОВИН" }],
      birth_dates: ["1966-04-17"],
      nationalities: ["RU", "CY"],
      documents: [{ kind: "passport", value: "720000001" }],
      programs: ["Russia"],
      listed_on: "2022-03-15",
    });
  });

  it("partial DOBs (dd/mm/1968, 00/00/1970, dd/07/1971), entities, ships with flag and IMO", () => {
    expect(uk[1].birth_dates).toEqual(["1968", "1970"]);
    expect(uk[4]).toMatchObject({ name: "Kim Yong Ho PAK", birth_dates: ["1971-07"], nationalities: ["KP"], listed_on: null });
    expect(uk[2]).toMatchObject({ entity_type: "organization", name: "OBRAZETS HOLDING JOINT STOCK COMPANY", nationalities: ["RU"] });
    expect(uk[3]).toMatchObject({
      entity_type: "vessel",
      nationalities: ["CM"],
      documents: [{ kind: "other", value: "IMO 9000001" }],
    });
  });
});

describe("chunk boundaries anywhere: same entities for 1-byte, 7-byte and 64 KiB chunks", () => {
  const cases: [ListId, Paths][] = [
    ["cgu_ceis", { primary: "br/ceis.zip" }],
    ["cgu_cnep", { primary: "br/cnep.zip" }],
    ["cgu_pep", { primary: "br/pep.zip" }],
    ["mte_empregadores", { primary: "br/cadastro_empregadores.csv" }],
    ["eu_fsf", { primary: "eu/fsf-1.1-sample.xml" }],
    ["uk_fcdo", { primary: "uk/uk-sanctions-list-sample.xml" }],
    ["ofac_cons", CONS],
  ];
  it.each(cases)("%s", async (id, paths) => {
    const whole = await parse(id, paths);
    expect(whole.length).toBeGreaterThan(0);
    expect(await parse(id, paths, { chunk: 7 })).toEqual(whole);
    if (id !== "ofac_cons") expect(await parse(id, paths, { chunk: 1 })).toEqual(whole);
  });

  it("un_sc (2 MB of UTF-8 with Arabic script, 7-byte chunks split multi-byte characters)", async () => {
    const p = { primary: "un/consolidated.xml" };
    expect(await parse("un_sc", p, { chunk: 7 })).toEqual(await parse("un_sc", p));
  });
});
