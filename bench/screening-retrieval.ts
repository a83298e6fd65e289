// Candidate retrieval of the D1 search (match/retrieval.ts retrievalPlan, as src/screening/service.ts runs it)
// against the plain OR of every query trigram (match/retrievalQuery), on the
// local D1 file of a `wrangler dev` state with every list loaded at full size:
// the recall of the listed name sought in the top 50 (UN names varied:
// reordered, a typo, partial) and the FTS statement's own time, in SQLite
// itself (node:sqlite, same FTS5 index, same vocabulary table).
//
//   npx tsx bench/screening-retrieval.ts <local D1 .sqlite file>
//
// bench/screening-search.mjs runs it at the end, on its own state.
import { DatabaseSync } from "node:sqlite";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { matchExpression, planVocabulary, retrievalPlan, retrievalQuery } from "../src/screening/match";
import { mulberry32 } from "../src/screening/parsers/synthetic";

/** Names the FTS statement returns here (the search itself then keeps entities within a budget per list). */
const CANDIDATE_NAMES = 50;

const file = process.argv[2];
if (!file) throw new Error("usage: tsx bench/screening-retrieval.ts <d1 .sqlite>");
const db = new DatabaseSync(file, { readOnly: true });
const root = decodeURIComponent(new URL("..", import.meta.url).pathname);

const r = mulberry32(7);
const typo = (w: string) => {
  if (w.length < 4) return w;
  const i = 1 + Math.floor(r() * (w.length - 3));
  return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
};

const un = db
  .prepare(
    `SELECT n.id, n.name FROM screening_record_names n
       JOIN screening_version_members m ON m.record_hash = n.record_hash
       JOIN screening_lists l ON l.id = m.list_id AND l.current_sha256 = m.sha256
      WHERE m.list_id = 'un_sc' ORDER BY n.id`,
  )
  .all() as { id: number; name: string }[];
const sample = un.filter((_, i) => i % Math.max(1, Math.floor(un.length / 300)) === 0).slice(0, 300);
const variants = sample.map((s, i) => {
  let ws = s.name.replace(/,/g, " ").split(/\s+/).filter(Boolean);
  if (i % 3 === 0) ws = [...ws].reverse();
  else if (i % 3 === 1) ws = [typo(ws[0]), ...ws.slice(1)];
  else if (ws.length > 2) ws = [ws[0], ws[ws.length - 1]];
  return { id: s.id, query: ws.join(" ") };
});
const negatives = readFileSync(join(root, "..", "shared", "matching", "negatives-us-20000.csv"), "utf8")
  .split("\n")
  .slice(1, 301)
  .map((l) => l.split(",")[0])
  .filter(Boolean);

const vocab = db.prepare("SELECT term, doc FROM screening_record_names_vocab WHERE term IN (SELECT value FROM json_each(?))");
const fts = db.prepare("SELECT rowid FROM screening_record_names_fts WHERE screening_record_names_fts MATCH ? ORDER BY rank LIMIT ?");
const counts = (name: string) => new Map((vocab.all(JSON.stringify(planVocabulary(name))) as { term: string; doc: number }[]).map((x) => [x.term, x.doc]));

function measure(make: (name: string) => string | null, queries: { id?: number; query: string }[]) {
  const times: number[] = [];
  let found = 0;
  let asked = 0;
  for (const q of queries) {
    const m = make(q.query);
    if (!m) continue;
    const s = performance.now();
    const ids = (fts.all(m, CANDIDATE_NAMES) as { rowid: number }[]).map((x) => x.rowid);
    times.push(performance.now() - s);
    if (q.id !== undefined) {
      asked++;
      if (ids.includes(q.id)) found++;
    }
  }
  times.sort((a, b) => a - b);
  const p = (x: number) => times[Math.min(times.length - 1, Math.ceil(x * times.length) - 1)];
  return { recall: asked ? found / asked : null, p50: p(0.5), p95: p(0.95) };
}

const all = (name: string) => retrievalQuery(name) || null;
const selective = (name: string) => {
  const c = counts(name);
  const plan = retrievalPlan(name, (t) => c.get(t) ?? 0);
  return plan ? matchExpression(plan) : null;
};
// 40-word names of common Brazilian words: the query that stalled FTS5 for seconds when every pair of words was ANDed.
const COMMON_WORDS = ["maria", "jose", "silva", "santos", "oliveira", "souza", "pereira", "costa", "rodrigues", "almeida", "ferreira", "lima", "gomes", "ribeiro", "carvalho", "araujo", "barbosa", "alves", "martins", "rocha"];
const long = Array.from({ length: 20 }, (_, k) => ({ query: Array.from({ length: 40 }, (_, i) => COMMON_WORDS[(i * 7 + k) % COMMON_WORDS.length]).join(" ") }));
const rows: string[] = [];
const fmt = (x: number) => x.toFixed(1);
for (const [label, make] of [["every trigram (OR)", all], ["retrievalPlan", selective]] as const) {
  const listed = measure(make, variants);
  const neg = measure(make, negatives.map((query) => ({ query })));
  const lng = measure(make, long);
  rows.push(
    `| ${label} | ${(listed.recall! * 100).toFixed(1)} % | ${fmt(listed.p50)} / ${fmt(listed.p95)} | ${fmt(neg.p50)} / ${fmt(neg.p95)} | ${fmt(lng.p50)} / ${fmt(lng.p95)} |`,
  );
}
console.log(
  [
    `Retrieval (top ${CANDIDATE_NAMES} names, FTS statement alone, node:sqlite ${(db.prepare("select sqlite_version() v").get() as { v: string }).v}; ${variants.length} UN names varied, ${negatives.length} names on no list):`,
    "",
    "| MATCH expression | recall of the listed name | UN variants, ms p50 / p95 | names on no list, ms p50 / p95 | 40-word names of common words, ms p50 / p95 |",
    "|---|---:|---:|---:|---:|",
    ...rows,
  ].join("\n"),
);
