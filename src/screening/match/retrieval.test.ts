// The retrieval plan the D1 search's MATCH expression and the in-memory index
// share: the query trigrams without the very common ones (each word keeping its
// two rarest), or pairs of words when a name is made of common words — bounded,
// whatever the length of the name.
import { describe, expect, it } from "vitest";
import { COMMON_TRIGRAM_NAMES, MAX_PAIRED_WORDS, MAX_PLAN_TERMS, matchExpression, queryTrigrams, retrievalPlan, TrigramIndex } from "./retrieval";

const counter = (entries: Record<string, number>) => (t: string) => entries[t] ?? 0;
const COMMON = COMMON_TRIGRAM_NAMES + 1;
const expr = (name: string, count: (t: string) => number) => {
  const plan = retrievalPlan(name, count);
  return plan ? matchExpression(plan) : null;
};

describe("retrievalPlan", () => {
  it("a name of rare trigrams: every trigram some name holds, rarest first", () => {
    const terms = queryTrigrams("Abdul Salek");
    const count = counter(Object.fromEntries(terms.map((t, i) => [t, 10 + i])));
    expect(expr("Abdul Salek", count)).toBe(terms.map((t) => `"${t}"`).join(" OR "));
  });

  it("a long name keeps each word's two rarest trigrams, then the rarest overall up to 10", () => {
    const long = "Abdulhai Rahimullah Salekzai Mohammadullah";
    const all = queryTrigrams(long);
    // The first word's trigrams are the rarest: the old cut took all 10 from it.
    const count = counter(Object.fromEntries(all.map((t) => [t, t.startsWith("a") || t.startsWith("b") || t.startsWith("d") ? 5 : 900])));
    const plan = retrievalPlan(long, count)!;
    expect(plan.pairs).toEqual([]);
    for (const word of ["rahimullah", "salekzai", "mohammadullah"]) {
      const own = plan.terms.filter((t) => word.includes(t));
      expect(own.length, word).toBeGreaterThanOrEqual(2);
    }
    expect(plan.terms.length).toBeGreaterThanOrEqual(8);
    expect(plan.terms.length).toBeLessThanOrEqual(MAX_PLAN_TERMS);
  });

  it("common trigrams are left out when enough rare ones remain; trigrams no name holds (typos) too", () => {
    const name = "Abdulhai Rahimullah Salekzai";
    const terms = queryTrigrams(name);
    const entries = Object.fromEntries(terms.map((t, i) => [t, i % 2 === 0 ? COMMON : 5 + i]));
    entries[terms[1]] = 0;
    const count = counter(entries);
    const plan = retrievalPlan(name, count)!;
    expect(plan.pairs).toEqual([]);
    expect(plan.terms.length).toBeGreaterThanOrEqual(4);
    expect(plan.terms.every((t) => count(t) > 0 && count(t) <= COMMON_TRIGRAM_NAMES)).toBe(true);
    expect(plan.terms).toEqual([...plan.terms].sort((a, b) => count(a) - count(b) || (a < b ? -1 : 1)));
  });

  it("a name of common words: names holding the least common trigram of two of its words (particles aside), or its few rare trigrams", () => {
    const name = "Maria dos Santos Silva";
    const entries: Record<string, number> = Object.fromEntries(queryTrigrams(name).map((t) => [t, t === "lva" ? 7 : COMMON]));
    Object.assign(entries, { mar: COMMON + 5, ari: COMMON + 1, ria: COMMON + 9, san: COMMON + 3, ant: COMMON, nto: COMMON + 8, tos: COMMON + 2, sil: COMMON + 4, ilv: COMMON + 6 });
    entries.dos = 1; // the least common, but a particle: never a key of its own
    expect(expr(name, counter(entries))).toBe('"dos" OR "lva" OR ("lva" AND "ant") OR ("lva" AND "ari") OR ("ant" AND "ari")');
    expect(expr("Silva", counter({ sil: COMMON + 1, ilv: COMMON, lva: COMMON + 2 }))).toBe('"ilv"');
  });

  it("a 40-word name of common words pairs at most six words and stays under the cap of alternatives", () => {
    const words = ["maria", "jose", "silva", "santos", "oliveira", "souza", "pereira", "costa", "rodrigues", "almeida"];
    const name = Array.from({ length: 40 }, (_, i) => words[i % words.length] + (i >= 10 ? ["a", "o", "e", "i"][i % 4] : "")).join(" ");
    const plan = retrievalPlan(name, () => COMMON)!;
    expect(plan.pairs.length).toBeLessThanOrEqual((MAX_PAIRED_WORDS * (MAX_PAIRED_WORDS - 1)) / 2);
    expect(plan.terms.length + plan.pairs.length).toBeLessThanOrEqual(MAX_PLAN_TERMS);
  });

  it("short words glued by the matcher are kept whatever their counts; no word at all: null", () => {
    expect(expr("Li Wu", () => 0)).toBe(queryTrigrams("Li Wu").map((t) => `"${t}"`).join(" OR "));
    expect(retrievalPlan("  ", () => 0)).toBeNull();
    expect(retrievalPlan("--", () => 0)).toBeNull();
  });
});

describe("TrigramIndex", () => {
  it("ranks entities by their best name: one designee's aliases take one place; each list is cut before the total", () => {
    const idx = new TrigramIndex<string>();
    // One designee listed under 30 spellings, and three other people of the same list.
    for (let i = 0; i < 30; i++) idx.add(`Ali Hassan Kamal ${String.fromCharCode(97 + (i % 26))}${i}`, "sdn:1", "ofac_sdn", "sdn:1");
    for (const [k, n] of [["sdn:2", "Ali Hassan Kamali"], ["sdn:3", "Ali Hasan Kamal"], ["sdn:4", "Ali Kamal Hassan"]]) idx.add(n, k, "ofac_sdn", k);
    idx.add("Ali Hassan Kamal", "un:1", "un_sc", "un:1");
    const all = idx.search("Ali Hassan Kamal", { perList: 10, total: 10 });
    expect(all.sort()).toEqual(["sdn:1", "sdn:2", "sdn:3", "sdn:4", "un:1"]);
    const cut = idx.search("Ali Hassan Kamal", { perList: 2, total: 3 });
    expect(cut).toContain("un:1");
    expect(cut.filter((r) => r.startsWith("sdn:"))).toHaveLength(2);
  });
});
