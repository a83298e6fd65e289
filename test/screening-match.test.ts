// The screening matcher's rules, run inside workerd (the runtime the API and the
// runs use): any-ascii and fastest-levenshtein must work there as they do in node.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_THRESHOLD,
  MemoryScreener,
  TrigramIndex,
  candidateKeys,
  indexText,
  matchNames,
  normalizeName,
  retrievalQuery,
  schemaFor,
  scoreNames,
  tokenizeName,
} from "../src/screening/match";
import type { ListDocument } from "../src/screening/types";

/** A name score that leaves no doubt about the name itself (whether it is the same person is the evidence's call). */
const HIGH = 0.92;
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
    expect(pt.score).toBeGreaterThanOrEqual(HIGH);
    expect(pt.reasons).toContain("particle");
    const filho = person("José Carlos Pereira Filho", "Jose Carlos Pereira");
    expect(filho.score).toBeGreaterThanOrEqual(HIGH);
    expect(filho.reasons).toContain("suffix");
    expect(person("João Souza Júnior", "JOAO SOUZA JR").score).toBe(1);
    expect(person("Mohamed bin Salman", "Muhammad ibn Salman").score).toBe(1);
    expect(person("Bashar al-Assad", "Bashar Alassad").score).toBeGreaterThanOrEqual(HIGH);
    expect(person("Abd al-Rahman Mustafa", "Abdulrahman Mustafa").score).toBe(1);
    expect(person("Abdel Aziz Nooristani", "Abdulaziz Nuristani").score).toBeGreaterThanOrEqual(HIGH);
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
    expect(d.score).toBeLessThan(HIGH);
    // A legal form is not a name: "Acme Ltda" is not "Beta Ltda".
    expect(company("Acme Ltda", "Beta Ltda").score).toBeLessThan(0.5);
  });

  it("transliterated names match their Latin spellings", () => {
    const r = person("Сергей Викторович Лавров", "Sergey Viktorovich Lavrov");
    expect(r.score).toBeGreaterThanOrEqual(HIGH);
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
    expect(person("VladimirPutin", "Vladimir Putin").score).toBeGreaterThanOrEqual(HIGH);
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

describe("weak aliases and schemas", () => {
  it("a weak alias counts less than the same name listed strong", () => {
    const m = matchNames("Abu Ahmad", [{ name: "Abu Ahmad", weak: true }], { schema: "Person" });
    expect(m!.score).toBeLessThan(1);
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
    // Canonical and written spellings both: an index text holds both.
    expect(retrievalQuery("Mohamed").split(" OR ")).toEqual(expect.arrayContaining(['"muh"', '"moh"', '"med"', '"mad"']));
    expect(retrievalQuery("A B")).toBe("");
  });

  it("candidateKeys and indexText: the normalised name, then its canonical words spaced and glued, in one text", () => {
    expect(candidateKeys("Mohamed bin Salman")).toEqual(["mohamed bin salman", "muhammad bin salman", "muhammadbinsalman"]);
    expect(candidateKeys("ACME Comércio Ltda")).toEqual(["acme comercio ltda", "acme comercio", "acmecomercio"]);
    expect(candidateKeys("Putin")).toEqual(["putin"]);
    expect(indexText("Mohamed bin Salman")).toBe("mohamed bin salman | muhammad bin salman | muhammadbinsalman");
  });

  it("TrigramIndex finds a listed entity from a misspelt, reordered or glued query", () => {
    const idx = new TrigramIndex<string>();
    const names = ["Vladimir Vladimirovich Putin", "Sergey Viktorovich Lavrov", "Bashar al-Assad", "Hafez al-Assad", "Banco Delta Asia", "Osama bin Laden"];
    names.forEach((n) => idx.add(n, n, "un_sc", n));
    expect(idx.search("Vladimir Putn")[0]).toBe("Vladimir Vladimirovich Putin");
    expect(idx.search("LAVROV, Sergei")[0]).toBe("Sergey Viktorovich Lavrov");
    expect(idx.search("VladimirPutin")[0]).toBe("Vladimir Vladimirovich Putin");
    expect(idx.search("Usama bin Ladin")[0]).toBe("Osama bin Laden");
    expect(idx.search("Bashar Assad").slice(0, 2)).toEqual(["Bashar al-Assad", "Hafez al-Assad"]);
    expect(idx.search("zzz qqq")).toEqual([]);
  });
});

describe("rankCandidates and MemoryScreener", () => {
  const entity = (id: string, type: "person" | "organization", name: string, extra: Partial<{ aliases: { name: string; weak?: boolean }[]; birth_dates: string[]; nationalities: string[]; documents: ListDocument[] }> = {}) => ({
    list: "un_sc",
    entity_id: id,
    entity_type: type,
    name,
    aliases: extra.aliases ?? [],
    birth_dates: extra.birth_dates ?? [],
    nationalities: extra.nationalities ?? [],
    documents: extra.documents ?? ([] as ListDocument[]),
    details: {} as Record<string, string>,
  });

  it("finds the entity through a misspelt alias, best first; an agreeing birth date makes it strong", () => {
    const s = new MemoryScreener<ReturnType<typeof entity>>();
    s.add(entity("1", "person", "ABU BAKR AL-BAGHDADI", { aliases: [{ name: "Ibrahim Awwad Ibrahim al-Badri" }], birth_dates: ["1971"], nationalities: ["IQ"] }));
    s.add(entity("2", "person", "IBRAHIM AL-BADRI HASSAN", { birth_dates: ["1980"] }));
    s.add(entity("3", "organization", "AL-BADRI TRADING LLC"));
    const r = s.search({ name: "Ibrahim Awad Ibrahim Al Badri", type: "pf", birth_date: "1971-07-28", nationality: "IQ" });
    expect(r.matches[0].key).toBe("un_sc:1");
    expect(r.matches[0].matched_name).toBe("Ibrahim Awwad Ibrahim al-Badri");
    expect(r.matches[0].strength).toBe("strong");
    expect(r.matches[0].reasons).toEqual(expect.arrayContaining(["alias", "birth_year_match", "nationality_match"]));
    // Nationality agreeing is no bonus: the score is the name's.
    expect(r.matches[0].score).toBe(r.matches[0].name_score);
    // A person query never matches an organisation.
    expect(r.matches.some((m) => m.key === "un_sc:3")).toBe(false);
  });

  it("the same name alone is possible; a contradicting birth year clears it, with its reason", () => {
    const s = new MemoryScreener<ReturnType<typeof entity>>();
    s.add(entity("1", "person", "JOHN SMITH", { birth_dates: ["1950"] }));
    s.add(entity("2", "person", "JON SMYTH"));
    const alone = s.search({ name: "John Smith", type: "pf" }, { limit: 1 });
    expect(alone.matches).toHaveLength(1);
    expect(alone.matches[0].key).toBe("un_sc:1");
    expect(alone.matches[0].strength).toBe("possible");
    expect(alone.matches[0].reasons).toContain("birth_date_not_given");
    const other = s.search({ name: "John Smith", type: "pf", birth_date: "1990" });
    expect(other.matches.map((m) => m.key)).not.toContain("un_sc:1");
    expect(other.cleared).toEqual([expect.objectContaining({ key: "un_sc:1", contradiction: { kind: "birth_date", query: "1990", listed: ["1950"] } })]);
    expect(s.search({ name: "John Smith" }, { threshold: 0.999 }).matches.map((m) => m.key)).toEqual(["un_sc:1"]);
  });

  it("documents: the same CPF identifies whatever the name; another clears; a CNPJ branch is the same company", () => {
    const s = new MemoryScreener<ReturnType<typeof entity>>();
    s.add(entity("p", "person", "MARIA DA SILVA", { documents: [{ kind: "cpf", value: "52998224725" }] }));
    s.add(entity("c", "organization", "ACME COMERCIO LTDA", { documents: [{ kind: "cnpj", value: "11222333000181" }] }));
    const same = s.search({ name: "Maria Aparecida", type: "pf", documents: [{ kind: "cpf", value: "52998224725" }] });
    expect(same.matches[0]).toMatchObject({ key: "un_sc:p", strength: "strong", score: 1, by_document: true });
    expect(same.matches[0].reasons).toContain("cpf_match");
    const other = s.search({ name: "Maria da Silva", type: "pf", documents: [{ kind: "cpf", value: "11144477735" }] });
    expect(other.matches).toEqual([]);
    expect(other.cleared[0]).toMatchObject({ key: "un_sc:p", contradiction: { kind: "document", document: "cpf" } });
    // A branch (same 8-digit root, another order number) asks: the listed company is found, by its root.
    const branch = s.search({ name: "Acme Comercio", type: "pj", documents: [{ kind: "cnpj", value: "11222333000262" }] });
    expect(branch.matches[0]).toMatchObject({ key: "un_sc:c", strength: "strong" });
    expect(branch.matches[0].reasons).toContain("cnpj_root_match");
    const elsewhere = s.search({ name: "Acme Comercio", type: "pj", documents: [{ kind: "cnpj", value: "99888777000155" }] });
    expect(elsewhere.matches).toEqual([]);
    expect(elsewhere.cleared[0].contradiction).toEqual({ kind: "document", document: "cnpj" });
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
