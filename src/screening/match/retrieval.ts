import { normalizeName, tokenizeName } from "./normalize";

/**
 * Candidate retrieval: trigrams of normalised names, ranked by BM25.
 *
 * In D1 the listed names live in an FTS5 table with the trigram tokenizer over
 * each name's normalizeName (the ingest's `norm`), and the search's MATCH
 * expression is built from queryTrigrams by src/screening/service.ts
 * (selectiveMatch). candidateKeys(name), retrievalQuery(name) and TrigramIndex
 * are the same retrieval in memory (the BM25 of FTS5) for node-side evaluation
 * and the benchmark, which also compare richer keys with what D1 stores.
 */

/** The most terms a retrieval query carries: enough to find a long name, few enough to stay cheap. */
export const MAX_QUERY_TERMS = 40;

/**
 * What the retrieval index stores for one listed name: its words in canonical
 * form (legal forms and titles left out, "Mohamed" → "muhammad", "Abd al-Aziz" →
 * "abdulaziz") and the same words written together, so a query that glues words
 * ("VladimirPutin") or splits one ("Van Der Bilt") still shares trigrams with it.
 * Accepts a raw or an already normalised name (normalisation is idempotent).
 */
export function candidateKeys(name: string): string[] {
  const normalized = normalizeName(name);
  if (!normalized) return [];
  const keys = [normalized];
  const words = keyWords(normalized);
  const spaced = words.join(" ");
  const compact = words.join("");
  if (spaced && !keys.includes(spaced)) keys.push(spaced);
  if (compact && !keys.includes(compact)) keys.push(compact);
  return keys;
}

/** Canonical words (legal forms and titles out, "Mohamed" → "muhammad", "Abd al-Aziz" → "abdulaziz"). */
function keyWords(normalized: string): string[] {
  const tokens = tokenizeName(normalized, "Thing")
    .tokens.filter((t) => t.role !== "title")
    .map((t) => t.text)
    .filter((t) => /^[a-z0-9]+$/.test(t));
  return tokens.length ? tokens : normalized.split(" ").filter(Boolean);
}

/** Every 3-character window of a word, in order. */
function wordTrigrams(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 3 <= word.length; i++) out.push(word.slice(i, i + 3));
  return out;
}

/**
 * The query's terms: trigrams of each word (words of 3 characters or more) and
 * of the glued neighbours of short words ("ko tae" → "kot", "ota"), deduplicated,
 * picked round-robin across words so every word is represented, at most `max`.
 */
