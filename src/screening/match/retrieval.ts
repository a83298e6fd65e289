import { indexKeysOfNormalized, indexTextOfNormalized, keyWordsOfNormalized } from "./index-keys";
import { normalizeName } from "./normalize";
import { PARTICLES } from "./tables";

/**
 * Candidate retrieval: trigrams of the names' index texts, ranked by BM25, then
 * collapsed to entities with a budget per list.
 *
 * One retrieval, two stores: in D1 the listed names' index texts
 * (index-keys.ts `indexTextOfNormalized`, the `norm` column) sit in an FTS5 table
 * with the trigram tokenizer, searched with `matchExpression(plan)`
 * (src/screening/service.ts); in memory TrigramIndex holds the same texts and
 * evaluates the same plan with FTS5's BM25, for the evaluation, the benchmark and
 * the re-screening of monitored subjects. A query's plan depends on how many
 * listed names hold each of its trigrams (the index's own vocabulary: D1's
 * `screening_record_names_vocab`, TrigramIndex.count), so both pick the same terms.
 */

/** The most trigrams a query is cut into: enough to find a long name, few enough to stay cheap. */
export const MAX_QUERY_TERMS = 40;

/**
 * A trigram held by more listed names than this is left out of a plan when the
 * query has enough rarer ones. FTS5 evaluates bm25 for every row a MATCH selects
 * (about 5 µs each): "ana", "mar" or "sil" select tens of thousands of the PEP
 * list's 70k names and cost 100–300 ms, while adding the least to the ranking
 * (bm25's idf is lowest for them). At full size (178k names) this kept the listed
 * name's recall and took the FTS query's p95 from 54 ms to under 4 ms (bench/README.md).
 */
export const COMMON_TRIGRAM_NAMES = 1000;

/** Rare trigrams enough to retrieve by (fewer: the query is made of common words, see retrievalPlan). */
const MIN_RARE_TRIGRAMS = 4;

/** The rarest trigrams a plan takes (after each word's own two): each is one more document list for FTS5 to merge and score. */
const MAX_RARE_TRIGRAMS = 10;

/** Each word keeps its two rarest trigrams in a plan: a typo in the one word that held the rarest ones must not lose the name. */
const RARE_PER_WORD = 2;

/**
 * At most this many words pair up when a query is made of common words: n words
 * make n·(n−1)/2 AND pairs, and a 40-word name of common words built 861 of them
 * (2 s in FTS5 at full size). The most selective words are kept.
 */
export const MAX_PAIRED_WORDS = 6;

/** At most this many alternatives (terms and pairs) in one plan, whatever the query. */
export const MAX_PLAN_TERMS = 32;

/**
 * The cut of a search's candidates: the best `names` names the index ranks
 * (bm25), collapsed to their entities (each ranked by its best name), at most
 * `perList` entities of each list and `total` in all, each with its
 * NAMES_PER_ENTITY best-ranked names. Collapsing before the entity cut keeps one
 * designee's dozens of aliases from taking dozens of places; the name pre-cut
 * keeps the D1 statement an FTS5 `ORDER BY rank LIMIT`, which costs about what
 * the old 50-name statement did. Recall measured in bench/screening-match.ts.
 */
export const CANDIDATE_NAMES = 80;
export const CANDIDATE_ENTITIES_PER_LIST = 15;
export const CANDIDATE_ENTITIES = 30;

/** The keys indexed for a name (raw or normalised): see index-keys.ts. */
export const candidateKeys = (name: string): string[] => indexKeysOfNormalized(normalizeName(name));

/** The one text indexed per name (raw or normalised). */
export const indexText = (name: string): string => indexTextOfNormalized(normalizeName(name));

/** Every 3-character window of a text, in order (FTS5's trigram tokenizer: spaces and separators included). */
function trigramsOf(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 3 <= text.length; i++) out.push(text.slice(i, i + 3));
  return out;
}

/**
 * The most distinct words of a query that retrieval looks at (its longest): a
 * person's or a company's name has fewer; a pasted paragraph must not cost a
 * vocabulary lookup per trigram of every word. The scorer still sees the whole name.
 */
export const MAX_QUERY_WORDS = 12;

/** The MAX_QUERY_WORDS longest distinct words, in the name's order. */
function longestWords(words: readonly string[]): string[] {
  const distinct = [...new Set(words)];
  if (distinct.length <= MAX_QUERY_WORDS) return distinct;
  const kept = new Set([...distinct].sort((a, b) => b.length - a.length).slice(0, MAX_QUERY_WORDS));
  return distinct.filter((w) => kept.has(w));
}

