// Synthetic list files of today's full size, in the official layouts, made as
// streams (never whole in memory) for benchmarks of the ingest: OFAC SDN
// (~20k entries / 30k aliases, remarks spilling into SDN_COMMENTS), the CGU PEP
// ZIP (~70k rows, ISO-8859-1) and an EU FSF 1.1 XML of tens of MB. Deterministic
// (seeded PRNG), pure JS: runs in Node and in workerd alike. Names are invented
// from syllables; no real person is in them.
import { Zip, ZipDeflate } from "fflate";
import type { ByteSource } from "../types";

/** mulberry32: small, fast, good enough for test data (bench/lib.mjs has the same for the plain-node scripts). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYL = ["al", "ba", "dor", "el", "fa", "gan", "ha", "ib", "ja", "ka", "lo", "ma", "na", "or", "pe", "qa", "ri", "sa", "ta", "ul", "va", "wa", "ya", "za", "mir", "dan", "sel", "kov", "ren", "tin"];
const PT_FIRST = ["ANA", "JOÃO", "MARIA", "JOSÉ", "ANTÔNIO", "FRANCISCA", "CARLOS", "PAULO", "LÚCIA", "PEDRO", "MÁRCIA", "LUÍS", "FERNANDA", "RAFAEL", "BEATRIZ"];
const PT_LAST = ["SILVA", "SANTOS", "OLIVEIRA", "SOUZA", "RODRIGUES", "FERREIRA", "ALVES", "PEREIRA", "LIMA", "GOMES", "CONCEIÇÃO", "ARAÚJO", "MELO", "BARBOSA", "RIBEIRO"];
const COUNTRIES = ["Iraq", "Iran", "Syria", "Russia", "Korea, North", "Venezuela", "Colombia", "Mexico", "Lebanon", "Yemen", "China", "Cuba", "Afghanistan", "Libya", "Sudan"];
const ISO2 = ["IQ", "IR", "SY", "RU", "KP", "VE", "CO", "MX", "LB", "YE", "CN", "CU", "AF", "LY", "SD"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const PROGRAMS = ["SDGT", "SDNTK", "IRAN", "RUSSIA-EO14024", "UKRAINE-EO13662", "CYBER2", "IFSR", "DPRK3", "VENEZUELA-EO13850"];

function pick<T>(r: () => number, a: readonly T[]): T {
  return a[Math.floor(r() * a.length)];
}
function word(r: () => number, min = 2, max = 3): string {
  const n = min + Math.floor(r() * (max - min + 1));
  let w = "";
  for (let i = 0; i < n; i++) w += pick(r, SYL);
  return w;
}
const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Buffers text and hands it out as ~64 KiB byte chunks. */
async function* chunked(lines: Iterable<string>, encode: (s: string) => Uint8Array, size = 65536): AsyncGenerator<Uint8Array> {
  let buf = "";
  for (const line of lines) {
    buf += line;
    if (buf.length >= size) {
      yield encode(buf);
      buf = "";
    }
  }
  if (buf) yield encode(buf);
}

const utf8 = (s: string) => new TextEncoder().encode(s);
function latin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[i] = c <= 0xff ? c : 0x3f; // "?" for anything ISO-8859-1 cannot hold
  }
  return out;
}

// ---------------------------------------------------------------------------
// OFAC SDN

export interface SyntheticOfacOptions {
  entries?: number;
  aliases?: number;
  seed?: number;
}

export interface SyntheticOfacFiles {
  primary: ByteSource;
  alt: ByteSource;
  add: ByteSource;
  comments: ByteSource;
}

interface OfacRow {
  id: number;
  cells: string;
  remarksTail: string | null;
}

