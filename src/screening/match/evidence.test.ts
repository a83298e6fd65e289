// The evidence rules of contract §14, one by one, and the two properties every
// candidate obeys: a name alone is never strong; a contradicting birth date never
// is either.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GENDER_PENALTY, NATIONALITY_PENALTY, judge, weighEvidence, type ListedFacts } from "./evidence";
import { explainContradiction, explainReasons } from "./explain";
import { rankCandidates } from "./search";
import { DEFAULT_THRESHOLD } from "./strength";
import type { ListDocument } from "../types";

const listed = (over: Partial<ListedFacts> = {}): ListedFacts => ({ entity_type: "person", birth_dates: [], nationalities: [], documents: [], details: {}, ...over });

describe("documents", () => {
  it("the same CPF corroborates and identifies whatever the name; another CPF contradicts", () => {
    const l = listed({ documents: [{ kind: "cpf", value: "52998224725" }] });
    const same = weighEvidence({ documents: [{ kind: "cpf", value: "529.982.247-25" }] }, l);
    expect(same).toMatchObject({ document: "cpf", contradiction: null });
    expect(judge(0.1, same, DEFAULT_THRESHOLD)).toEqual({ verdict: "match", score: 1, strength: "strong", by_document: true });
    const other = weighEvidence({ documents: [{ kind: "cpf", value: "11144477735" }] }, l);
    expect(other.contradiction).toEqual({ kind: "document", document: "cpf" });
    expect(judge(1, other, DEFAULT_THRESHOLD).verdict).toBe("cleared");
  });

  it("masked CPFs: equal visible digits corroborate a name match but identify nobody alone; other digits contradict", () => {
    const l = listed({ documents: [{ kind: "cpf_masked", value: "982247" }] });
    const full = weighEvidence({ documents: [{ kind: "cpf", value: "52998224725" }] }, l);
    expect(full.document).toBe("cpf_masked");
    expect(judge(0.5, full, DEFAULT_THRESHOLD)).toEqual({ verdict: "none" });
    expect(judge(0.85, full, DEFAULT_THRESHOLD)).toMatchObject({ verdict: "match", strength: "strong", by_document: true });
    // A partner known only masked (open CNPJ data) against a masked list, and against a list in clear.
    expect(weighEvidence({ documents: [{ kind: "cpf_masked", value: "982247" }] }, l).document).toBe("cpf_masked");
    expect(weighEvidence({ documents: [{ kind: "cpf_masked", value: "982247" }] }, listed({ documents: [{ kind: "cpf", value: "52998224725" }] })).document).toBe("cpf_masked");
    expect(weighEvidence({ documents: [{ kind: "cpf_masked", value: "111444" }] }, l).contradiction).toEqual({ kind: "document", document: "cpf_masked" });
  });

  it("a CNPJ of the same 8-character root (a branch) is the same legal person; another root contradicts", () => {
    const l = listed({ entity_type: "organization", documents: [{ kind: "cnpj", value: "11222333000181" }] });
    expect(weighEvidence({ documents: [{ kind: "cnpj", value: "11222333000181" }] }, l).document).toBe("cnpj");
    const branch = weighEvidence({ documents: [{ kind: "cnpj", value: "11222333000262" }] }, l);
    expect(branch).toMatchObject({ document: "cnpj_root", contradiction: null });
    expect(judge(0, branch, DEFAULT_THRESHOLD)).toMatchObject({ verdict: "match", strength: "strong" });
    expect(weighEvidence({ documents: [{ kind: "cnpj", value: "11444777000161" }] }, l).contradiction).toEqual({ kind: "document", document: "cnpj" });
    // Alphanumeric roots (IN RFB 2.229/2024) compare the same way.
    expect(weighEvidence({ documents: [{ kind: "cnpj", value: "12ABC34501DE35" }] }, listed({ documents: [{ kind: "cnpj", value: "12ABC34502XX00" }] })).document).toBe("cnpj_root");
  });

  it("one agreeing document is enough when a record lists several; a foreign passport of another number contradicts nothing", () => {
    const l = listed({ documents: [{ kind: "cpf", value: "11144477735" }, { kind: "cpf", value: "52998224725" }] });
    expect(weighEvidence({ documents: [{ kind: "cpf", value: "52998224725" }] }, l)).toMatchObject({ document: "cpf", contradiction: null });
    const passport = listed({ documents: [{ kind: "passport", value: "AB 123", country: "IR" }] });
    expect(weighEvidence({ documents: [{ kind: "passport", value: "ab123", country: "IR" }] }, passport).document).toBe("foreign");
    expect(weighEvidence({ documents: [{ kind: "passport", value: "ZZ999", country: "IR" }] }, passport)).toMatchObject({ document: null, contradiction: null });
  });

  it("says which documents were missing", () => {
    expect(weighEvidence({}, listed({ documents: [{ kind: "cpf", value: "52998224725" }] })).missing).toContain("document_not_given");
    expect(weighEvidence({ documents: [{ kind: "cpf", value: "52998224725" }] }, listed()).missing).toContain("document_not_listed");
  });
});

