// The D1 search's MATCH expression (selectiveMatch): the matcher's query trigrams
// without the very common ones, or pairs of words when a name is made of common words.
import { describe, expect, it } from "vitest";
import { queryTrigrams } from "./match";
import { COMMON_TRIGRAM_NAMES, selectiveMatch } from "./service";

const counts = (entries: Record<string, number>) => new Map(Object.entries(entries));
const COMMON = COMMON_TRIGRAM_NAMES + 1;

describe("selectiveMatch", () => {
  it("a name of rare trigrams: every trigram some name holds, rarest first", () => {
    const terms = queryTrigrams("Abdul Salek");
    const m = counts(Object.fromEntries(terms.map((t, i) => [t, 10 + i])));
    expect(selectiveMatch("Abdul Salek", m)).toBe(terms.map((t) => `"${t}"`).join(" OR "));
    // A long name: its 10 rarest.
    const long = "Abdulhai Rahimullah Salekzai Mohammadullah";
    const all = queryTrigrams(long);
    const n = counts(Object.fromEntries(all.map((t, i) => [t, 900 - i])));
    expect(selectiveMatch(long, n)).toBe([...all].reverse().slice(0, 10).map((t) => `"${t}"`).join(" OR "));
  });

  it("common trigrams are left out when enough rare ones remain; trigrams no name holds (typos) too", () => {
    const name = "Abdulhai Rahimullah Salekzai";
    const terms = queryTrigrams(name);
    const m = counts(Object.fromEntries(terms.map((t, i) => [t, i % 2 === 0 ? COMMON : 5 + i])));
    m.set(terms[1], 0);
    const expr = selectiveMatch(name, m)!;
    expect(expr).not.toContain("AND");
    const kept = expr.split(" OR ").map((t) => t.slice(1, -1));
    expect(kept.length).toBeGreaterThanOrEqual(4);
    expect(kept.every((t) => (m.get(t) ?? 0) > 0 && (m.get(t) ?? 0) <= COMMON_TRIGRAM_NAMES)).toBe(true);
    expect(kept).toEqual([...kept].sort((a, b) => m.get(a)! - m.get(b)!));
  });

  it("a name of common words: names holding the least common trigram of two of its words (particles aside), or its few rare trigrams", () => {
    const name = "Maria dos Santos Silva";
    const m = counts(Object.fromEntries(queryTrigrams(name).map((t) => [t, t === "lva" ? 7 : COMMON])));
    for (const [t, n] of Object.entries({ mar: COMMON + 5, ari: COMMON + 1, ria: COMMON + 9, san: COMMON + 3, ant: COMMON, nto: COMMON + 8, tos: COMMON + 2 })) m.set(t, n);
    m.set("dos", 1); // the least common, but a particle: never a key of its own
    expect(selectiveMatch(name, m)).toBe('("ari" AND "ant") OR ("ari" AND "lva") OR ("ant" AND "lva") OR "dos" OR "lva"');
    expect(selectiveMatch("Silva", counts({ sil: COMMON + 1, ilv: COMMON, lva: COMMON + 2 }))).toBe('"ilv"');
  });

  it("short words glued by the matcher are kept whatever their counts; no word at all: null", () => {
    expect(selectiveMatch("Li Wu", new Map())).toBe(queryTrigrams("Li Wu").map((t) => `"${t}"`).join(" OR "));
    expect(selectiveMatch("  ", new Map())).toBeNull();
    expect(selectiveMatch("--", new Map())).toBeNull();
  });
});
