// Hand-made edge cases for the list parsers, run inside workerd (the runtime
// the ingest uses): OFAC's `-0-`, remarks spill-over, `LAST, First`, quotes in
// quoted fields; masked CPFs in both spellings, ended sanctions, the PEP grace
// period, re-listed employers; non-Latin names; ZIPs with and without data
// descriptors; and identical output whatever the chunk boundaries.
import { Zip, ZipDeflate, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { cguFileUrl, LIST_PARSERS, type ListFiles } from "../lists";
import type { ListEntity, ListId, ParseOptions } from "../types";
import { brDocument, mteInclusions } from "./brazil";
import { countryCode } from "./countries";
import { ofacDobValues, parseOfacRemarks } from "./ofac";
import { CsvTokenizer, FileRefused, READ_LIMITS, sniff, textEncodingOf, unzipFirstFile, xmlRoot } from "./stream";
import { syntheticEuXml, syntheticOfac, syntheticPepZip } from "./synthetic";
import { zipBomb } from "../../../test/helpers/zip-bomb";

const AS_OF = "2026-11-30";
const utf8 = (s: string) => new TextEncoder().encode(s);
/** ISO-8859-1 bytes, as the CGU and MTE publish. */
const latin1 = (s: string) =>
  Uint8Array.from(s, (ch) => {
    const c = ch.charCodeAt(0);
    if (c > 0xff) throw new Error(`not latin1: ${ch}`);
    return c;
  });

async function* chunks(b: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += size) yield b.slice(i, i + size);
}

type Inputs = { primary: Uint8Array } & Partial<Record<"alt" | "add" | "comments", Uint8Array>>;

async function parse(id: ListId, input: Inputs, opts: { asOf?: string; chunk?: number; encodings?: ParseOptions["encodings"] } = {}): Promise<ListEntity[]> {
  const size = opts.chunk ?? 1 << 16;
  const files: ListFiles = { primary: chunks(input.primary, size) };
  for (const k of ["alt", "add", "comments"] as const) {
    const b = input[k];
    if (b) files[k] = chunks(b, size);
  }
  const out: ListEntity[] = [];
  for await (const e of LIST_PARSERS[id](files, { asOf: opts.asOf ?? AS_OF, encodings: opts.encodings })) out.push(e);
  return out;
}

/** Same entities for 1-byte, 7-byte and whole-file chunks. */
async function parseEveryWay(id: ListId, input: Inputs, asOf?: string): Promise<ListEntity[]> {
  const whole = await parse(id, input, { asOf, chunk: 1 << 30 });
  expect(await parse(id, input, { asOf, chunk: 7 })).toEqual(whole);
  expect(await parse(id, input, { asOf, chunk: 1 })).toEqual(whole);
  return whole;
}

