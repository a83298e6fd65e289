// EU Financial Sanctions Files, XML 1.1 (xmlFullSanctionsList_1_1): root
// `export` in namespace http://eu.europa.ec/fpi/fsd/export, one `sanctionEntity`
// per subject, nearly everything in attributes. Streamed one entity at a time.
import type { ByteSource, EntityType, ListAlias, ListDocument, ListEntity, ParseOptions } from "../types";
import { nationality } from "./countries";
import { clean, pushAlias, pushUnique, xChildren, xmlRecords, type XNode } from "./stream";

const RECORDS = new Set(["sanctionEntity"]);

export async function* parseEu(src: ByteSource, _opts: ParseOptions): AsyncGenerator<ListEntity> {
  for await (const rec of xmlRecords(src, RECORDS)) {
    const e = euRecord(rec);
    if (e) yield e;
  }
}

const SUBJECT: Record<string, EntityType> = { person: "person", enterprise: "organization", P: "person", E: "organization" };

function aliasName(a: XNode): string {
  const whole = clean(a.attrs.wholeName);
  if (whole) return whole;
  return clean([a.attrs.firstName, a.attrs.middleName, a.attrs.lastName].filter(Boolean).join(" "));
}

function country(n: XNode): string | null {
  const iso = (n.attrs.countryIso2Code ?? "").trim().toUpperCase();
  if (/^[A-Z]{2}$/.test(iso) && iso !== "00") return iso === "CS" ? "RS" : iso; // CS: the former Serbia and Montenegro
  const desc = n.attrs.countryDescription;
  if (!desc || /^unknown$/i.test(desc.trim())) return null;
  return nationality(desc);
}

function euRecord(rec: XNode): ListEntity | null {
  const id = (rec.attrs.logicalId ?? "").trim();
  if (!id) return null;
  const subject = xChildren(rec, "subjectType")[0];
  const type: EntityType = SUBJECT[subject?.attrs.code ?? ""] ?? SUBJECT[subject?.attrs.classificationCode ?? ""] ?? "unknown";

  // No primary flag in the file: the first strong name (the regulation's own
  // spelling comes first) is the display name, every other one an alias.
  const names = xChildren(rec, "nameAlias")
    .map((a) => ({ name: aliasName(a), weak: /^false$/i.test((a.attrs.strong ?? "true").trim()), node: a }))
    .filter((a) => a.name);
  const primary = names.find((a) => !a.weak) ?? names[0];
  if (!primary) return null;
  const aliases: ListAlias[] = [];
  for (const a of names) if (a !== primary) pushAlias(aliases, primary.name, a.name, a.weak);

  const birthDates: string[] = [];
  for (const b of xChildren(rec, "birthdate")) for (const v of euBirth(b)) pushUnique(birthDates, v);

  const nationalities: string[] = [];
  for (const c of xChildren(rec, "citizenship")) {
    const code = country(c);
    if (code) pushUnique(nationalities, code);
  }

  if (type === "organization")
    // A company's registered country is the nearest thing it has to a nationality.
    for (const a of xChildren(rec, "address")) {
      const code = country(a);
      if (code) pushUnique(nationalities, code);
    }

  const documents: ListDocument[] = [];
  for (const d of xChildren(rec, "identification")) {
    const value = clean(d.attrs.number) || clean(d.attrs.latinNumber);
    if (!value) continue;
    const code = (d.attrs.identificationTypeCode ?? "").toLowerCase();
    const kind: ListDocument["kind"] = code.includes("passport")
      ? "passport"
      : /^(id|nationalid|ssn|fiscalcode|idcard)$/.test(code)
        ? "national_id"
        : /tax|tin|vat/.test(code)
          ? "tax_id"
          : "other";
    const doc: ListDocument = { kind, value };
    const c = country(d);
    if (c) doc.country = c;
    if (!documents.some((x) => x.kind === kind && x.value === value)) documents.push(doc);
  }

  const programs: string[] = [];
  const published: string[] = [];
  for (const r of xChildren(rec, "regulation")) {
    const p = clean(r.attrs.programme);
    if (p) pushUnique(programs, p);
    const d = /^\d{4}-\d{2}-\d{2}/.exec(r.attrs.publicationDate ?? "");
    if (d) published.push(d[0]);
  }
  const designated = /^\d{4}-\d{2}-\d{2}/.exec(rec.attrs.designationDate ?? "");
  published.sort();

  const details: Record<string, string> = {};
  if (rec.attrs.euReferenceNumber) details.eu_reference_number = rec.attrs.euReferenceNumber.trim();
  if (rec.attrs.unitedNationId) details.un_reference_number = rec.attrs.unitedNationId.trim();
  const fn = clean(primary.node.attrs.function);
  if (fn) details.function = fn;
  const gender = (primary.node.attrs.gender ?? "").trim();
  if (gender === "M" || gender === "F") details.gender = gender === "M" ? "Male" : "Female";

  return {
    list: "eu_fsf",
    entity_id: id,
    entity_type: type,
    name: primary.name,
    aliases,
    birth_dates: birthDates,
    nationalities,
    documents,
    programs,
    listed_on: designated ? designated[0] : (published[0] ?? null),
    active: true,
    details,
  };
}

/** `@birthdate` when complete, else `@year`/`@monthOfYear`/`@dayOfMonth`, or a `@yearRangeFrom`–`@yearRangeTo` span; `@circa` keeps the year given. */
function euBirth(b: XNode): string[] {
  const full = /^(\d{4})-(\d{2})-(\d{2})$/.exec((b.attrs.birthdate ?? "").trim());
  if (full) return [full[0]];
  const pad = (n: string) => n.trim().padStart(2, "0");
  const y = (b.attrs.year ?? "").trim();
  if (/^\d{4}$/.test(y)) {
    const m = (b.attrs.monthOfYear ?? b.attrs.month ?? "").trim();
    const d = (b.attrs.dayOfMonth ?? b.attrs.day ?? "").trim();
    if (/^\d{1,2}$/.test(m) && +m >= 1 && +m <= 12) {
      if (/^\d{1,2}$/.test(d) && +d >= 1) return [`${y}-${pad(m)}-${pad(d)}`];
      return [`${y}-${pad(m)}`];
    }
    return [y];
  }
  const from = +(b.attrs.yearRangeFrom ?? "");
  const to = +(b.attrs.yearRangeTo ?? "");
  if (from > 0 && to >= from && to - from <= 20) {
    const out: string[] = [];
    for (let k = from; k <= to; k++) out.push(String(k));
    return out;
  }
  return from > 0 ? [String(from)] : [];
}
