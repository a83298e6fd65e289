// The screening matcher's rules, run inside workerd (the runtime the API and the
// runs use): any-ascii and fastest-levenshtein must work there as they do in node.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_THRESHOLD,
  MemoryScreener,
  STRONG_THRESHOLD,
  TrigramIndex,
  candidateKeys,
  corroborate,
  matchNames,
  normalizeName,
  retrievalQuery,
  schemaFor,
  scoreNames,
  strength,
  tokenizeName,
} from "../src/screening/match";
import type { ListDocument } from "../src/screening/types";

const person = (a: string, b: string) => scoreNames(a, b, { schema: "Person" });
const company = (a: string, b: string) => scoreNames(a, b, { schema: "Company" });

describe("normalizeName", () => {
  it("folds accents, case, punctuation and dotted initialisms, and is idempotent", () => {
    const n = normalizeName("  Crédit Agricole S.A. & Cie — J.-C. O'Neil ");
    expect(n).toBe("credit agricole sa and cie jc oneil");
    expect(normalizeName(n)).toBe(n);
    expect(normalizeName("SÃO JOÃO DA BOA VISTA")).toBe("sao joao da boa vista");
  });

  it("transliterates Cyrillic, Greek, Arabic and Georgian", () => {
    expect(normalizeName("Владимир Путин")).toBe("vladimir putin");
    expect(normalizeName("Κυριάκος Μητσοτάκης")).toBe("kyriakos mitsotakis");
    expect(normalizeName("محمد")).toBe("mhmd");
    expect(normalizeName("ბარაკ ობამა")).toBe("barak obama");
  });
});