function zipStreamed(name: string, data: Uint8Array): Uint8Array {
  // fflate's streaming writer puts the sizes in a data descriptor after the data (flag bit 3), like Java's ZipOutputStream.
  const parts: Uint8Array[] = [];
  const zip = new Zip((err, chunk) => {
    if (err) throw err;
    parts.push(chunk);
  });
  const file = new ZipDeflate(name, { level: 6 });
  zip.add(file);
  file.push(data, true);
  zip.end();
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe("sniff", () => {
  it("tells a ZIP, XML (with BOM or leading blanks) and CSV apart by their first bytes", () => {
    expect(sniff(zipSync({ "a.csv": utf8("x") }).subarray(0, 4))).toBe("zip");
    expect(sniff(utf8('<?xml version="1.0"?><a/>'))).toBe("xml");
    expect(sniff(utf8('\ufeff\r\n  <CONSOLIDATED_LIST>'))).toBe("xml");
    expect(sniff(latin1('"CADASTRO";"CÓDIGO DA SANÇÃO"'))).toBe("csv");
    expect(sniff(utf8("36,\"AEROCARIBBEAN AIRLINES\",-0- "))).toBe("csv");
  });
});

describe("CSV tokenizer", () => {
  it("quoted fields keep delimiters, doubled quotes and line breaks; CRLF split across chunks ends one row", () => {
    const text = 'a;"b;c";"say ""hi""";"two\r\nlines"\r\n;x;;"" \r\n\r\nlast';
    const expected = [
      ["a", "b;c", 'say "hi"', "two\r\nlines"],
      ["", "x", "", " "],
      ["last"],
    ];
    for (const size of [1, 2, 3, 5, text.length]) {
      const tok = new CsvTokenizer(";");
      const rows: string[][] = [];
      for (let i = 0; i < text.length; i += size) tok.push(text.slice(i, i + size), rows);
      tok.end(rows);
      expect(rows, `chunk ${size}`).toEqual(expected);
    }
  });
});

// ---------------------------------------------------------------------------
// OFAC

const CRLF = (lines: string[]) => lines.join("\r\n") + "\r\n\x1a";

const OFAC_PRIMARY = CRLF([
  '100,"DOE, John Michael","individual","SDGT] [IFSR","Commander, ""Unit 1""",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 10 Jul 1955; alt. DOB Aug 1956; alt. DOB circa 1960; alt. DOB 1961 to 1963; POB Baghdad, Iraq; nationality Iraq; alt. citizen Korea, North; Passport A123456 (Iraq) issued 01 Jan 2001 expires 01 Jan 2011; National ID No. 987654 (Iraq); Cedula No. 7548733 (Colombia); Gender Male; a.k.a. \'ABU JOHN\'; a.k.a. \'AL-QA\'IDA MAN\'."',
  '200,"EXAMPLE TRADING, LLC",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Registration Number 555 (United Arab Emirates); nationality United Arab Emir"',
  '300,"SEA STAR","vessel","CUBA",-0- ,"ABC1","General Cargo","1000","500","Panama","Owner Co. S.A.",-0- ',
  '400,"EP-XYZ","aircraft","IRAN",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Aircraft Manufacturer\'s Serial Number (MSN) 1023409321; Linked To: EXAMPLE TRADING, LLC."',
  '500,"SOLO, Ana","individual","SDNTK",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
]);
const OFAC_ALT = CRLF([
  '100,1,"aka","DOE, Johnny",-0- ',
  '100,2,"aka","DOE, J.","weak alias"',
  '200,3,"fka","EXAMPLE TRADING FZE",-0- ',
  '200,4,"aka","EXAMPLE TRADING, LLC",-0- ',
]);
const OFAC_ADD = CRLF([
  '100,1,-0- ,"Amman","Jordan",-0- ',
  '200,2,"Street 1, Tower ""A""","Dubai","United Arab Emirates",-0- ',
  '200,3,-0- ,"Tehran","Iran",-0- ',
]);
// Remarks past 1,000 characters continue here, mid-word; 500 has only a continuation.
const OFAC_COMMENTS = CRLF([
  '200,"ates; Tax ID No. 777 (Iran); a.k.a. \'EXTRA\'."',
  '500,"DOB 1970; citizen Brazil; C.P.F. 123.456.789-09 (Brazil)."',
]);

describe("OFAC CSV", () => {
  const input = { primary: utf8(OFAC_PRIMARY), alt: utf8(OFAC_ALT), add: utf8(OFAC_ADD), comments: utf8(OFAC_COMMENTS) };

  it("an individual: LAST, First kept, programs split, quoted title, Remarks parsed, ALT aliases (weak ones flagged), address country only shown", async () => {
    const [doe] = await parseEveryWay("ofac_sdn", input);
    expect(doe).toEqual({
      list: "ofac_sdn",
      entity_id: "100",
      entity_type: "person",
      name: "DOE, John Michael",
      aliases: [
        { name: "DOE, Johnny" },
        { name: "DOE, J.", weak: true },
        { name: "ABU JOHN", weak: true },
        { name: "AL-QA'IDA MAN", weak: true },
      ],
      birth_dates: ["1955-07-10", "1956-08", "1960", "1961", "1962", "1963"],
      nationalities: ["IQ", "KP"],
      documents: [
        { kind: "passport", value: "A123456", country: "IQ" },
        { kind: "national_id", value: "987654", country: "IQ" },
        { kind: "national_id", value: "7548733", country: "CO" },
      ],
      programs: ["SDGT", "IFSR"],
      listed_on: null,
      active: true,
      details: { title: 'Commander, "Unit 1"', gender: "Male", place_of_birth: "Baghdad, Iraq", address_countries: "JO" },
    });
  });

  it("-0- type is an organisation; Remarks spill-over joined mid-word; the primary name is not repeated as an alias", async () => {
    const list = await parseEveryWay("ofac_sdn", input);
    expect(list.find((e) => e.entity_id === "200")).toEqual({
      list: "ofac_sdn",
      entity_id: "200",
      entity_type: "organization",
      name: "EXAMPLE TRADING, LLC",
      aliases: [{ name: "EXAMPLE TRADING FZE" }, { name: "EXTRA", weak: true }],
      birth_dates: [],
      nationalities: ["AE", "IR"],
      documents: [
        { kind: "other", value: "555", country: "AE" },
        { kind: "tax_id", value: "777", country: "IR" },
      ],
      programs: ["SDGT"],
      listed_on: null,
      active: true,
      details: {},
    });
  });

  it("vessel and aircraft types, vessel flag as nationality, -0- Remarks with a comments-only continuation (CPF in clear)", async () => {
    const list = await parseEveryWay("ofac_cons", input);
    expect(list.map((e) => [e.entity_id, e.entity_type, e.list])).toEqual([
      ["100", "person", "ofac_cons"],
      ["200", "organization", "ofac_cons"],
      ["300", "vessel", "ofac_cons"],
      ["400", "aircraft", "ofac_cons"],
      ["500", "person", "ofac_cons"],
    ]);
    expect(list[2]).toMatchObject({
      nationalities: ["PA"],
      details: { call_sign: "ABC1", vessel_type: "General Cargo", vessel_flag: "Panama", vessel_owner: "Owner Co. S.A." },
    });
    expect(list[3].documents).toEqual([{ kind: "other", value: "1023409321" }]);
    expect(list[4]).toMatchObject({
      birth_dates: ["1970"],
      nationalities: ["BR"],
      documents: [{ kind: "cpf", value: "12345678909", country: "BR" }],
    });
  });

  it("works without the optional files", async () => {
    const list = await parse("ofac_sdn", { primary: utf8(OFAC_PRIMARY) });
    expect(list).toHaveLength(5);
    expect(list[0].aliases).toEqual([
      { name: "ABU JOHN", weak: true },
      { name: "AL-QA'IDA MAN", weak: true },
    ]);
  });

  it("DOB forms and Remarks bits", () => {
    expect(ofacDobValues("1955")).toEqual(["1955"]);
    expect(ofacDobValues("10 Jul 1955.")).toEqual(["1955-07-10"]);
    expect(ofacDobValues("circa 1960")).toEqual(["1960"]);
    expect(ofacDobValues("1960 to 1962")).toEqual(["1960", "1961", "1962"]);
    expect(ofacDobValues("01 Jan 1961 to 31 Dec 1962")).toEqual(["1961", "1962"]);
    expect(ofacDobValues("circa 1958-1959")).toEqual(["1958", "1959"]);
    expect(ofacDobValues("1900 to 1990")).toEqual(["1900", "1990"]);
    expect(ofacDobValues("unknown")).toEqual([]);
    expect(parseOfacRemarks("nationality possibly Palestinian; citizen Congo, Democratic Republic of the.; Nationality of Registration Panama")).toMatchObject({
      nationalities: ["PS", "CD", "PA"],
    });
    expect(parseOfacRemarks("Website www.example.com; Phone Number 12345; Linked To: X").documents).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// CGU CEIS / CNEP

const CEIS_HEADER =
  '"CADASTRO";"CÓDIGO DA SANÇÃO";"TIPO DE PESSOA";"CPF OU CNPJ DO SANCIONADO";"NOME DO SANCIONADO";"NOME INFORMADO PELO ÓRGÃO SANCIONADOR";"RAZÃO SOCIAL - CADASTRO RECEITA";"NOME FANTASIA - CADASTRO RECEITA";"NÚMERO DO PROCESSO";"CATEGORIA DA SANÇÃO";"DATA INÍCIO SANÇÃO";"DATA FINAL SANÇÃO";"DATA PUBLICAÇÃO";"PUBLICAÇÃO";"DETALHAMENTO DO MEIO DE PUBLICAÇÃO";"DATA DO TRÂNSITO EM JULGADO";"ABRAGÊNCIA DA SANÇÃO";"ÓRGÃO SANCIONADOR";"UF ÓRGÃO SANCIONADOR";"ESFERA ÓRGÃO SANCIONADOR";"FUNDAMENTAÇÃO LEGAL";"DATA ORIGEM INFORMAÇÃO";"ORIGEM INFORMAÇÕES";"OBSERVAÇÕES"';
const ceisRow = (cells: string[]) => cells.map((c) => `"${c.replace(/"/g, '""')}"`).join(";");
const CEIS_CSV = [
  CEIS_HEADER,
  // Masked CPF, dotted spelling; sanction ended before asOf.
  ceisRow(["CEIS", "5001", "F", "***.921.012-**", "JOÃO DA SILVA", "JOAO DA SILVA", "", "", "00190.000001/2019-11", "Impedimento/proibição de contratar com prazo determinado", "01/02/2020", "01/02/2025", "03/02/2020", "Diário Oficial", "Seção 3", "", "Todas as esferas", "Prefeitura de Belém", "PA", "MUNICIPAL", "Lei 14.133/2021; art. 156", "04/02/2020", "CGU", ""]),
  // Masked CPF, compact spelling; no end date.
  ceisRow(["CEIS", "5002", "F", "***921012**", "MARIA JOSÉ D'ÁVILA", "MARIA JOSÉ D'ÁVILA", "", "", "00190.000002/2021-22", "Inidoneidade - Legislação Estadual", "10/10/2021", "", "11/10/2021", "Diário Oficial", "", "", "Âmbito do órgão sancionador", "Governo do Estado de São Paulo", "SP", "ESTADUAL", "", "", "CGU", ""]),
  // CNPJ with quotes and a `;` inside quoted fields; ends on asOf (still in force that day).
  ceisRow(["CEIS", "5003", "J", "12.345.678/0001-95", "CONSTRUTORA \"ALFA\"; FILIAL NORTE LTDA", "CONSTRUTORA ALFA LTDA", "CONSTRUTORA \"ALFA\"; FILIAL NORTE LTDA", "ALFA OBRAS", "00190.000003/2022-33", "Suspensão - Lei de Licitações", "01/12/2025", "30/11/2026", "02/12/2025", "Diário Oficial", "", "", "Âmbito do órgão sancionador", "Ministério da Saúde", "DF", "FEDERAL", "", "", "CGU", "Obs: \"sem\" recurso"]),
  // Alphanumeric CNPJ (from July 2026 on).
  ceisRow(["CEIS", "5004", "J", "12.ABC.345/01DE-35", "NOVA ERA SERVIÇOS S.A.", "", "", "", "", "Proibição - Lei de Improbidade", "15/01/2026", "15/01/2031", "", "", "", "", "", "Tribunal de Contas da União", "DF", "FEDERAL", "", "", "", ""]),
].join("\r\n") + "\r\n";

describe("CGU CEIS / CNEP", () => {
  it("masked CPFs in both spellings → the same 6 digits; CNPJ exact (alphanumeric too); quoted quotes and ';'; ended sanction inactive", async () => {
    const list = await parseEveryWay("cgu_ceis", { primary: latin1(CEIS_CSV) });
    expect(list.map((e) => [e.entity_id, e.entity_type, e.documents, e.active])).toEqual([
      ["***921012**:5001", "person", [{ kind: "cpf_masked", value: "921012" }], false],
      ["***921012**:5002", "person", [{ kind: "cpf_masked", value: "921012" }], true],
      ["12345678000195:5003", "organization", [{ kind: "cnpj", value: "12345678000195" }], true],
      ["12ABC34501DE35:5004", "organization", [{ kind: "cnpj", value: "12ABC34501DE35" }], true],
    ]);
    expect(list[0]).toEqual({
      list: "cgu_ceis",
      entity_id: "***921012**:5001",
      entity_type: "person",
      name: "JOÃO DA SILVA",
      aliases: [{ name: "JOAO DA SILVA" }],
      birth_dates: [],
      nationalities: [],
      documents: [{ kind: "cpf_masked", value: "921012" }],
      programs: ["Impedimento/proibição de contratar com prazo determinado"],
      listed_on: "2020-02-01",
      active: false,
      details: {
        cadastro: "CEIS",
        codigo_sancao: "5001",
        categoria: "Impedimento/proibição de contratar com prazo determinado",
        orgao_sancionador: "Prefeitura de Belém",
        uf_orgao_sancionador: "PA",
        esfera: "MUNICIPAL",
        processo: "00190.000001/2019-11",
        data_inicio: "2020-02-01",
        data_fim: "2025-02-01",
        data_publicacao: "2020-02-03",
        abrangencia: "Todas as esferas",
        fundamentacao_legal: "Lei 14.133/2021; art. 156",
      },
    });
    expect(list[2]).toMatchObject({
      name: 'CONSTRUTORA "ALFA"; FILIAL NORTE LTDA',
      aliases: [{ name: "CONSTRUTORA ALFA LTDA" }, { name: "ALFA OBRAS" }],
      nationalities: ["BR"],
    });
    expect(list[1].name).toBe("MARIA JOSÉ D'ÁVILA");
    // The day after its last day, 5003 is over too.
    const dayAfter = await parse("cgu_ceis", { primary: latin1(CEIS_CSV) }, { asOf: "2026-12-01" });
    expect(dayAfter.map((e) => e.active)).toEqual([false, true, false, true]);
  });

  it("recognised by content: ZIP (sizes in the header), streamed ZIP (data descriptor) and bare CSV give the same entities", async () => {
    const csv = latin1(CEIS_CSV);
    const plain = await parse("cgu_ceis", { primary: csv });
    const zipped = zipSync({ "20261125_CEIS.csv": csv });
    const streamed = zipStreamed("20261125_CEIS.csv", csv);
    expect(streamed[6] & 8).toBe(8);
    expect(await parseEveryWay("cgu_ceis", { primary: zipped })).toEqual(plain);
    expect(await parseEveryWay("cgu_ceis", { primary: streamed })).toEqual(plain);
    // A directory entry before the file is skipped.
    expect(await parse("cgu_ceis", { primary: zipSync({ "dados/": {}, "dados/ceis.csv": csv }) })).toEqual(plain);
  });

  it("takes a fetch body (ReadableStream) as it is", async () => {
    const body = new Response(zipSync({ "20261125_CEIS.csv": latin1(CEIS_CSV) })).body!;
    const out: ListEntity[] = [];
    for await (const e of LIST_PARSERS.cgu_ceis({ primary: body }, { asOf: AS_OF })) out.push(e);
    expect(out).toEqual(await parse("cgu_ceis", { primary: latin1(CEIS_CSV) }));
  });

  it("a UTF-8 re-export reads the same as the ISO-8859-1 original", async () => {
    expect(await parse("cgu_ceis", { primary: utf8(CEIS_CSV) })).toEqual(await parse("cgu_ceis", { primary: latin1(CEIS_CSV) }));
  });

  it("CNEP: the extra VALOR DA MULTA column lands in details", async () => {
    const csv = CEIS_CSV.split("\r\n")
      .filter(Boolean)
      .map((l, i) => `${l.replace(/"CEIS"/g, '"CNEP"')};"${i === 0 ? "VALOR DA MULTA" : `${i}000,50`}"`)
      .join("\r\n");
    const list = await parse("cgu_cnep", { primary: zipSync({ "x_CNEP.csv": latin1(csv) }) });
    expect(list.map((e) => [e.list, e.details.cadastro, e.details.valor_multa])).toEqual([
      ["cgu_cnep", "CNEP", "1000,50"],
      ["cgu_cnep", "CNEP", "2000,50"],
      ["cgu_cnep", "CNEP", "3000,50"],
      ["cgu_cnep", "CNEP", "4000,50"],
    ]);
  });

  it("a layout without the document column, a truncated ZIP or malformed XML fail the parse", async () => {
    const noDoc = CEIS_CSV.replace('"CPF OU CNPJ DO SANCIONADO"', '"DOCUMENTO"');
    await expect(parse("cgu_ceis", { primary: latin1(noDoc) })).rejects.toThrow(/CPF OU CNPJ DO SANCIONADO/);
    const zipped = zipSync({ "a.csv": latin1(CEIS_CSV) });
    await expect(parse("cgu_ceis", { primary: zipped.subarray(0, 200) })).rejects.toThrow();
    const streamed = zipStreamed("a.csv", latin1(CEIS_CSV));
    await expect(parse("cgu_ceis", { primary: streamed.subarray(0, 200) })).rejects.toThrow();
    await expect(parse("cgu_ceis", { primary: new Uint8Array(0) })).rejects.toThrow(/empty/);
    await expect(parse("un_sc", { primary: utf8("<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL></CONSOLIDATED_LIST>") })).rejects.toThrow();
  });

  it("an unbalanced quote or a record that never closes fails instead of growing without bound", async () => {
    const unbalanced = CEIS_CSV + '"CEIS";"9";"F";"***.111.222-**";"NOME SEM FIM' + "x".repeat(100_001);
    await expect(parse("cgu_ceis", { primary: latin1(unbalanced) })).rejects.toThrow(
      new FileRefused("um campo entre aspas do CSV passa de 100.000 caracteres (aspas sem fechar?)"),
    );
    const endless = "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>" + "<INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY></INDIVIDUAL_ALIAS>".repeat(30_000);
    await expect(parse("un_sc", { primary: utf8(endless) })).rejects.toThrow(new FileRefused("um registro <INDIVIDUAL> do XML tem mais de 50.000 elementos"));
  });

  it("document cells", () => {
    expect(brDocument("***.921.012-**")).toEqual({ kind: "cpf_masked", value: "921012" });
    expect(brDocument("***921012**")).toEqual({ kind: "cpf_masked", value: "921012" });
    expect(brDocument("123.456.789-09")).toEqual({ kind: "cpf", value: "12345678909" });
    expect(brDocument("12.345.678/0001-95")).toEqual({ kind: "cnpj", value: "12345678000195" });
    expect(brDocument("Sem informação")).toBeNull();
  });
});

// ---------------------------------------------------------------------------
// PEP

const PEP_CSV = [
  '"CPF";"Nome_PEP";"Sigla_Função";"Descrição_Função";"Nível_Função";"Nome_Órgão";"Data_Início_Exercício";"Data_Fim_Exercício";"Data_Fim_Carência"',
  '"***.531.324-**";"ANA PAULA SOUZA";"PREF";"Prefeito";"Cargo eletivo";"Prefeitura de Olinda";"01/01/2021";"Não informada";"Não informada"',
  '"***531324**";"ANA PAULA SOUZA";"DEP FED";"Deputado Federal";"Cargo eletivo";"Câmara dos Deputados";"01/02/2011";"31/01/2019";"31/01/2024"',
  '"***.111.222-**";"CARLOS ÉLCIO";"DAS-6";"Secretário Nacional";"6";"Ministério da Economia";"01/03/2020";"30/11/2021";"30/11/2026"',
  '"***.333.444-**";"LÚCIA MELO";"DAS-6";"Diretor";"6";"Banco Central";"01/03/2018";"15/12/2025";"15/12/2030"',
  '"***.555.666-**";"PEDRO ANTÔNIO";"DAS-5";"Diretor";"5";"Ministério da Saúde";"01/03/2015";"10/01/2019";"Não informada"',
].join("\r\n");

describe("CGU PEP", () => {
  it("grace period: active while Data_Fim_Carência is today or later or not informed; from Data_Fim_Exercício + 5 years when only that is known", async () => {
    const list = await parseEveryWay("cgu_pep", { primary: zipSync({ "202611_PEP.csv": latin1(PEP_CSV) }) });
    expect(list.map((e) => [e.name, e.documents[0].value, e.active, e.details.fim_carencia ?? null])).toEqual([
      ["ANA PAULA SOUZA", "531324", true, null], // in office
      ["ANA PAULA SOUZA", "531324", false, "2024-01-31"], // grace period over
      ["CARLOS ÉLCIO", "111222", true, "2026-11-30"], // last day of the grace period
      ["LÚCIA MELO", "333444", true, "2030-12-15"],
      ["PEDRO ANTÔNIO", "555666", false, "2024-01-10"], // left office in 2019, carência not informed
    ]);
    expect(list[0]).toEqual({
      list: "cgu_pep",
      entity_id: list[0].entity_id,
      entity_type: "person",
      name: "ANA PAULA SOUZA",
      aliases: [],
      birth_dates: [],
      nationalities: [],
      documents: [{ kind: "cpf_masked", value: "531324" }],
      programs: ["PEP"],
      listed_on: "2021-01-01",
      active: true,
      details: {
        funcao: "Prefeito",
        sigla_funcao: "PREF",
        nivel_funcao: "Cargo eletivo",
        orgao: "Prefeitura de Olinda",
        inicio_exercicio: "2021-01-01",
      },
    });
    // Two functions of one person: two entities, stable and distinct ids.
    expect(list[0].entity_id).toMatch(/^\*\*\*531324\*\*:[0-9a-f]{8}$/);
    expect(list[1].entity_id).not.toBe(list[0].entity_id);
    const again = await parse("cgu_pep", { primary: latin1(PEP_CSV) });
    expect(again.map((e) => e.entity_id)).toEqual(list.map((e) => e.entity_id));
    const nextDay = await parse("cgu_pep", { primary: latin1(PEP_CSV) }, { asOf: "2026-12-01" });
    expect(nextDay.map((e) => e.active)).toEqual([true, false, false, true, false]);
  });
});

// ---------------------------------------------------------------------------
// MTE Cadastro de Empregadores

const MTE_CSV = [
  "CADASTRO DE EMPREGADORES QUE TENHAM SUBMETIDO TRABALHADORES A CONDIÇÕES ANÁLOGAS À DE ESCRAVO;;;;;;;;;",
  "Atualização: 10/10/2026;;;;;;;;;",
  ";;;;;;;;;",
  "ID;Ano da ação fiscal;UF;Empregador;CNPJ/CPF;Estabelecimento;Trabalhadores envolvidos;CNAE;Decisão administrativa de procedência;Inclusão no Cadastro de Empregadores",
  "1;2023;MG;JOSÉ ALVES;123.456.789-09;Fazenda Boa Esperança, zona rural, Unaí;12;0134-2/00;10/05/2024;15/10/2024",
  '2;2019;PA;"CARVOARIA SÃO JOÃO LTDA; FILIAL 2";12.345.678/0001-95;Carvoaria, km 40;31;0220-9/02;20/02/2020;10/01/2020 a 15/03/2022, 20/08/2024',
  "3;2018;MT;FAZENDA ANTIGA S.A.;98.765.432/0001-98;Fazenda Antiga;5;0151-2/01;01/12/2018;01/01/2019 a 01/01/2021",
  ";;;;;;;;;",
  "Fonte: Ministério do Trabalho e Emprego;;;;;;;;;",
].join("\r\n");

describe("MTE Cadastro de Empregadores", () => {
  it("title and source lines skipped; CPF / CNPJ in clear; re-listed employer ('d1 a d2, d3') listed from d3; a closed last period is inactive", async () => {
    const list = await parseEveryWay("mte_empregadores", { primary: latin1(MTE_CSV) });
    expect(list.map((e) => [e.name, e.entity_type, e.documents, e.listed_on, e.active])).toEqual([
      ["JOSÉ ALVES", "person", [{ kind: "cpf", value: "12345678909" }], "2024-10-15", true],
      ["CARVOARIA SÃO JOÃO LTDA; FILIAL 2", "organization", [{ kind: "cnpj", value: "12345678000195" }], "2024-08-20", true],
      ["FAZENDA ANTIGA S.A.", "organization", [{ kind: "cnpj", value: "98765432000198" }], "2019-01-01", false],
    ]);
    expect(list[1].details).toEqual({
      uf: "PA",
      ano_acao_fiscal: "2019",
      estabelecimento: "Carvoaria, km 40",
      trabalhadores_envolvidos: "31",
      cnae: "0220-9/02",
      decisao_administrativa: "2020-02-20",
      inclusao: "10/01/2020 a 15/03/2022, 20/08/2024",
      primeira_inclusao: "2020-01-10",
    });
    expect(list[0].entity_id).toMatch(/^12345678909:2023:[0-9a-f]{8}$/);
    // The ID column is a row number that changes between releases: never part of the key.
    const renumbered = MTE_CSV.replace("\r\n1;2023;", "\r\n77;2023;");
    expect((await parse("mte_empregadores", { primary: latin1(renumbered) }))[0].entity_id).toBe(list[0].entity_id);
  });

  it("inclusion periods", () => {
    expect(mteInclusions("15/10/2024")).toEqual({ current: "2024-10-15", first: "2024-10-15", ended: null });
    expect(mteInclusions("10/01/2020 a 15/03/2022, 20/08/2024")).toEqual({ current: "2024-08-20", first: "2020-01-10", ended: null });
    expect(mteInclusions("")).toEqual({ current: null, first: null, ended: null });
  });

  it("a file without the header row fails", async () => {
    await expect(parse("mte_empregadores", { primary: latin1("CADASTRO;;\r\nnada;;\r\n") })).rejects.toThrow(/header/);
  });
});

// ---------------------------------------------------------------------------
// XML lists (small inline documents; the real/sample files are in test/node/screening-lists.test.ts)

const UN_XML = `<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <DATAID>1</DATAID>
      <FIRST_NAME>ABDUL</FIRST_NAME><SECOND_NAME>RAHMAN</SECOND_NAME><THIRD_NAME>AL</THIRD_NAME><FOURTH_NAME>EXEMPLO</FOURTH_NAME>
      <UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><REFERENCE_NUMBER>QDi.900</REFERENCE_NUMBER>
      <LISTED_ON>2001-01-25-05:00</LISTED_ON>
      <NAME_ORIGINAL_SCRIPT>عبد الرحمن</NAME_ORIGINAL_SCRIPT>
      <NATIONALITY><VALUE>Iran (Islamic Republic of)</VALUE><VALUE>Türkiye</VALUE></NATIONALITY>
      <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Abd al-Rahman</ALIAS_NAME></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Abu Exemplo</ALIAS_NAME></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1965</FROM_YEAR><TO_YEAR>1967</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1970</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1966-03-02</DATE></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER> P123 </NUMBER><ISSUING_COUNTRY>Pakistan</ISSUING_COUNTRY></INDIVIDUAL_DOCUMENT>
      <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>National Identification Number</TYPE_OF_DOCUMENT><NUMBER>42</NUMBER></INDIVIDUAL_DOCUMENT>
    </INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES>
    <ENTITY>
      <DATAID>2</DATAID><FIRST_NAME>EXEMPLO FOUNDATION &amp; CO</FIRST_NAME>
      <UN_LIST_TYPE>DPRK</UN_LIST_TYPE><LISTED_ON>2016-03-02</LISTED_ON>
      <ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME><![CDATA[Fundação Exemplo]]></ALIAS_NAME></ENTITY_ALIAS>
      <ENTITY_ALIAS><QUALITY>f.k.a.</QUALITY><ALIAS_NAME>Old Exemplo &#8217;s</ALIAS_NAME></ENTITY_ALIAS>
    </ENTITY>
  </ENTITIES>
</CONSOLIDATED_LIST>`;

const EU_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-11-20T17:04:11.573+01:00" globalFileId="1">
  <sanctionEntity euReferenceNumber="EU.1.1" logicalId="77">
    <regulation publicationDate="2022-03-09" programme="RUS" numberTitle="2022/396 (OJ L80)"/>
    <regulation publicationDate="2020-01-02" programme="UKR" numberTitle="x"/>
    <subjectType code="person" classificationCode="P"/>
    <nameAlias wholeName="" firstName="Ольга" lastName="ПРИМЕРОВА" strong="true" nameLanguage="RU"/>
    <nameAlias wholeName="Olga PRIMEROVA" strong="true" nameLanguage=""/>
    <birthdate circa="true" year="1975"/>
    <citizenship countryIso2Code="00" countryDescription="UNKNOWN"/>
  </sanctionEntity>
</export>`;

describe("UN and EU XML", () => {
  it("UN: name parts, Good/Low aliases, original script, BETWEEN/APPROXIMATELY/EXACT dates, nationalities, documents, entities, CDATA and entities", async () => {
    const list = await parseEveryWay("un_sc", { primary: utf8(UN_XML) });
    expect(list).toEqual([
      {
        list: "un_sc",
        entity_id: "1",
        entity_type: "person",
        name: "ABDUL RAHMAN AL EXEMPLO",
        aliases: [{ name: "Abd al-Rahman" }, { name: "Abu Exemplo", weak: true }, { name: "عبد الرحمن" }],
        birth_dates: ["1965", "1966", "1967", "1970", "1966-03-02"],
        nationalities: ["IR", "TR"],
        documents: [
          { kind: "passport", value: "P123", country: "PK" },
          { kind: "national_id", value: "42" },
        ],
        programs: ["Al-Qaida"],
        listed_on: "2001-01-25",
        active: true,
        details: { reference_number: "QDi.900" },
      },
      {
        list: "un_sc",
        entity_id: "2",
        entity_type: "organization",
        name: "EXEMPLO FOUNDATION & CO",
        aliases: [{ name: "Fundação Exemplo" }, { name: "Old Exemplo ’s" }],
        birth_dates: [],
        nationalities: [],
        documents: [],
        programs: ["DPRK"],
        listed_on: "2016-03-02",
        active: true,
        details: {},
      },
    ]);
  });

  it("EU: namespaced root, name from its parts when wholeName is blank, first strong name first, earliest publication date, unknown country dropped", async () => {
    const [e] = await parseEveryWay("eu_fsf", { primary: utf8(EU_XML) });
    expect(e).toMatchObject({
      entity_id: "77",
      entity_type: "person",
      name: "Ольга ПРИМЕРОВА",
      aliases: [{ name: "Olga PRIMEROVA" }],
      birth_dates: ["1975"],
      nationalities: [],
      programs: ["RUS", "UKR"],
      listed_on: "2020-01-02",
    });
  });
});

describe("bounded reading: whatever a file says, a parse holds little", () => {
  const drain = async (src: AsyncIterable<Uint8Array>) => {
    let n = 0;
    for await (const b of src) n += b.length;
    return n;
  };

  it("a zip bomb (300 KB that inflates to 300 MB) is refused after ~16 MB, by ratio", async () => {
    const bomb = zipBomb(300);
    expect(bomb.length).toBeLessThan(320_000);
    let seen = 0;
    const reading = (async () => {
      for await (const b of unzipFirstFile(chunks(bomb, 64 * 1024))) seen += b.length;
    })();
    await expect(reading).rejects.toThrow(FileRefused);
    await expect(reading).rejects.toThrow(/^o ZIP descompacta mais de 100 vezes o seu tamanho \([\d.]+ bytes de [\d.]+\): parece uma bomba de descompactação$/);
    expect(seen).toBeGreaterThan(READ_LIMITS.ratioAfterBytes - 20 * 1024 * 1024);
    expect(seen).toBeLessThan(READ_LIMITS.ratioAfterBytes + 20 * 1024 * 1024);
    // Through a list parser it is refused too (its one endless line of "A" runs into the field cap even sooner).
    await expect(parse("cgu_pep", { primary: bomb })).rejects.toThrow(FileRefused);
  });

  it("past the absolute cap a ZIP is refused whatever its ratio, DEFLATE or stored", async () => {
    const data = utf8("a;b;c\r\n".repeat(4000)); // 28,000 bytes
    const limits = { inflatedBytes: 20_000, inflateRatio: 100, ratioAfterBytes: 16 * 1024 * 1024 };
    await expect(drain(unzipFirstFile(chunks(zipSync({ "x.csv": data }), 4096), limits))).rejects.toThrow(
      new FileRefused("o arquivo dentro do ZIP passa de 20.000 bytes descompactado"),
    );
    await expect(drain(unzipFirstFile(chunks(zipSync({ "x.csv": [data, { level: 0 }] }), 4096), limits))).rejects.toThrow(
      new FileRefused("o arquivo dentro do ZIP passa de 20.000 bytes"),
    );
    expect(await drain(unzipFirstFile(chunks(zipSync({ "x.csv": data }), 4096), { ...limits, inflatedBytes: 28_000 }))).toBe(28_000);
  });

  it("CSV: an unquoted field, a row's characters and its fields are bounded too", async () => {
    const huge = CEIS_CSV + ceisRow(["CEIS", "9", "F", "***.111.222-**", "X"]).replace('"X"', "X".repeat(100_001)) + "\r\n";
    await expect(parse("cgu_ceis", { primary: latin1(huge) })).rejects.toThrow(new FileRefused("um campo do CSV passa de 100.000 caracteres"));
    const wide = CEIS_CSV + ";".repeat(1_000) + "\r\n";
    await expect(parse("cgu_ceis", { primary: latin1(wide) })).rejects.toThrow(new FileRefused("uma linha do CSV tem mais de 1.000 campos"));
    const long = CEIS_CSV + Array.from({ length: 11 }, () => "y".repeat(99_000)).join(";") + "\r\n";
    await expect(parse("cgu_ceis", { primary: latin1(long) })).rejects.toThrow(new FileRefused("uma linha do CSV passa de 1.000.000 caracteres"));
    // Within the caps, the tokenizer is unchanged.
    const rows: string[][] = [];
    const tok = new CsvTokenizer(";");
    tok.push("a;" + "b".repeat(99_999) + "\n", rows);
    expect(rows.map((r) => r.map((f) => f.length))).toEqual([[1, 99_999]]);
  });

  it("XML: a text node, a token outside any record and a record's characters are bounded", async () => {
    const text = UN_XML.replace("<FIRST_NAME>ABDUL</FIRST_NAME>", `<FIRST_NAME>${"A".repeat(100_001)}</FIRST_NAME>`);
    await expect(parse("un_sc", { primary: utf8(text) })).rejects.toThrow(new FileRefused("o texto de um <FIRST_NAME> do XML passa de 100.000 caracteres"));
    // Blanks between records, no element to hold them: saxes would buffer them whole.
    const blanks = UN_XML.replace("<INDIVIDUALS>", `<INDIVIDUALS>${" ".repeat(200_000)}`);
    await expect(parse("un_sc", { primary: utf8(blanks) })).rejects.toThrow(new FileRefused("um texto ou uma marcação do XML passa de 100.000 caracteres"));
    const attrs = Array.from({ length: 12 }, (_, i) => `<nameAlias wholeName="${"N".repeat(90_000)}" strong="true" n="${i}"/>`).join("");
    const big = EU_XML.replace('<birthdate circa="true" year="1975"/>', attrs);
    await expect(parse("eu_fsf", { primary: utf8(big) })).rejects.toThrow(new FileRefused("um registro <sanctionEntity> do XML passa de 1.000.000 caracteres"));
  });

  it("OFAC: what ALT, ADD and COMMENTS leave in memory until the main file is read is bounded", async () => {
    const rows = Array.from({ length: 250_000 }, (_, i) => `${i},${i},"aka","N${i}",-0-`).join("\n");
    const files = { primary: utf8('1,"X","individual","SDGT",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\n'), alt: utf8(rows) };
    await expect(parse("ofac_sdn", files)).rejects.toThrow(new FileRefused("os arquivos ALT, ADD e COMMENTS da OFAC passam de 24.000.000 caracteres a guardar"));
  });
});

describe("encodings", () => {
  /** ISO-8859-1 bytes of an XML document that says so. */
  const latin1Xml = latin1(UN_XML.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace(/[^\u0000-\u00ff]/g, "?"));

  it("XML is read in the encoding its declaration (or byte-order mark) gives", async () => {
    const [person] = await parse("un_sc", { primary: latin1Xml });
    expect(person.nationalities).toEqual(["IR", "TR"]); // "Türkiye", a Latin-1 ü
    const utf16 = new Uint8Array([0xff, 0xfe, ...new Uint8Array(Uint16Array.from(UN_XML.replace('encoding="UTF-8"', 'encoding="UTF-16"'), (c) => c.charCodeAt(0)).buffer)]);
    expect(await parse("un_sc", { primary: utf16 })).toEqual(await parse("un_sc", { primary: utf8(UN_XML) }));
    expect(await xmlRoot(chunks(latin1Xml, 7))).toEqual({ name: "CONSOLIDATED_LIST", attrs: { dateGenerated: "2026-02-27T00:00:09.554Z" } });
  });

  it("XML in another encoding than it declares, or in one the runtime does not know, is refused", async () => {
    const mislabelled = latin1(UN_XML.replace(/[^\u0000-\u00ff]/g, "?")); // says UTF-8, is Latin-1
    await expect(parse("un_sc", { primary: mislabelled })).rejects.toThrow(/^o arquivo não é UTF-8 válido: byte inválido entre os bytes [\d.]+ e [\d.]+$/);
    const klingon = utf8(UN_XML.replace('encoding="UTF-8"', 'encoding="x-klingon"'));
    await expect(parse("un_sc", { primary: klingon })).rejects.toThrow(new FileRefused('codificação declarada no XML não suportada: "x-klingon"'));
  });

  it("a CSV's encoding over the whole file: UTF-8, ISO-8859-1 or ASCII; two at once, or NUL bytes, are refused", async () => {
    const of = (b: Uint8Array) => textEncodingOf(chunks(b, 3));
    expect(await of(utf8("NOME;DOC\nJOÃO;1\n"))).toBe("utf-8");
    expect(await of(latin1("NOME;DOC\nJOÃO;1\n"))).toBe("latin1");
    expect(await of(utf8("NOME;DOC\nJOAO;1\n"))).toBe("ascii");
    // Latin-1 text makes a valid UTF-8 pair by accident ("É" then "”" in cp1252 is C9 94): still Latin-1.
    expect(await of(new Uint8Array([...latin1("JOSÉ"), 0x94, ...latin1(" ÇÃO ÁGUA ÓRGÃO SÃO")]))).toBe("latin1");
    const mixed = new Uint8Array([...utf8("JOÃO;1\nMARIA JOSÉ;2\nCONCEIÇÃO;3\n"), ...latin1("JOÃO;4\nCONCEIÇÃO;5\n")]);
    await expect(of(mixed)).rejects.toThrow(
      new FileRefused(
        "o arquivo mistura codificações: 4 caracteres em UTF-8 (o primeiro no byte 2) e 3 bytes que não são UTF-8 (o primeiro no byte 38); nenhuma codificação lê o arquivo inteiro",
      ),
    );
    await expect(of(new Uint8Array([0x4e, 0x00, 0x4f, 0x00]))).rejects.toThrow(new FileRefused("o arquivo tem bytes nulos (UTF-16 ou arquivo binário?): o primeiro no byte 1"));
  });

  it("the parse follows the encoding found over the whole file, even when the first 64 KiB are plain ASCII", async () => {
    // 70 KB of rows without accents, then one with: the first bytes alone cannot tell.
    const filler = Array.from({ length: 400 }, (_, i) => ceisRow(["CEIS", String(9000 + i), "J", "12.345.678/0001-95", "EMPRESA EXEMPLO LTDA", "".padEnd(120, "X")])).join("\r\n");
    const asciiHeader = CEIS_HEADER.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    const csv = utf8(`${asciiHeader}\r\n${filler}\r\n${CEIS_CSV.split("\r\n").slice(1).join("\r\n")}`);
    expect(csv.indexOf(0xc3)).toBeGreaterThan(65536);
    const names = (list: ListEntity[]) => list.filter((e) => e.entity_id.endsWith(":5001")).map((e) => e.name);
    expect(names(await parse("cgu_ceis", { primary: csv }, { encodings: { primary: "utf-8" } }))).toEqual(["JOÃO DA SILVA"]);
    // Decided on the first bytes (ASCII: the CGU's ISO-8859-1), the same file garbles.
    expect(names(await parse("cgu_ceis", { primary: csv }))).toEqual(["JOÃƒO DA SILVA"]);
    // OFAC (ASCII → UTF-8): a later byte that is not UTF-8 refuses the file rather than garbling it.
    const sdn = utf8(Array.from({ length: 2000 }, (_, i) => `${i + 1},"X","individual","SDGT",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\n`).join(""));
    const late = new Uint8Array([...sdn, ...latin1('9999,"MUÑOZ, Ana","individual","SDGT",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\n')]);
    expect(sdn.length).toBeGreaterThan(65536);
    await expect(parse("ofac_sdn", { primary: late })).rejects.toThrow(/^o arquivo não é UTF-8 válido/);
    const read = await parse("ofac_sdn", { primary: late }, { encodings: { primary: "latin1" } });
    expect([read.length, read.at(-1)!.name]).toEqual([2001, "MUÑOZ, Ana"]);
  });
});

describe("single-file ZIP reader", () => {
  it("stored entries stream through unchanged", async () => {
    const data = utf8("a;b\r\n".repeat(1000));
    const zipped = zipSync({ "x.csv": [data, { level: 0 }] });
    const parts: Uint8Array[] = [];
    for await (const p of unzipFirstFile(chunks(zipped, 13))) parts.push(p);
    expect(new TextDecoder().decode(Uint8Array.from(parts.flatMap((p) => [...p])))).toBe("a;b\r\n".repeat(1000));
  });
});

describe("countries and CGU file URLs", () => {
  it("maps every list's spelling to ISO alpha-2", () => {
    const cases: [string, string | null][] = [
      ["Korea, North", "KP"],
      ["Democratic People's Republic of Korea", "KP"],
      ["Congo, Democratic Republic of the", "CD"],
      ["Congo (Democratic Republic)", "CD"],
      ["Iran (Islamic Republic of)", "IR"],
      ["Burma", "MM"],
      ["Türkiye", "TR"],
      ["Viet Nam", "VN"],
      ["United Kingdom of Great Britain and Northern Ireland", "GB"],
      ["Bahamas, The", "BS"],
      ["Man, Isle of", "IM"],
      ["RU", "RU"],
      ["Atlantis", null],
    ];
    for (const [name, code] of cases) expect(countryCode(name), name).toBe(code);
  });

  it("picks the newest file from the Portal da Transparência page script", () => {
    const page = `<script>var arquivos = [];
      arquivos.push({"ano":"2026","mes":"11","dia":"24","origem":"CEIS"});
      arquivos.push({"ano":"2026","mes":"11","dia":"25","origem":"CEIS"});
      arquivos.push({"ano":"2025","mes":"12","dia":"31","origem":"CEIS"});</script>`;
    expect(cguFileUrl("cgu_ceis", page)).toBe(
      "https://dadosabertos-download.cgu.gov.br/PortalDaTransparencia/saida/ceis/20261125_CEIS.zip",
    );
    expect(cguFileUrl("cgu_pep", `arquivos.push({"ano":2026,"mes":10}); arquivos.push({"ano":2026,"mes":9});`)).toBe(
      "https://dadosabertos-download.cgu.gov.br/PortalDaTransparencia/saida/pep/202610_PEP.zip",
    );
    expect(cguFileUrl("cgu_cnep", "<html>manutenção</html>")).toBeNull();
  });
});

describe("synthetic full-size inputs (benchmark helper)", () => {
  const collect = async (src: AsyncIterable<Uint8Array>) => {
    const parts: Uint8Array[] = [];
    for await (const p of src) parts.push(p);
    return Uint8Array.from(parts.flatMap((p) => [...p]));
  };

  it("OFAC: the requested entries and ALT aliases, with long remarks continued in SDN_COMMENTS", async () => {
    const files = syntheticOfac({ entries: 300, aliases: 450 });
    const input = { primary: await collect(files.primary), alt: await collect(files.alt), add: await collect(files.add), comments: await collect(files.comments) };
    const list = await parse("ofac_sdn", input);
    expect(list).toHaveLength(300);
    expect(list.reduce((n, e) => n + e.aliases.filter((a) => !a.weak).length, 0)).toBe(450);
    expect(input.comments.length).toBeGreaterThan(1);
    expect(new Set(list.map((e) => e.entity_type))).toEqual(new Set(["person", "organization", "vessel", "aircraft"]));
    // Same seed, same bytes: the benchmark measures the same input every time.
    expect(await collect(syntheticOfac({ entries: 300, aliases: 450 }).primary)).toEqual(input.primary);
  });

  it("PEP ZIP and EU XML parse to the requested counts", async () => {
    const pep = await parse("cgu_pep", { primary: await collect(syntheticPepZip({ rows: 500 })) });
    expect(pep).toHaveLength(500);
    expect(pep.every((e) => e.documents[0]?.kind === "cpf_masked")).toBe(true);
    expect(pep.some((e) => !e.active) && pep.some((e) => e.active)).toBe(true);
    const eu = await parse("eu_fsf", { primary: await collect(syntheticEuXml({ entities: 25 })) });
    expect(eu).toHaveLength(25);
  });
});