describe("birth dates", () => {
  const at = (q: string, l: string[]) => weighEvidence({ birth_date: q }, listed({ birth_dates: l }));

  it("agree at the precision both sides have", () => {
    expect(at("1968-03-02", ["1968"]).birth_date).toBe("year");
    expect(at("1968-03-02", ["1968-03"]).birth_date).toBe("month");
    expect(at("1968-03-02", ["1968-03-02"]).birth_date).toBe("day");
    expect(at("1968", ["1968-03-02"]).birth_date).toBe("year");
  });

  it("years more than one apart contradict; one apart neither agrees nor contradicts (circa years)", () => {
    expect(at("1985-03-02", ["1963"]).contradiction).toEqual({ kind: "birth_date", query: "1985-03-02", listed: ["1963"] });
    expect(at("1969", ["1968"])).toMatchObject({ birth_date: null, contradiction: null });
  });

  it("full dates contradict unless equal or the day and month swapped", () => {
    expect(at("1968-03-02", ["1968-03-05"]).contradiction?.kind).toBe("birth_date");
    expect(at("1968-03-02", ["1968-02-03"])).toMatchObject({ birth_date: null, contradiction: null });
    expect(at("1969-03-02", ["1968-03-02"]).contradiction?.kind).toBe("birth_date");
  });

  it("several listed dates: one that agrees, or does not contradict, is enough", () => {
    expect(at("1968", ["1950", "1968"])).toMatchObject({ birth_date: "year", contradiction: null });
    expect(at("1968", ["1950", "1967"])).toMatchObject({ birth_date: null, contradiction: null });
    expect(at("1990", ["1950", "1960"]).contradiction?.kind).toBe("birth_date");
  });

  it("an age band bounds the year (with a year of slack) and never corroborates", () => {
    const band = { birth_years: { from: 1985, to: 1995 } };
    expect(weighEvidence(band, listed({ birth_dates: ["1968"] })).contradiction).toMatchObject({ kind: "birth_years", from: 1985, to: 1995 });
    expect(weighEvidence(band, listed({ birth_dates: ["1984"] }))).toMatchObject({ birth_date: null, contradiction: null, birth_years_within: true });
    expect(weighEvidence(band, listed({ birth_dates: ["1990"] }))).toMatchObject({ birth_date: null, contradiction: null, birth_years_within: true });
    // A band is no birth date "not given": the reasons say what it did.
    expect(weighEvidence(band, listed({ birth_dates: ["1990"] })).missing).not.toContain("birth_date_not_given");
    expect(weighEvidence(band, listed()).missing).toEqual(["birth_date_not_listed"]);
  });

  it("says which birth dates were missing", () => {
    expect(weighEvidence({}, listed({ birth_dates: ["1968"] })).missing).toContain("birth_date_not_given");
    expect(at("1968", []).missing).toContain("birth_date_not_listed");
  });
});