/** A query's words: canonical and as written (an index text holds both), each with its trigrams. */
function queryWords(name: string): { words: string[]; lists: string[][] } {
  const normalized = normalizeName(name);
  const words = longestWords(keyWordsOfNormalized(normalized));
  const written = longestWords(normalized.split(" ").filter((w) => w && !words.includes(w)));
  const lists: string[][] = [...words, ...written].filter((w) => w.length >= 3).map(trigramsOf);
  // Short words (Korean, Chinese syllables; initials) only count with a neighbour:
  // glued (as the compact key stores them) and across the space (as the name is written).
  for (let i = 0; i + 1 < words.length; i++) {
    // Two lone letters ("A B") say nothing an index could use.
    if ((words[i].length < 3 || words[i + 1].length < 3) && words[i].length + words[i + 1].length >= 3) {
      lists.push(trigramsOf(words[i] + words[i + 1]));
      lists.push(trigramsOf(words[i] + " " + words[i + 1]).filter((t) => t.includes(" ")));
    }
  }
  return { words, lists };
}

/**
 * The query's terms: trigrams of each word (words of 3 characters or more) and
 * of the glued neighbours of short words ("ko tae" → "kot", "ota"), deduplicated,
 * picked round-robin across words so every word is represented, at most `max`.
 */
export function queryTrigrams(name: string, max: number = MAX_QUERY_TERMS): string[] {
  return roundRobin(queryWords(name).lists, max);
}

function roundRobin(lists: string[][], max: number): string[] {
  // Longest words first: they carry the most distinctive trigrams.
  const sorted = [...lists].sort((x, y) => y.length - x.length);
  const seen = new Set<string>();
  const out: string[] = [];
  for (let round = 0; out.length < max; round++) {
    let any = false;
    for (const l of sorted) {
      if (round < l.length) {
        any = true;
        const t = l[round];
        if (!seen.has(t)) {
          seen.add(t);
          out.push(t);
          if (out.length >= max) break;
        }
      }
    }
    if (!any) break;
  }
  return out;
}

/**
 * What to retrieve by: single trigrams (a name holding any of them is a
 * candidate) and pairs of trigrams (a name holding both).
 */
export interface RetrievalPlan {
  terms: string[];
  pairs: [string, string][];
}

/**
 * The plan for `name`, given how many listed names hold each trigram (`count`):
 * - its rare trigrams (held by 1 to COMMON_TRIGRAM_NAMES names): each word's
 *   RARE_PER_WORD rarest, then the rarest overall up to MAX_RARE_TRIGRAMS more,
 *   when it has at least MIN_RARE_TRIGRAMS of them (or all of its trigrams are rare);
 * - else — a name made of common words, e.g. "Maria Silva Santos" — names holding
 *   the least common trigram of two of its words (pairs among its
 *   MAX_PAIRED_WORDS most selective words; a one-word query: that trigram), or
 *   any of its rare trigrams. Single trigrams, not the words as phrases: FTS5 then
 *   intersects document lists without reading positions. A typo in one word
 *   leaves the other pairs.
 * At most MAX_PLAN_TERMS alternatives. Null when the name has no word of 3
 * characters or more (nothing to retrieve by). Pure.
 */
export function retrievalPlan(name: string, count: (trigram: string) => number): RetrievalPlan | null {
  const { lists } = queryWords(name);
  const terms = roundRobin(lists, MAX_QUERY_TERMS);
  if (terms.length === 0) return null;
  const inQuery = new Set(terms);
  // A trigram no listed name holds (a typo's) selects nothing: it does not count as a rare one.
  const isRare = (t: string) => count(t) > 0 && count(t) <= COMMON_TRIGRAM_NAMES;
  const byRarity = (a: string, b: string) => count(a) - count(b) || (a < b ? -1 : 1);
  const rare = terms.filter(isRare).sort(byRarity);
  if (rare.length >= Math.min(MIN_RARE_TRIGRAMS, terms.length)) {
    const picked = new Set<string>();
    for (const l of lists) for (const t of l.filter((x) => inQuery.has(x) && isRare(x)).sort(byRarity).slice(0, RARE_PER_WORD)) picked.add(t);
    const cap = Math.min(MAX_PLAN_TERMS, Math.max(MAX_RARE_TRIGRAMS, picked.size));
    for (const t of rare) {
      if (picked.size >= cap) break;
      picked.add(t);
    }
    return { terms: [...picked].sort(byRarity).slice(0, MAX_PLAN_TERMS), pairs: [] };
  }
  // Each word's least common trigram that some name holds (particles aside), the most selective words first.
  const keys: string[] = [];
  for (const w of longestWords(normalizeName(name).split(" "))) {
    if (w.length < 3 || PARTICLES.has(w)) continue;
    let best: string | null = null;
    // Among the query's own terms: the vocabulary is asked about those only (one lookup per term in D1).
    for (const t of trigramsOf(w)) if (inQuery.has(t) && count(t) > 0 && (best === null || count(t) < count(best))) best = t;
    if (best !== null && !keys.includes(best)) keys.push(best);
  }
  const paired = keys.sort(byRarity).slice(0, MAX_PAIRED_WORDS);
  const pairs: [string, string][] = [];
  for (let i = 0; i < paired.length; i++) for (let j = i + 1; j < paired.length; j++) pairs.push([paired[i], paired[j]]);
  const single = paired.length === 1 ? [paired[0]] : [];
  const plan: RetrievalPlan = { terms: [...single, ...rare].slice(0, MAX_PLAN_TERMS - pairs.length), pairs };
  if (plan.terms.length + plan.pairs.length === 0) return { terms: terms.slice(0, MAX_PLAN_TERMS), pairs: [] };
  return plan;
}