function* ofacRows(o: Required<SyntheticOfacOptions>): Generator<OfacRow> {
  const r = mulberry32(o.seed);
  for (let i = 0; i < o.entries; i++) {
    const id = 10000 + i;
    const kind = r();
    const program = Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(r, PROGRAMS)).join("] [");
    let name: string;
    let type: string;
    const remarks: string[] = [];
    if (kind < 0.55) {
      type = '"individual"';
      name = `${word(r).toUpperCase()}${r() < 0.4 ? ` ${word(r).toUpperCase()}` : ""}, ${cap(word(r))} ${cap(word(r))}`;
      const y = 1940 + Math.floor(r() * 50);
      remarks.push(r() < 0.6 ? `DOB ${pad(1 + Math.floor(r() * 28))} ${pick(r, MONTHS)} ${y}` : r() < 0.5 ? `DOB ${y}` : `DOB circa ${y}`);
      if (r() < 0.3) remarks.push(`alt. DOB ${y + 1} to ${y + 3}`);
      remarks.push(`POB ${cap(word(r))}, ${pick(r, COUNTRIES)}`);
      remarks.push(`nationality ${pick(r, COUNTRIES)}`);
      if (r() < 0.4) remarks.push(`citizen ${pick(r, COUNTRIES)}`);
      remarks.push(`Gender ${r() < 0.8 ? "Male" : "Female"}`);
      if (r() < 0.5) remarks.push(`Passport ${String.fromCharCode(65 + Math.floor(r() * 26))}${Math.floor(r() * 1e8)} (${pick(r, COUNTRIES)})`);
      if (r() < 0.3) remarks.push(`National ID No. ${Math.floor(r() * 1e10)} (${pick(r, COUNTRIES)})`);
      if (r() < 0.3) remarks.push(`a.k.a. '${word(r).toUpperCase()}'`);
    } else if (kind < 0.95) {
      type = "-0- ";
      name = `${word(r, 2, 4).toUpperCase()} ${pick(r, ["TRADING", "INDUSTRIAL", "SHIPPING", "BANK", "GROUP", "HOLDING"])} ${pick(r, ["LLC", "CO., LTD.", "S.A.", "JSC", "FZE", "GMBH"])}`;
      if (r() < 0.5) remarks.push(`Registration Number ${Math.floor(r() * 1e12)} (${pick(r, COUNTRIES)})`);
      if (r() < 0.3) remarks.push(`Tax ID No. ${Math.floor(r() * 1e10)} (${pick(r, COUNTRIES)})`);
      if (r() < 0.3) remarks.push(`Website www.${word(r)}.com`);
    } else if (kind < 0.98) {
      type = '"vessel"';
      name = `${word(r).toUpperCase()} ${word(r).toUpperCase()}`;
      remarks.push(`Vessel Registration Identification IMO ${9000000 + Math.floor(r() * 999999)}`);
    } else {
      type = '"aircraft"';
      name = `EP-${word(r, 1, 2).toUpperCase()}`;
      remarks.push(`Aircraft Manufacturer's Serial Number (MSN) ${Math.floor(r() * 1e9)}`);
    }
    const links = Math.floor(r() * (r() < 0.06 ? 40 : 3));
    for (let k = 0; k < links; k++) remarks.push(`Linked To: ${word(r, 2, 4).toUpperCase()} ${pick(r, ["LLC", "S.A.", "LTD."])}`);
    let text = remarks.join("; ") + ".";
    let tail: string | null = null;
    // OFAC cuts Remarks at 1,000 characters and continues in SDN_COMMENTS.CSV.
    if (text.length > 1000) {
      tail = text.slice(1000);
      text = text.slice(0, 1000);
    }
    const vessel = type === '"vessel"';
    const cells = [
      String(id),
      `"${name}"`,
      type,
      `"${program}"`,
      r() < 0.1 ? `"Director, ${cap(word(r))}"` : "-0- ",
      vessel ? `"${word(r, 1, 2).toUpperCase()}${Math.floor(r() * 100)}"` : "-0- ",
      vessel ? '"Crude Oil Tanker"' : "-0- ",
      vessel ? `"${Math.floor(r() * 1e5)}"` : "-0- ",
      vessel ? `"${Math.floor(r() * 1e5)}"` : "-0- ",
      vessel ? `"${pick(r, ["Panama", "Liberia", "Iran", "Korea, North"])}"` : "-0- ",
      vessel ? `"${cap(word(r))} Shipping Co."` : "-0- ",
      `"${text}"`,
    ].join(",");
    yield { id, cells, remarksTail: tail };
  }
}

/**
 * An OFAC SDN-sized input in the legacy CSV layout (SDN.CSV, ALT.CSV, ADD.CSV,
 * SDN_COMMENTS.CSV), CRLF line ends, streamed. Defaults: 20,000 entries and
 * 30,000 aliases, about today's list.
 */
