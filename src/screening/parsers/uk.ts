// UK Sanctions List (FCDO) XML: root `Designations`, one `Designation` per
// subject with `Names/Name` (Name1…Name5 given names, Name6 the family name;
// entities and ships use Name6 alone; NameType Primary Name / Primary Name
// Variation / Alias), `NonLatinNames`, `IndividualDetails` (DOBs, nationalities),
// `DateDesignated` (dd/mm/yyyy) and `RegimeName`. Streamed one designation at a time.
import type { ByteSource, EntityType, ListAlias, ListDocument, ListEntity, ParseOptions } from "../types";
import { countryCode, nationality } from "./countries";
import { brDate, clean, pushAlias, pushUnique, xChildren, xFind, xText, xmlRecords, type XNode } from "./stream";

const RECORDS = new Set(["Designation"]);

const TYPE: Record<string, EntityType> = { individual: "person", entity: "organization", ship: "vessel" };

export async function* parseUk(src: ByteSource, _opts: ParseOptions): AsyncGenerator<ListEntity> {
  for await (const rec of xmlRecords(src, RECORDS)) {
    const e = ukRecord(rec);
    if (e) yield e;
  }
}

function fullName(n: XNode): string {
  const whole = xText(n, "Name");
  if (whole) return clean(whole);
  return clean(["Name1", "Name2", "Name3", "Name4", "Name5", "Name6"].map((t) => xText(n, t)).filter(Boolean).join(" "));
}

function ukRecord(rec: XNode): ListEntity | null {
  const id = xText(rec, "UniqueID");
  if (!id) return null;
  const type = TYPE[xText(rec, "IndividualEntityShip").toLowerCase()] ?? "unknown";

  const names = xFind(rec, "Names").flatMap((ns) => xChildren(ns, "Name"));
  const parsed = names
    .map((n) => {
      const strength = `${xText(n, "AliasStrength")} ${xText(n, "AliasQuality")}`.toLowerCase();
      return { name: fullName(n), type: xText(n, "NameType").toLowerCase(), weak: /low|weak/.test(strength) };
    })
    .filter((n) => n.name);
  const primary = parsed.find((n) => n.type === "primary name") ?? parsed.find((n) => !n.weak) ?? parsed[0];
  if (!primary) return null;
  const aliases: ListAlias[] = [];
  for (const n of parsed) if (n !== primary) pushAlias(aliases, primary.name, n.name, n.weak);
  for (const nl of xFind(rec, "NameNonLatinScript")) pushAlias(aliases, primary.name, nl.text, false);

  const birthDates: string[] = [];
  for (const d of xFind(rec, "DOB")) for (const v of ukDob(d.text)) pushUnique(birthDates, v);

  const nationalities: string[] = [];
  for (const n of xFind(rec, "Nationality")) {
    const c = nationality(n.text);
    if (c) pushUnique(nationalities, c);
  }
  if (type === "vessel")
    for (const f of xFind(rec, "CurrentBelievedFlagOfShip")) {
      const c = nationality(f.text);
      if (c) pushUnique(nationalities, c);
    }
  if (type === "organization")
    for (const a of xFind(rec, "AddressCountry")) {
      const c = nationality(a.text);
      if (c) pushUnique(nationalities, c);
    }

  const documents: ListDocument[] = [];
  const addDoc = (kind: ListDocument["kind"], value: string, country?: string) => {
    const v = clean(value);
    if (!v || documents.some((d) => d.kind === kind && d.value === v)) return;
    const c = clean(country);
    documents.push(c ? { kind, value: v, country: countryCode(c) ?? c } : { kind, value: v });
  };
  for (const p of xFind(rec, "PassportDetail")) addDoc("passport", xText(p, "PassportNumber"), xText(p, "PassportCountry"));
  for (const p of xFind(rec, "NationalIdentifierDetail"))
    addDoc("national_id", xText(p, "NationalIdentifierNumber"), xText(p, "NationalIdentifierCountry"));
  for (const imo of xFind(rec, "IMONumber")) addDoc("other", `IMO ${clean(imo.text)}`);

  const details: Record<string, string> = {};
  const set = (k: string, v: string) => {
    if (v) details[k] = v;
  };
  set("ofsi_group_id", xText(rec, "OFSIGroupID"));
  set("un_reference_number", xText(rec, "UNReferenceNumber"));
  set("designation_source", xText(rec, "DesignationSource"));
  set("sanctions_imposed", clean(xText(rec, "SanctionsImposed")).replace(/\s*\|\s*/g, ", "));
  set(
    "positions",
    xFind(rec, "Position")
      .map((p) => clean(p.text))
      .filter(Boolean)
      .join("; "),
  );
  const gender = xFind(rec, "Gender")[0];
  if (gender) set("gender", clean(gender.text));

  const regime = clean(xText(rec, "RegimeName"));
  return {
    list: "uk_fcdo",
    entity_id: id,
    entity_type: type,
    name: primary.name,
    aliases,
    birth_dates: birthDates,
    nationalities,
    documents,
    programs: regime ? [regime] : [],
    listed_on: ukDate(xText(rec, "DateDesignated")),
    active: true,
    details,
  };
}

function ukDate(s: string): string | null {
  return brDate(s) ?? (/^\d{4}-\d{2}-\d{2}/.exec(s.trim())?.[0] ?? null);
}

/** "21/02/1962" | "dd/mm/1962" | "00/00/1962" | "dd/07/1962" | "1962" | "circa 1962" → birth_dates values. */
function ukDob(raw: string): string[] {
  const s = clean(raw).replace(/^(circa|c\.|approximately|approx\.?)\s*/i, "");
  const m = /^(\d{1,2}|dd|00)\/(\d{1,2}|mm|00)\/(\d{4})$/i.exec(s);
  if (m) {
    const known = (x: string) => /^\d+$/.test(x) && +x > 0;
    if (!known(m[2])) return [m[3]];
    const mm = m[2].padStart(2, "0");
    if (!known(m[1])) return [`${m[3]}-${mm}`];
    return [`${m[3]}-${mm}-${m[1].padStart(2, "0")}`];
  }
  const iso = /^\d{4}(-\d{2}(-\d{2})?)?$/.exec(s);
  if (iso) return [iso[0]];
  const range = /^(\d{4})\s*(?:-|to)\s*(\d{4})$/.exec(s);
  if (range && +range[2] >= +range[1] && +range[2] - +range[1] <= 20) {
    const out: string[] = [];
    for (let y = +range[1]; y <= +range[2]; y++) out.push(String(y));
    return out;
  }
  return [];
}