const ftsString = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * The FTS5 MATCH expression of a plan: `"abc" OR ("def" AND "ghi") OR …`, each
 * term a quoted trigram of [a-z0-9] and at most one space (normalisation leaves
 * nothing else, and quotes are doubled regardless): no operator from the input.
 */
export function matchExpression(plan: RetrievalPlan): string {
  return [...plan.terms.map(ftsString), ...plan.pairs.map(([a, b]) => `(${ftsString(a)} AND ${ftsString(b)})`)].join(" OR ");
}

/** The OR of a name's query trigrams (every term, no vocabulary): the baseline the benchmark compares plans with. */
export function retrievalQuery(name: string, max: number = MAX_QUERY_TERMS): string {
  return matchExpression({ terms: queryTrigrams(name, max), pairs: [] });
}

/** The first index of a sorted array holding a value ≥ `v`. */
function lowerBound(xs: readonly number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface EntityBudget {
  names: number;
  perList: number;
  total: number;
}

export const DEFAULT_BUDGET: EntityBudget = { names: CANDIDATE_NAMES, perList: CANDIDATE_ENTITIES_PER_LIST, total: CANDIDATE_ENTITIES };

/** One retrieved name: its entity, its list, its bm25 (higher is better) and a tie-breaker (the row id: insertion order). */
export interface RankedName<N> {
  entity: string;
  list: string;
  score: number;
  order: number;
  name: N;
}

/**
 * The entity cut of a search (see CANDIDATE_NAMES): the best `budget.names`
 * names, grouped by entity in order of their best name, at most `perList` per
 * list and `total` in all, each with its NAMES_PER_ENTITY best names. The D1
 * search and TrigramIndex both end with it. Pure.
 */
export function cutToEntities<N>(names: readonly RankedName<N>[], budget: EntityBudget): { entity: string; names: N[] }[] {
  const ranked = [...names].sort((x, y) => y.score - x.score || x.order - y.order).slice(0, budget.names);
  const byEntity = new Map<string, { list: string; names: N[] }>();
  for (const n of ranked) {
    const e = byEntity.get(n.entity);
    if (!e) byEntity.set(n.entity, { list: n.list, names: [n.name] });
    else if (e.names.length < NAMES_PER_ENTITY) e.names.push(n.name);
  }
  const perList = new Map<string, number>();
  const out: { entity: string; names: N[] }[] = [];
  for (const [entity, e] of byEntity) {
    const taken = perList.get(e.list) ?? 0;
    if (taken >= budget.perList) continue;
    perList.set(e.list, taken + 1);
    out.push({ entity, names: e.names });
    if (out.length >= budget.total) break;
  }
  return out;
}

/**
 * How many of a candidate entity's names are scored: the ones the index ranked
 * best for the query (an entity listed under 40 aliases is retrieved by the few
 * that share its trigrams; scoring the other 37 costs time and finds nothing the
 * retrieval would not). Entities found by a document score all their names.
 */
export const NAMES_PER_ENTITY = 3;

/** A retrieved entity: its ref, and the indexes (in `add` order within the entity) of its best-ranked names. */
export interface RetrievedEntity<T> {
  ref: T;
  names: number[];
}

/**
 * In-memory trigram index with FTS5's BM25 (k1 = 1.2, b = 0.75) over the same
 * texts and plans as D1. One document per listed name (its index text); a search
 * ends with the D1 search's own entity cut (cutToEntities), so an entity listed
 * under dozens of aliases takes one place, not dozens.
 */
export class TrigramIndex<T> {
  /** `textOf`: what is stored per name (default: indexText). */
  constructor(private readonly textOf: (name: string) => string = indexText) {}
  private readonly entities: { ref: T; list: string; names: number }[] = [];
  private readonly entityIds = new Map<string, number>();
  private readonly docEntity: number[] = [];
  /** The document's name index within its entity. */
  private readonly docName: number[] = [];
  private readonly docLen: number[] = [];
  private readonly postings = new Map<string, { docs: number[]; tf: number[] }>();
  private totalLen = 0;

  /** Listed names indexed. */
  get size(): number {
    return this.docLen.length;
  }

  /** How many indexed names hold `trigram` (FTS5's vocabulary: documents per term). */
  count(trigram: string): number {
    return this.postings.get(trigram)?.docs.length ?? 0;
  }

  /** Indexes the next name of the entity `key` (the entity's ref is kept from its first name; names are numbered 0, 1 … in this order). */
  add(name: string, key: string, list: string, ref: T): void {
    let e = this.entityIds.get(key);
    if (e === undefined) {
      e = this.entities.length;
      this.entities.push({ ref, list, names: 0 });
      this.entityIds.set(key, e);
    }
    const nameIdx = this.entities[e].names++;
    const grams = trigramsOf(this.textOf(name));
    if (grams.length === 0) return;
    const doc = this.docLen.length;
    this.docEntity.push(e);
    this.docName.push(nameIdx);
    this.docLen.push(grams.length);
    this.totalLen += grams.length;
    const counts = new Map<string, number>();
    for (const g of grams) counts.set(g, (counts.get(g) ?? 0) + 1);
    for (const [g, c] of counts) {
      let p = this.postings.get(g);
      if (!p) this.postings.set(g, (p = { docs: [], tf: [] }));
      p.docs.push(doc);
      p.tf.push(c);
    }
  }

  /** The entities a name retrieves, best first: its plan (retrievalPlan over this index's vocabulary), BM25, the budget. */
  search(name: string, budget: EntityBudget = DEFAULT_BUDGET): RetrievedEntity<T>[] {
    const plan = retrievalPlan(name, (t) => this.count(t));
    return plan ? this.searchPlan(plan, budget) : [];
  }

  searchPlan(plan: RetrievalPlan, budget: EntityBudget = DEFAULT_BUDGET): RetrievedEntity<T>[] {
    const N = this.docLen.length;
    if (N === 0) return [];
    // The documents the plan selects: any single term, or both terms of a pair.
    const selected = new Set<number>();
    for (const t of plan.terms) for (const d of this.postings.get(t)?.docs ?? []) selected.add(d);
    for (const [a, b] of plan.pairs) {
      // Postings are in document order: a merge, not a set per pair (common trigrams hold thousands of names).
      const da = this.postings.get(a)?.docs ?? [];
      const db = this.postings.get(b)?.docs ?? [];
      for (let i = 0, j = 0; i < da.length && j < db.length; ) {
        if (da[i] === db[j]) {
          selected.add(da[i]);
          i++;
          j++;
        } else if (da[i] < db[j]) i++;
        else j++;
      }
    }
    if (selected.size === 0) return [];
    // BM25 over every phrase of the expression, as FTS5's bm25() scores a row.
    const avgdl = this.totalLen / N;
    const k1 = 1.2;
    const b = 0.75;
    const score = new Map<number, number>();
    for (const t of new Set([...plan.terms, ...plan.pairs.flat()])) {
      const p = this.postings.get(t);
      if (!p) continue;
      const n = p.docs.length;
      // FTS5: idf = log((N - n + 0.5) / (n + 0.5)), floored at 1e-6.
      const idf = Math.max(1e-6, Math.log((N - n + 0.5) / (n + 0.5)));
      const add = (d: number, tf: number) => score.set(d, (score.get(d) ?? 0) + (idf * (tf * (k1 + 1))) / (tf + k1 * (1 - b + (b * this.docLen[d]) / avgdl)));
      if (n <= selected.size * 8) {
        for (let m = 0; m < n; m++) if (selected.has(p.docs[m])) add(p.docs[m], p.tf[m]);
      } else {
        // A common trigram: look the few selected documents up in its postings (binary search) rather than walk them all.
        for (const d of selected) {
          const m = lowerBound(p.docs, d);
          if (m < n && p.docs[m] === d) add(d, p.tf[m]);
        }
      }
    }
    // The same cut as the D1 search (ties by document order, as D1's by rowid).
    const ranked: RankedName<number>[] = [];
    for (const [d, sc] of score) ranked.push({ entity: String(this.docEntity[d]), list: this.entities[this.docEntity[d]].list, score: sc, order: d, name: this.docName[d] });
    return cutToEntities(ranked, budget).map(({ entity, names }) => ({ ref: this.entities[Number(entity)].ref, names }));
  }
}

/** Every trigram a plan for `name` may ask the vocabulary about (its query trigrams): D1 reads their counts in one statement. */
export const planVocabulary = (name: string): string[] => queryTrigrams(name);