export function syntheticOfac(opts: SyntheticOfacOptions = {}): SyntheticOfacFiles {
  const o = { entries: 20000, aliases: 30000, seed: 1, ...opts };
  return {
    primary: chunked(
      (function* () {
        for (const row of ofacRows(o)) yield row.cells + "\r\n";
        yield "\x1a";
      })(),
      utf8,
    ),
    comments: chunked(
      (function* () {
        for (const row of ofacRows(o)) if (row.remarksTail) yield `${row.id},"${row.remarksTail}"\r\n`;
        yield "\x1a";
      })(),
      utf8,
    ),
    alt: chunked(
      (function* () {
        const r = mulberry32(o.seed + 1);
        for (let k = 0; k < o.aliases; k++) {
          const id = 10000 + Math.floor((k / o.aliases) * o.entries);
          yield `${id},${k + 1},"${pick(r, ["aka", "aka", "aka", "fka"])}","${word(r).toUpperCase()}, ${cap(word(r))}",-0- \r\n`;
        }
        yield "\x1a";
      })(),
      utf8,
    ),
    add: chunked(
      (function* () {
        const r = mulberry32(o.seed + 2);
        let n = 0;
        for (let i = 0; i < o.entries; i++)
          for (let k = 0, m = 1 + Math.floor(r() * 2); k < m; k++)
            yield `${10000 + i},${++n},"${Math.floor(r() * 300)} ${cap(word(r))} Street","${cap(word(r))}","${pick(r, COUNTRIES)}",-0- \r\n`;
        yield "\x1a";
      })(),
      utf8,
    ),
  };
}

// ---------------------------------------------------------------------------
// CGU PEP

function* pepLines(rows: number, seed: number): Generator<string> {
  const r = mulberry32(seed);
  yield '"CPF";"Nome_PEP";"Sigla_Função";"Descrição_Função";"Nível_Função";"Nome_Órgão";"Data_Início_Exercício";"Data_Fim_Exercício";"Data_Fim_Carência"\r\n';
  const date = (y0: number, span: number) => `${pad(1 + Math.floor(r() * 28))}/${pad(1 + Math.floor(r() * 12))}/${y0 + Math.floor(r() * span)}`;
  for (let i = 0; i < rows; i++) {
    const d = String(Math.floor(r() * 1e6)).padStart(6, "0");
    const name = `${pick(r, PT_FIRST)} ${pick(r, PT_LAST)} ${pick(r, PT_LAST)}`;
    const left = r() < 0.3;
    const fim = left ? date(2018, 8) : "Não informada";
    const carencia = left ? date(2023, 8) : "Não informada";
    const funcao = pick(r, ["Prefeito", "Vereador", "Deputado Estadual", "Secretário Municipal", "Diretor", "Ministro de Estado"]);
    const orgao = pick(r, ["Prefeitura de Belém", "Câmara Municipal de São Paulo", "Assembleia Legislativa do Paraná", "Ministério da Economia", "Banco Central do Brasil"]);
    yield `"***.${d.slice(0, 3)}.${d.slice(3)}-**";"${name}";"DAS-${1 + Math.floor(r() * 6)}";"${funcao}";"${1 + Math.floor(r() * 6)}";"${orgao}";"${date(2005, 15)}";"${fim}";"${carencia}"\r\n`;
  }
}

/** A CGU PEP download: a ZIP streamed as it deflates, holding one ISO-8859-1 CSV of `rows` rows (default 70,000). */
export async function* syntheticPepZip(opts: { rows?: number; seed?: number } = {}): AsyncGenerator<Uint8Array> {
  const rows = opts.rows ?? 70000;
  const out: Uint8Array[] = [];
  const zip = new Zip((err, data) => {
    if (err) throw err;
    out.push(data);
  });
  const file = new ZipDeflate("202611_PEP.csv", { level: 6 });
  zip.add(file);
  for await (const chunk of chunked(pepLines(rows, opts.seed ?? 3), latin1)) {
    file.push(chunk, false);
    if (out.length) yield* out.splice(0);
  }
  file.push(new Uint8Array(0), true);
  zip.end();
  yield* out.splice(0);
}

// ---------------------------------------------------------------------------
// EU FSF 1.1