describe("scoreNames: rules", () => {
  it("token order is free ('LAST, First' = 'First Last')", () => {
    expect(person("SALEK, ABDULHAI", "ABDULHAI SALEK").score).toBe(1);
    const r = person("SALEK ABDULHAI", "ABDULHAI SALEK");
    expect(r.score).toBe(1);
    expect(r.reasons).toContain("token_order");
    // OFAC's "LAST, First" keeps compound names together: "HAQ, ABDUL" is "Abdul Haq".
    expect(person("HAQ, ABDUL", "ABDUL HAQ").score).toBe(1);
    // A suffix after the comma is not a given name.
    expect(person("RUBEN PESTANO LAVILLA, JR", "Ruben Pestano Lavilla Junior").score).toBe(1);
  });

  it("a different family name is no match even with the same given name", () => {
    expect(person("ABDULHAI SALEK", "ABDULHAI MOTMAEN").score).toBeLessThan(DEFAULT_THRESHOLD);
    expect(person("Daniel Tusk", "Donald Tusk").score).toBeLessThan(DEFAULT_THRESHOLD);
  });

  it("initials match the names they abbreviate, and conflict with others", () => {
    const v = person("V. Putin", "Vladimir Putin");
    expect(v.score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
    expect(v.reasons).toContain("initial");
    expect(person("JC Juncker", "Jean-Claude Juncker").score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
    expect(person("Hans J Friedrich", "Hans Joachim Friedrich").score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
    expect(person("Hans O Friedrich", "Hans Joachim Friedrich").score).toBeLessThan(DEFAULT_THRESHOLD);
    // Initials alone never name someone.
    expect(person("N.N.", "Nursultan Nazarbayev").score).toBeLessThanOrEqual(0.5);
  });

  it("particles and generational suffixes weigh little (Portuguese, Arabic)", () => {
    const pt = person("Maria da Silva dos Santos", "Maria Silva Santos");
    expect(pt.score).toBeGreaterThanOrEqual(STRONG_THRESHOLD);
    expect(pt.reasons).toContain("particle");
    const filho = person("José Carlos Pereira Filho", "Jose Carlos Pereira");
    expect(filho.score).toBeGreaterThanOrEqual(STRONG_THRESHOLD);
    expect(filho.reasons).toContain("suffix");
    expect(person("João Souza Júnior", "JOAO SOUZA JR").score).toBe(1);
    expect(person("Mohamed bin Salman", "Muhammad ibn Salman").score).toBe(1);
    expect(person("Bashar al-Assad", "Bashar Alassad").score).toBeGreaterThanOrEqual(STRONG_THRESHOLD);
    expect(person("Abd al-Rahman Mustafa", "Abdulrahman Mustafa").score).toBe(1);
    expect(person("Abdel Aziz Nooristani", "Abdulaziz Nuristani").score).toBeGreaterThanOrEqual(STRONG_THRESHOLD);
    // A particle does not rescue a different name: al-Assad the father is not al-Assad the son.
    expect(person("Bashar al-Assad", "Hafez al-Assad").score).toBeLessThan(DEFAULT_THRESHOLD);
  });

  it("missing middle names cost little; a missing family name costs more", () => {
    expect(person("Jose Carlos Pereira", "José Carlos Alves Pereira").score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
    const r = person("Vladimir Putin", "PUTIN, Vladimir Vladimirovich");
    expect(r.score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
    expect(r.reasons).toContain("missing_middle");
    expect(person("Vladimir", "Vladimir Putin").score).toBeLessThan(DEFAULT_THRESHOLD);
  });

  it("legal forms are normalised and not compared as name words", () => {
    expect(company("Acme Comércio Ltda.", "ACME COMERCIO LTDA").score).toBe(1);
    expect(company("Daimler Aktiengesellschaft", "Daimler AG").score).toBe(1);
    expect(company("OOO Oboronnye Initsiativy", "Oboronnye Initsiativy LLC").score).toBe(1);
    expect(company("Acme S/A", "Acme Sociedade Anônima").score).toBe(1);
    expect(company("Stripe LLC", "Stripe Limited Liability Company").score).toBe(1);
    expect(company("Crystalord", "CRYSTALORD LTD").score).toBe(1);
    // Different kinds of company with the same name: still a candidate, flagged.
    const d = company("Deutsche Bank AG", "Deutsche Bank GmbH");
    expect(d.reasons).toContain("legal_form_conflict");
    expect(d.score).toBeLessThan(STRONG_THRESHOLD);
    // A legal form is not a name: "Acme Ltda" is not "Beta Ltda".
    expect(company("Acme Ltda", "Beta Ltda").score).toBeLessThan(0.5);
  });

  it("transliterated names match their Latin spellings", () => {
    const r = person("Сергей Викторович Лавров", "Sergey Viktorovich Lavrov");
    expect(r.score).toBeGreaterThanOrEqual(STRONG_THRESHOLD);
    expect(r.reasons).toContain("transliteration");
    expect(person("Κυριάκος Μητσοτάκης", "Kyriakos Mitsotakis").score).toBe(1);
    expect(person("محمد بن سلمان", "Muhammad bin Salman").score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
    expect(person("Hasan Rohani", "Hassan Rouhani").score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
  });

  it("typos, glued words and leetspeak", () => {
    const t = person("Alexandr Lukashnko", "Alexander Lukashenko");
    expect(t.score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
    expect(t.reasons).toContain("typo");
    expect(person("Olaf Schloz", "Olaf Scholz").score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
    expect(person("VladimirPutin", "Vladimir Putin").score).toBeGreaterThanOrEqual(STRONG_THRESHOLD);
    expect(person("Ig0r Sech1n", "Igor Sechin").score).toBe(1);
  });

  it("is symmetric and bounded", () => {
    for (const [a, b] of [
      ["Hans O Friedrich", "Hans Joachim Friedrich"],
      ["JC Juncker", "Jean-Claude Juncker"],
      ["Usama bin Ladin", "Osama bin Laden"],
    ]) {
      const x = person(a, b).score;
      expect(person(b, a).score).toBe(x);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(1);
    }
    expect(person("", "Anyone").score).toBe(0);
  });
});

describe("strength and corroboration", () => {
  it("a conflicting birth year makes a strong name match possible at most; an equal one raises it", () => {
    const listed = { birth_dates: ["1952-10-07"], nationalities: ["RU"], documents: [] };
    const conflict = corroborate({ birthDate: "1980" }, listed);
    expect(conflict.birthYear).toBe("conflict");
    expect(strength(1, conflict)).toBe("possible");
    expect(strength(1, {})).toBe("strong");
    const same = corroborate({ birthDate: "1952-10-07", nationality: "RU" }, listed);
    expect(same).toEqual({ birthYear: "match", nationality: "match" });
    // Just under the strong threshold, an equal birth year lifts it over.
    expect(strength(STRONG_THRESHOLD - 0.03, {})).toBe("possible");
    expect(strength(STRONG_THRESHOLD - 0.03, same)).toBe("strong");
    // A year off by one is neither (lists give circa years).
    expect(corroborate({ birthDate: "1953" }, listed).birthYear).toBe("unknown");
  });

  it("an equal document is strong whatever the name; below the threshold nothing", () => {
    const listed = { birth_dates: [], nationalities: [], documents: [{ kind: "passport", value: "AB 123456", country: "IR" }] };
    const c = corroborate({ documents: [{ kind: "passport", value: "ab123456", country: "IR" }] }, listed);
    expect(c.document).toBe("match");
    expect(strength(0.3, c)).toBe("strong");
    const other = corroborate({ documents: [{ kind: "passport", value: "ZZ999", country: "IR" }] }, listed);
    expect(other.document).toBe("conflict");
    expect(strength(1, other)).toBe("possible");
    expect(strength(DEFAULT_THRESHOLD - 0.01, {})).toBeNull();
    expect(strength(DEFAULT_THRESHOLD, {})).toBe("possible");
  });

  it("a weak alias makes a possible match at most", () => {
    const m = matchNames("Abu Ahmad", [{ name: "Abu Ahmad", weak: true }], { schema: "Person" });
    expect(m!.score).toBeLessThan(STRONG_THRESHOLD);
    expect(strength(m!.score)).toBe("possible");
    expect(m!.reasons).toContain("weak_alias");
    const best = matchNames("Vladimir Putin", [{ name: "Putin" }, { name: "PUTIN, Vladimir Vladimirovich" }], { schema: "Person" });
    expect(best!.matched_name).toBe("PUTIN, Vladimir Vladimirovich");
  });

  it("schemaFor maps the search type and the listed entity type", () => {
    expect(schemaFor("pf", "person")).toBe("Person");
    expect(schemaFor("pj", "organization")).toBe("Company");
    expect(schemaFor(undefined, "vessel")).toBe("Vessel");
    expect(schemaFor("pf", "organization")).toBe("LegalEntity");
    expect(schemaFor(null, "unknown")).toBe("LegalEntity");
  });
});

describe("retrieval", () => {
  it("retrievalQuery is an OR of quoted trigrams of 3+ characters, no operator from the input, at most 40 terms", () => {
    expect(retrievalQuery("Vladimir Putin")).toBe('"vla" OR "put" OR "lad" OR "uti" OR "adi" OR "tin" OR "dim" OR "imi" OR "mir"');
    const q = retrievalQuery('x" OR y* NEAR(a b) AND ^col:z -- Kim');
    for (const term of q.split(" OR ")) expect(term).toMatch(/^"[a-z0-9 ]{3}"$/);
    expect(q).not.toMatch(/NEAR|AND|\*|\^|:|-/);
    const long = retrievalQuery("Abdulrahman Mohammed Abdullah Abdulkarim Al-Hadhrami Bin Abdulaziz Abubakar");
    expect(long.split(" OR ")).toHaveLength(40);
    expect(new Set(long.split(" OR ")).size).toBe(40);
    // Short words count with their neighbour: glued and across the space.
    expect(retrievalQuery("Li Yu")).toBe('"li " OR "liy" OR "i y" OR "iyu" OR " yu"');
    // Canonical and written spellings both: an index of normalised names shares the written trigrams.
    expect(retrievalQuery("Mohamed").split(" OR ")).toEqual(expect.arrayContaining(['"muh"', '"moh"', '"med"', '"mad"']));
    expect(retrievalQuery("A B")).toBe("");
  });

  it("candidateKeys stores the normalised name, then its canonical words spaced and glued", () => {
    expect(candidateKeys("Mohamed bin Salman")).toEqual(["mohamed bin salman", "muhammad bin salman", "muhammadbinsalman"]);
    expect(candidateKeys("ACME Comércio Ltda")).toEqual(["acme comercio ltda", "acme comercio", "acmecomercio"]);
    expect(candidateKeys("Putin")).toEqual(["putin"]);
  });

  it("TrigramIndex finds a listed name from a misspelt, reordered or glued query", () => {
    const idx = new TrigramIndex<string>();
    const names = ["Vladimir Vladimirovich Putin", "Sergey Viktorovich Lavrov", "Bashar al-Assad", "Hafez al-Assad", "Banco Delta Asia", "Osama bin Laden"];
    names.forEach((n) => idx.add(n, n));
    expect(idx.search("Vladimir Putn", 1)[0].ref).toBe("Vladimir Vladimirovich Putin");
    expect(idx.search("LAVROV, Sergei", 1)[0].ref).toBe("Sergey Viktorovich Lavrov");
    expect(idx.search("VladimirPutin", 1)[0].ref).toBe("Vladimir Vladimirovich Putin");
    expect(idx.search("Usama bin Ladin", 1)[0].ref).toBe("Osama bin Laden");
    expect(idx.search("Bashar Assad", 2).map((h) => h.ref)).toEqual(["Bashar al-Assad", "Hafez al-Assad"]);
    expect(idx.search("zzz qqq")).toEqual([]);
  });
});

describe("rankCandidates and MemoryScreener", () => {
  const entity = (id: string, type: "person" | "organization", name: string, extra: Partial<{ aliases: { name: string; weak?: boolean }[]; birth_dates: string[]; nationalities: string[] }> = {}) => ({
    list: "un_sc",
    entity_id: id,
    entity_type: type,
    name,
    aliases: extra.aliases ?? [],
    birth_dates: extra.birth_dates ?? [],
    nationalities: extra.nationalities ?? [],
    documents: [] as ListDocument[],
  });

  it("finds the entity through a misspelt alias, best first, with corroboration in the reasons", () => {
    const s = new MemoryScreener<ReturnType<typeof entity>>();
    s.add(entity("1", "person", "ABU BAKR AL-BAGHDADI", { aliases: [{ name: "Ibrahim Awwad Ibrahim al-Badri" }], birth_dates: ["1971"], nationalities: ["IQ"] }));
    s.add(entity("2", "person", "IBRAHIM AL-BADRI HASSAN", { birth_dates: ["1980"] }));
    s.add(entity("3", "organization", "AL-BADRI TRADING LLC"));
    const r = s.search({ name: "Ibrahim Awad Ibrahim Al Badri", type: "pf", birth_date: "1971-07-28", nationality: "IQ" });
    expect(r[0].key).toBe("un_sc:1");
    expect(r[0].matched_name).toBe("Ibrahim Awwad Ibrahim al-Badri");
    expect(r[0].strength).toBe("strong");
    expect(r[0].reasons).toEqual(expect.arrayContaining(["birth_year", "nationality"]));
    expect(r[0].score).toBeGreaterThan(r[0].name_score);
    // A person query never matches an organisation.
    expect(r.some((m) => m.key === "un_sc:3")).toBe(false);
  });

  it("a birth-year conflict keeps a name-perfect match possible, and limit/threshold apply", () => {
    const s = new MemoryScreener<ReturnType<typeof entity>>();
    s.add(entity("1", "person", "JOHN SMITH", { birth_dates: ["1950"] }));
    s.add(entity("2", "person", "JON SMYTH"));
    const r = s.search({ name: "John Smith", type: "pf", birth_date: "1990" }, { limit: 1 });
    expect(r).toHaveLength(1);
    expect(r[0].key).toBe("un_sc:1");
    expect(r[0].strength).toBe("possible");
    expect(r[0].reasons).toContain("birth_year_conflict");
    expect(s.search({ name: "John Smith" }, { threshold: 0.999 }).map((m) => m.key)).toEqual(["un_sc:1"]);
  });
});

describe("tokenizeName", () => {
  it("assigns roles: titles, particles and suffixes light, legal forms apart", () => {
    const p = tokenizeName("Sheikh Isa Bin Tarif Al Bin Ali Filho", "Person");
    expect(p.titles).toEqual(["sheikh"]);
    expect(p.tokens.map((t) => `${t.text}:${t.role}`)).toEqual([
      "sheikh:title",
      "isa:name",
      "bin:particle",
      "tarif:name",
      "al:particle",
      "bin:particle",
      "ali:name",
      "filho:suffix",
    ]);
    // A title on one side only costs nothing.
    expect(person("Mr. Rami Makhlouf", "Rami Makhlouf").score).toBe(1);
    const c = tokenizeName("Tactical Missiles Corporation Joint Stock Company", "Company");
    expect(c.legalForms.sort()).toEqual(["corp", "jsc"]);
    expect(c.tokens.map((t) => t.text)).toEqual(["tactical", "missiles"]);
  });
});