export function queryTrigrams(name: string, max: number = MAX_QUERY_TERMS): string[] {
  const normalized = normalizeName(name);
  const words = keyWords(normalized);
  // The words as written too: an index that stores only normalizeName(name) shares their trigrams.
  const written = normalized.split(" ").filter((w) => w && !words.includes(w));
  const lists: string[][] = [...words, ...written].filter((w) => w.length >= 3).map(wordTrigrams);
  // Short words (Korean, Chinese syllables; initials) only count with a neighbour:
  // glued (as the compact key stores them) and across the space (as the name is written).
  for (let i = 0; i + 1 < words.length; i++) {
    // Two lone letters ("A B") say nothing an index could use.
    if ((words[i].length < 3 || words[i + 1].length < 3) && words[i].length + words[i + 1].length >= 3) {
      lists.push(wordTrigrams(words[i] + words[i + 1]));
      lists.push(wordTrigrams(words[i] + " " + words[i + 1]).filter((t) => t.includes(" ")));
    }
  }
  // Longest words first: they carry the most distinctive trigrams.
  lists.sort((x, y) => y.length - x.length);
  const seen = new Set<string>();
  const out: string[] = [];
  for (let round = 0; out.length < max; round++) {
    let any = false;
    for (const l of lists) {
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
 * An FTS5 MATCH expression for a query name: `"abc" OR "bcd" OR …`, each term a
 * quoted trigram of [a-z0-9] and at most one space (normalisation leaves nothing
 * else, and quotes are doubled regardless), no operator from the input. Empty string when the name has
 * no word of 3 characters or more (the caller then skips the index).
 */
export function retrievalQuery(name: string, max: number = MAX_QUERY_TERMS): string {
  return queryTrigrams(name, max)
    .map((t) => '"' + t.replace(/"/g, '""') + '"')
    .join(" OR ");
}

/** All trigrams of a stored text as FTS5's trigram tokenizer sees it (spaces included). */
function documentTrigrams(text: string): string[] {
  return wordTrigrams(text);
}

export interface RetrievalHit<T> {
  ref: T;
  /** BM25 (higher is better; FTS5 reports it negated). */
  score: number;
}

/**
 * In-memory trigram index with FTS5's BM25 (k1 = 1.2, b = 0.75). Each added
 * name becomes one document per candidate key; search returns the best `k`
 * distinct names.
 */
export class TrigramIndex<T> {
  /** What is stored per name: candidateKeys by default; `(n) => [normalizeName(n)]` mirrors an index that stores the normalised name only. */
  constructor(private readonly keysOf: (name: string) => string[] = candidateKeys) {}
  private readonly refs: T[] = [];
  private readonly docName: number[] = [];
  private readonly docLen: number[] = [];
  private readonly postings = new Map<string, { docs: number[]; tf: number[] }>();
  private totalLen = 0;

  get size(): number {
    return this.refs.length;
  }

  add(name: string, ref: T): void {
    const nameIdx = this.refs.length;
    this.refs.push(ref);
    for (const key of this.keysOf(name)) {
      const doc = this.docLen.length;
      const grams = documentTrigrams(key);
      this.docName.push(nameIdx);
      this.docLen.push(grams.length);
      this.totalLen += grams.length;
      const counts = new Map<string, number>();
      for (const g of grams) counts.set(g, (counts.get(g) ?? 0) + 1);
      for (const [g, c] of counts) {
        let p = this.postings.get(g);
        if (!p) {
          p = { docs: [], tf: [] };
          this.postings.set(g, p);
        }
        p.docs.push(doc);
        p.tf.push(c);
      }
    }
  }

  // Scratch space reused across searches (sized to the documents).
  private acc = new Float64Array(0);
  private nameBest = new Float64Array(0);

  search(name: string, k: number = 50): RetrievalHit<T>[] {
    const terms = queryTrigrams(name);
    const N = this.docLen.length;
    if (N === 0 || terms.length === 0 || k <= 0) return [];
    if (this.acc.length !== N) this.acc = new Float64Array(N);
    if (this.nameBest.length !== this.refs.length) this.nameBest = new Float64Array(this.refs.length);
    const acc = this.acc;
    const avgdl = this.totalLen / N;
    const k1 = 1.2;
    const b = 0.75;
    const touched: number[] = [];
    for (const t of terms) {
      const p = this.postings.get(t);
      if (!p) continue;
      const n = p.docs.length;
      // FTS5: idf = log((N - n + 0.5) / (n + 0.5)), floored at 1e-6.
      const idf = Math.max(1e-6, Math.log((N - n + 0.5) / (n + 0.5)));
      const docs = p.docs;
      const tfs = p.tf;
      for (let m = 0; m < n; m++) {
        const d = docs[m];
        const tf = tfs[m];
        if (acc[d] === 0) touched.push(d);
        acc[d] += (idf * (tf * (k1 + 1))) / (tf + k1 * (1 - b + (b * this.docLen[d]) / avgdl));
      }
    }
    // Best document per name, then the top k names (a bounded min-heap).
    const best = this.nameBest;
    const names: number[] = [];
    for (const d of touched) {
      const nm = this.docName[d];
      const s = acc[d];
      acc[d] = 0;
      if (best[nm] === 0) names.push(nm);
      if (s > best[nm]) best[nm] = s;
    }
    const heap: number[] = [];
    const worse = (x: number, y: number) => best[x] < best[y] || (best[x] === best[y] && x > y);
    const siftDown = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && worse(heap[l], heap[m])) m = l;
        if (r < heap.length && worse(heap[r], heap[m])) m = r;
        if (m === i) return;
        [heap[i], heap[m]] = [heap[m], heap[i]];
        i = m;
      }
    };
    for (const nm of names) {
      if (heap.length < k) {
        heap.push(nm);
        for (let i = heap.length - 1; i > 0; ) {
          const parent = (i - 1) >> 1;
          if (!worse(heap[i], heap[parent])) break;
          [heap[i], heap[parent]] = [heap[parent], heap[i]];
          i = parent;
        }
      } else if (worse(heap[0], nm)) {
        heap[0] = nm;
        siftDown(0);
      }
    }
    const out = heap
      .map((nm) => ({ nm, s: best[nm] }))
      .sort((x, y) => y.s - x.s || x.nm - y.nm)
      .map(({ nm, s }) => ({ ref: this.refs[nm], score: s }));
    for (const nm of names) best[nm] = 0;
    return out;
  }
}