function* euLines(entities: number, seed: number): Generator<string> {
  const r = mulberry32(seed);
  yield '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-11-20T17:04:11.573+01:00" globalFileId="171234">\n';
  let logical = 1;
  // Every element of the real file repeats its regulation summary: that is most of its size.
  const summary = (pub: string) =>
    `            <regulationSummary regulationType="amendment" publicationDate="${pub}" numberTitle="2022/${Math.floor(r() * 2000)} (OJ L${Math.floor(r() * 300)})" publicationUrl="https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=OJ:L:2022:${pad(Math.floor(r() * 300), 3)}:FULL"/>\n`;
  for (let i = 0; i < entities; i++) {
    const person = r() < 0.7;
    const pub = `${2000 + Math.floor(r() * 26)}-${pad(1 + Math.floor(r() * 12))}-${pad(1 + Math.floor(r() * 28))}`;
    const k = Math.floor(r() * ISO2.length);
    const parts: string[] = [];
    parts.push(`    <sanctionEntity designationDetails="" unitedNationId="" euReferenceNumber="EU.${1000 + i}.${Math.floor(r() * 99)}" logicalId="${100000 + i}">\n`);
    parts.push(`        <remark>Synthetic subject ${i} for ingest benchmarks.</remark>\n`);
    for (let g = 0, n = 1 + Math.floor(r() * 3); g < n; g++)
      parts.push(
        `        <regulation regulationType="amendment" organisationType="council" publicationDate="${pub}" entryIntoForceDate="${pub}" numberTitle="2022/${Math.floor(r() * 2000)} (OJ L${Math.floor(r() * 300)})" programme="${pick(r, ["RUS", "UKR", "BLR", "IRN", "SYR", "AQD", "PRK"])}" logicalId="${logical++}">\n            <publicationUrl>https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=OJ:L:2022:${pad(Math.floor(r() * 300), 3)}:FULL</publicationUrl>\n        </regulation>\n`,
      );
    parts.push(`        <subjectType code="${person ? "person" : "enterprise"}" classificationCode="${person ? "P" : "E"}"/>\n`);
    const first = cap(word(r));
    const last = word(r).toUpperCase();
    for (let a = 0, n = 2 + Math.floor(r() * 6); a < n; a++) {
      const cyr = a === 1;
      const whole = person ? (cyr ? "Иван Петрович КОРОВИН" : `${first} ${cap(word(r))} ${a ? word(r).toUpperCase() : last}`) : `${last} ${pick(r, ["Holding", "Trading", "Bank"])} ${pick(r, ["JSC", "LLC", "PJSC"])}`;
      parts.push(
        `        <nameAlias firstName="${person ? first : ""}" middleName="" lastName="${person ? last : ""}" wholeName="${whole}" function="${person && a === 0 ? "Member of the board" : ""}" gender="${person ? "M" : ""}" title="" nameLanguage="${cyr ? "RU" : ""}" strong="${r() < 0.85 ? "true" : "false"}" regulationLanguage="en" logicalId="${logical++}">\n${summary(pub)}        </nameAlias>\n`,
      );
    }
    if (person) {
      parts.push(`        <citizenship region="" countryIso2Code="${ISO2[k]}" countryDescription="${COUNTRIES[k].toUpperCase()}" regulationLanguage="en" logicalId="${logical++}">\n${summary(pub)}        </citizenship>\n`);
      const y = 1940 + Math.floor(r() * 50);
      parts.push(
        `        <birthdate circa="${r() < 0.1}" calendarType="GREGORIAN" city="${cap(word(r))}" zipCode="" birthdate="${y}-${pad(1 + Math.floor(r() * 12))}-${pad(1 + Math.floor(r() * 28))}" dayOfMonth="" monthOfYear="" year="${y}" region="" place="" countryIso2Code="${ISO2[k]}" countryDescription="${COUNTRIES[k].toUpperCase()}" regulationLanguage="en" logicalId="${logical++}">\n${summary(pub)}        </birthdate>\n`,
      );
      parts.push(
        `        <identification diplomatic="false" knownExpired="false" knownFalse="false" reportedLost="false" revokedByIssuer="false" issuedBy="" issuedDate="" validFrom="" validTo="" latinNumber="" nameOnDocument="" number="${Math.floor(r() * 1e9)}" region="" countryIso2Code="${ISO2[k]}" countryDescription="${COUNTRIES[k].toUpperCase()}" identificationTypeCode="passport" identificationTypeDescription="National passport" regulationLanguage="en" logicalId="${logical++}">\n${summary(pub)}        </identification>\n`,
      );
    }
    for (let a = 0, n = Math.floor(r() * 3); a < n; a++)
      parts.push(
        `        <address city="${cap(word(r))}" street="${cap(word(r))} street ${Math.floor(r() * 100)}" poBox="" zipCode="${Math.floor(r() * 1e5)}" region="" place="" asAtListingTime="false" contactInfo="" countryIso2Code="${ISO2[k]}" countryDescription="${COUNTRIES[k].toUpperCase()}" regulationLanguage="en" logicalId="${logical++}">\n${summary(pub)}        </address>\n`,
      );
    parts.push("    </sanctionEntity>\n");
    yield parts.join("");
  }
  yield "</export>\n";
}

/** An EU FSF 1.1 XML of `entities` subjects (default 6,000 — about 30 MB, today's order of size), streamed. */
export function syntheticEuXml(opts: { entities?: number; seed?: number } = {}): ByteSource {
  return chunked(euLines(opts.entities ?? 6000, opts.seed ?? 5), utf8);
}