describe("type, nationality, gender", () => {
  it("a person against an organisation contradicts", () => {
    expect(weighEvidence({ type: "pf" }, listed({ entity_type: "organization" })).contradiction).toEqual({ kind: "entity_type", query: "pf", listed: "organization" });
    expect(weighEvidence({ type: "pj" }, listed({ entity_type: "person" })).contradiction?.kind).toBe("entity_type");
  });

  it("a different nationality or gender lowers the score by the documented amounts and never clears alone", () => {
    const ev = weighEvidence({ nationality: "BR", gender: "F" }, listed({ nationalities: ["AF"], details: { gender: "Male" } }));
    expect(ev).toMatchObject({ nationality: "conflict", gender: "conflict", contradiction: null });
    expect(judge(0.95, ev, DEFAULT_THRESHOLD)).toEqual({ verdict: "match", score: Math.round((0.95 - NATIONALITY_PENALTY - GENDER_PENALTY) * 1000) / 1000, strength: "possible", by_document: false });
    // People hold several nationalities: one of them agreeing is agreement.
    expect(weighEvidence({ nationality: "BR" }, listed({ nationalities: ["PT", "BR"] })).nationality).toBe("match");
  });
});

describe("strength", () => {
  it("strong needs corroboration and nothing contradicting; a name alone is possible", () => {
    expect(judge(1, weighEvidence({}, listed()), DEFAULT_THRESHOLD)).toMatchObject({ verdict: "match", strength: "possible" });
    expect(judge(0.81, weighEvidence({ birth_date: "1968" }, listed({ birth_dates: ["1968"] })), DEFAULT_THRESHOLD)).toMatchObject({ verdict: "match", strength: "strong" });
    expect(judge(0.79, weighEvidence({ birth_date: "1968" }, listed({ birth_dates: ["1968"] })), DEFAULT_THRESHOLD)).toEqual({ verdict: "none" });
  });

  const name = fc.constantFrom("Abdul Hai Salek", "Juan Carlos Ramirez", "Maria da Silva", "Viktor Bout", "José Rodríguez");
  const year = fc.integer({ min: 1920, max: 2010 });
  const entity = (n: string, years: number[], docs: ListDocument[] = []) => ({
    key: "k",
    entity: { entity_type: "person" as const, name: n, aliases: [], birth_dates: years.map(String), nationalities: [], documents: docs, details: {} },
  });

  it("property: a name alone (no document, no birth date) is never strong", () => {
    fc.assert(
      fc.property(name, name, fc.array(year, { maxLength: 3 }), fc.option(fc.constantFrom("BR", "AF", "CO")), (q, l, years, nat) => {
        const r = rankCandidates({ name: q, type: "pf", nationality: nat }, [entity(l, years)]);
        return r.matches.every((m) => m.strength !== "strong");
      }),
    );
  });

  it("property: a birth date contradicting every listed one never gives a strong match (the candidate is cleared)", () => {
    fc.assert(
      fc.property(name, year, fc.array(year, { minLength: 1, maxLength: 3 }), (n, born, listedYears) => {
        fc.pre(listedYears.every((y) => Math.abs(y - born) > 1));
        const r = rankCandidates({ name: n, type: "pf", birth_date: `${born}-06-15` }, [entity(n, listedYears)]);
        return r.matches.length === 0 && r.cleared.length === 1;
      }),
    );
  });
});

describe("in words", () => {
  it("reasons and contradictions read as an analyst would write them", () => {
    expect(explainReasons(["normalized", "birth_date_not_given"])).toBe("nome idêntico ao listado; data de nascimento não informada");
    expect(explainReasons(["token_order", "missing_middle", "birth_year_match", "nationality_conflict"])).toBe(
      "nome confere (ordem dos nomes trocada, nomes do meio ausentes); ano de nascimento confere; nacionalidade diverge",
    );
    expect(explainReasons(["cpf_match"])).toBe("nome diverge do listado; CPF confere");
    expect(explainContradiction({ kind: "birth_date", query: "1985-03-02", listed: ["1963"] })).toBe("nascimento em 1985-03-02; a lista indica 1963");
    expect(explainContradiction({ kind: "entity_type", query: "pf", listed: "organization" })).toBe("o titular é pessoa física; o registro listado é uma organização");
  });
});
