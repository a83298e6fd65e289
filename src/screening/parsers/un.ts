// UN Security Council consolidated list (scsanctions.un.org consolidated.xml):
// CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL and ENTITIES/ENTITY, streamed one
// record at a time.
import type { ByteSource, ListAlias, ListDocument, ListEntity, ParseOptions } from "../types";
import { countryCode, nationality } from "./countries";
import { clean, pushAlias, pushUnique, xChildren, xText, xmlRecords, type XNode } from "./stream";

const RECORDS = new Set(["INDIVIDUAL", "ENTITY"]);

export async function* parseUn(src: ByteSource, _opts: ParseOptions): AsyncGenerator<ListEntity> {
  for await (const rec of xmlRecords(src, RECORDS)) {
    const e = unRecord(rec);
    if (e) yield e;
  }
}

function unRecord(rec: XNode): ListEntity | null {
  const id = xText(rec, "DATAID");
  const person = rec.name === "INDIVIDUAL";
  const name = clean(
    ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
      .map((t) => xText(rec, t))
      .filter(Boolean)
      .join(" "),
  );
  if (!id || !name) return null;

  const aliases: ListAlias[] = [];
  for (const a of xChildren(rec, person ? "INDIVIDUAL_ALIAS" : "ENTITY_ALIAS")) {
    const alias = xText(a, "ALIAS_NAME");
    // QUALITY: Good / Low for individuals, a.k.a. / f.k.a. for entities; only Low is weak.
    if (alias) pushAlias(aliases, name, alias, /^low$/i.test(xText(a, "QUALITY")));
  }
  const original = xText(rec, "NAME_ORIGINAL_SCRIPT");
  if (original) pushAlias(aliases, name, original, false);

  const birthDates: string[] = [];
  for (const d of xChildren(rec, "INDIVIDUAL_DATE_OF_BIRTH")) for (const v of unDob(d)) pushUnique(birthDates, v);

  const nationalities: string[] = [];
  for (const n of xChildren(rec, "NATIONALITY"))
    for (const v of xChildren(n, "VALUE")) {
      const c = nationality(v.text);
      if (c) pushUnique(nationalities, c);
    }

  const documents: ListDocument[] = [];
  for (const d of xChildren(rec, "INDIVIDUAL_DOCUMENT")) {
    const number = clean(xText(d, "NUMBER"));
    if (!number) continue;
    const type = clean(xText(d, "TYPE_OF_DOCUMENT")).toLowerCase();
    const kind: ListDocument["kind"] = /pass|pasaporte|passeport/.test(type)
      ? "passport"
      : /national identification|identity|identidad|identit/.test(type)
        ? "national_id"
        : /tax/.test(type)
          ? "tax_id"
          : "other";
    const country = clean(xText(d, "ISSUING_COUNTRY") || xText(d, "COUNTRY_OF_ISSUE"));
    const doc: ListDocument = { kind, value: number };
    if (country) doc.country = countryCode(country) ?? country;
    if (!documents.some((x) => x.kind === doc.kind && x.value === doc.value)) documents.push(doc);
  }

  const details: Record<string, string> = {};
  const ref = xText(rec, "REFERENCE_NUMBER");
  if (ref) details.reference_number = ref;
  const gender = xText(rec, "GENDER");
  if (gender) details.gender = gender;
  const designation = xChildren(rec, "DESIGNATION")
    .flatMap((d) => xChildren(d, "VALUE").map((v) => clean(v.text)))
    .filter(Boolean);
  if (designation.length) details.designation = designation.join("; ");
  const title = xChildren(rec, "TITLE")
    .flatMap((d) => xChildren(d, "VALUE").map((v) => clean(v.text)))
    .filter(Boolean);
  if (title.length) details.title = title.join("; ");

  const listedOn = /^\d{4}-\d{2}-\d{2}/.exec(xText(rec, "LISTED_ON"));
  const program = xText(rec, "UN_LIST_TYPE");
  return {
    list: "un_sc",
    entity_id: id,
    entity_type: person ? "person" : "organization",
    name,
    aliases,
    birth_dates: birthDates,
    nationalities,
    documents,
    programs: program ? [program] : [],
    listed_on: listedOn ? listedOn[0] : null,
    active: true,
    details,
  };
}

/** TYPE_OF_DATE EXACT (DATE or YEAR) / APPROXIMATELY (YEAR) / BETWEEN (FROM_YEAR–TO_YEAR: every year in between). */
function unDob(d: XNode): string[] {
  const date = /^(\d{4})-(\d{2})-(\d{2})/.exec(xText(d, "DATE"));
  if (date) {
    // "1964-00-00"-style placeholders keep only what is known.
    if (date[2] === "00") return [date[1]];
    if (date[3] === "00") return [`${date[1]}-${date[2]}`];
    return [date[0]];
  }
  const year = /^\d{4}$/.exec(xText(d, "YEAR"));
  if (year) return [year[0]];
  const from = +xText(d, "FROM_YEAR");
  const to = +xText(d, "TO_YEAR");
  if (from > 0 && to >= from && to - from <= 20) {
    const out: string[] = [];
    for (let y = from; y <= to; y++) out.push(String(y));
    return out;
  }
  if (from > 0) return to > 0 ? [String(from), String(to)] : [String(from)];
  return [];
}
