// Monitoring's matching, run in kycert-edge-engine (src/engine.ts): the API
// Worker's queue consumers hand it monitored subjects over RPC and get their
// matches back. The same scorer and evidence rules as the onboarding search
// (src/screening/match rankCandidates), with the subject as the query:
//
//  - a re-screen ("delta"): an in-memory index (MemoryScreener) of one page of
//    a new version's added and modified entities, built once per isolate and
//    kept for the batches that follow;
//  - a first screening ("current"): the name lists' serving versions in one
//    in-memory index (the onboarding search's retrieval, in memory), and the
//    document lists through their documents: listed CPFs by the keyed hash
//    subjects are stored under, masked CPFs by their visible digits, CNPJs by
//    their 8-character root.
//
// Subjects carry no clear CPF: a listed CPF is mapped to the same keyed hash
// (purpose "subject-document", SERVER_SECRET) before the evidence compares
// documents, so equal CPFs still agree and different ones still contradict.
import { DOCUMENT_LISTS, hashToken, isDocumentList, NAME_LISTS, versionTag, type SubjectQuery } from "../domain/monitoring";
import { DEFAULT_THRESHOLD, MemoryScreener, PreparedQuery, rankCandidates, type RankedMatch } from "../screening/match";
import { isActiveOn } from "../screening/service";
import { getListStates } from "../screening/store";
import { subjectDocumentHash } from "../lib/crypto";
import type { ListDocument, ListEntity, ListId } from "../screening/types";
import { versionChanges } from "../screening/versions";

/** A monitored subject as the engine screens it: no clear document (its keyed hash as a token, its visible CPF digits, a CNPJ). */
export interface ScreenSubject {
  id: string;
  query: SubjectQuery;
  /** The lists it is monitored on (null: all). */
  lists: ListId[] | null;
  /** Versions already screened whole (list → versionTag): a first screening leaves them out. */
  screened: Record<string, string> | null;
}

export type ScreenIndex =
  /** One page of a version's delta (its added and modified entities). */
  | { kind: "delta"; list: ListId; sha256: string; fetched_at: string; cursor: string | null; limit: number }
  /** Every list's serving version. */
  | { kind: "current" };

export interface ScreenRequest {
  index: ScreenIndex;
  subjects: ScreenSubject[];
  /** "Today" (YYYY-MM-DD): sanctions that ended and PEPs past their grace period never alert. */
  today: string;
}

/** A match as an alert records it. */
export interface MonitoringMatch {
  list: ListId;
  entity_id: string;
  record_hash: string;
  entity_name: string;
  matched_name: string;
  score: number;
  strength: "strong" | "possible";
  reasons: string[];
  /** When the listing stops counting, if the record says (a PEP's grace end). */
  ends_on: string | null;
}

export interface ScreenAnswer {
  /** The versions screened against. */
  versions: { list: ListId; sha256: string; fetched_at: string }[];
  /** Per subject (in request order): its matches, and the versions its screening covered. */
  results: { subject_id: string; matches: MonitoringMatch[]; covered: ListId[] }[];
  /** Lists without a serving version (not screened: they are screened when they load, as a re-screen of their first version). */
  not_ready: ListId[];
}

type Entity = ListEntity & { record_hash: string };

type HashDoc = (cpf: string) => Promise<string>;

/** Listed CPFs as the keyed-hash tokens subjects carry (other documents unchanged). */
async function withHashedCpfs(e: Entity, hash: HashDoc): Promise<Entity> {
  if (!e.documents.some((d) => d.kind === "cpf")) return e;
  const documents: ListDocument[] = await Promise.all(e.documents.map(async (d) => (d.kind === "cpf" ? { ...d, value: hashToken(await hash(d.value)) } : d)));
  return { ...e, documents };
}

const matchOf = (list: ListId, r: RankedMatch<Entity>): MonitoringMatch => ({
  list,
  entity_id: r.entity.entity_id,
  record_hash: r.entity.record_hash,
  entity_name: r.entity.name,
  matched_name: r.matched_name,
  score: r.score,
  strength: r.strength,
  reasons: r.reasons,
  ends_on: r.entity.details.fim_carencia ?? null,
});

/**
 * What alerts among ranked matches: active entities only, and on a document
 * list only matches a document supports (an equal CPF or CNPJ root, or the
 * visible CPF digits together with the name).
 */
const alerting = (list: ListId, r: RankedMatch<Entity>, today: string) => isActiveOn(r.entity, today) && (!isDocumentList(list) || r.by_document);

// ---- the isolate's indexes ----------------------------------------------------

interface CachedIndex {
  screener: MemoryScreener<Entity & { list: ListId }>;
  names: number;
  usedAt: number;
}

/**
 * Indexes kept by the isolate, least recently used dropped first past
 * MAX_CACHED_NAMES names (≈ 1.5 KB of heap each, measured: bench/README.md).
 * A delta page is a few thousand names; the name lists' current versions
 * (OFAC, UN, EU, UK) tens of thousands.
 */
const MAX_CACHED_NAMES = 60_000;
const indexes = new Map<string, CachedIndex>();
let clock = 0;

function remember(key: string, idx: Omit<CachedIndex, "usedAt">): CachedIndex {
  const entry = { ...idx, usedAt: ++clock };
  indexes.set(key, entry);
  let total = [...indexes.values()].reduce((n, e) => n + e.names, 0);
  for (const [k, e] of [...indexes].sort((a, b) => a[1].usedAt - b[1].usedAt)) {
    if (total <= MAX_CACHED_NAMES || k === key) continue;
    indexes.delete(k);
    total -= e.names;
  }
  return entry;
}

function cached(key: string): CachedIndex | undefined {
  const e = indexes.get(key);
  if (e) e.usedAt = ++clock;
  return e;
}

async function deltaIndex(db: D1Database, hash: HashDoc, ix: Extract<ScreenIndex, { kind: "delta" }>): Promise<CachedIndex> {
  const key = `delta|${ix.list}|${ix.sha256}|${ix.cursor ?? ""}|${ix.limit}`;
  const hit = cached(key);
  if (hit) return hit;
  const page = await versionChanges(db, ix.list, ix.sha256, ix.cursor, ix.limit);
  const screener = new MemoryScreener<Entity & { list: ListId }>();
  for (const c of page.data) {
    if (c.change === "removed" || !c.entity) continue;
    screener.add({ ...(await withHashedCpfs({ ...c.entity, record_hash: c.record_hash }, hash)), list: ix.list });
  }
  return remember(key, { screener, names: screener.size.names });
}

/** Rows of one version's entities, a page at a time (entity id order). */
async function* versionEntities(db: D1Database, list: ListId, sha256: string): AsyncGenerator<Entity> {
  let after = "";
  for (;;) {
    const { results } = await db
      .prepare(
        `SELECT m.entity_id, r.data, m.record_hash FROM screening_version_members m JOIN screening_records r ON r.record_hash = m.record_hash
          WHERE m.list_id = ?1 AND m.sha256 = ?2 AND m.entity_id > ?3 ORDER BY m.entity_id LIMIT 2000`,
      )
      .bind(list, sha256, after)
      .all<{ entity_id: string; data: string; record_hash: string }>();
    for (const r of results) yield { ...(JSON.parse(r.data) as ListEntity), record_hash: r.record_hash };
    if (results.length < 2000) return;
    after = results.at(-1)!.entity_id;
  }
}

async function currentNameIndex(db: D1Database, hash: HashDoc, versions: { list: ListId; sha256: string }[]): Promise<CachedIndex> {
  const key = `current|${versions.map((v) => `${v.list}:${v.sha256}`).join(",")}`;
  const hit = cached(key);
  if (hit) return hit;
  const screener = new MemoryScreener<Entity & { list: ListId }>();
  for (const v of versions) for await (const e of versionEntities(db, v.list, v.sha256)) screener.add({ ...(await withHashedCpfs(e, hash)), list: v.list });
  return remember(key, { screener, names: screener.size.names });
}

/** A document list's listed CPFs by keyed hash (hashing every CPF of a version once per isolate). */
const cpfHashes = new Map<string, Map<string, string[]>>();

async function listedCpfsByHash(db: D1Database, hash: HashDoc, list: ListId, sha256: string): Promise<Map<string, string[]>> {
  const key = `${list}|${sha256}`;
  const hit = cpfHashes.get(key);
  if (hit) return hit;
  const { results } = await db
    .prepare(
      `SELECT d.value, m.entity_id FROM screening_version_members m JOIN screening_record_documents d ON d.record_hash = m.record_hash
        WHERE m.list_id = ?1 AND m.sha256 = ?2 AND d.kind = 'cpf'`,
    )
    .bind(list, sha256)
    .all<{ value: string; entity_id: string }>();
  const out = new Map<string, string[]>();
  for (const r of results) {
    const h = hashToken(await hash(r.value));
    (out.get(h) ?? out.set(h, []).get(h)!).push(r.entity_id);
  }
  // One version per list is enough: the serving one.
  for (const k of cpfHashes.keys()) if (k.startsWith(`${list}|`)) cpfHashes.delete(k);
  cpfHashes.set(key, out);
  return out;
}

/**
 * The entities of the document lists' serving versions that list one of the
 * subjects' documents: a CPF (by keyed hash), a masked CPF (visible digits), a
 * CNPJ (its root: branches). By subject id.
 */
async function documentCandidates(
  db: D1Database,
  hash: HashDoc,
  versions: { list: ListId; sha256: string }[],
  subjects: ScreenSubject[],
): Promise<Map<string, { list: ListId; entity: Entity }[]>> {
  const out = new Map<string, { list: ListId; entity: Entity }[]>();
  if (versions.length === 0 || subjects.length === 0) return out;
  const wanted = new Map<string, Set<string>>(); // "list\0entity" → subject ids
  const want = (list: ListId, entityId: string, subjectId: string) => {
    const k = `${list}\u0000${entityId}`;
    (wanted.get(k) ?? wanted.set(k, new Set()).get(k)!).add(subjectId);
  };
  const visible = new Map<string, string[]>();
  const roots = new Map<string, string[]>();
  for (const s of subjects) {
    for (const d of s.query.documents) {
      if (d.kind === "cpf_masked") (visible.get(d.value) ?? visible.set(d.value, []).get(d.value)!).push(s.id);
      if (d.kind === "cnpj") (roots.get(d.value.slice(0, 8)) ?? roots.set(d.value.slice(0, 8), []).get(d.value.slice(0, 8))!).push(s.id);
    }
  }
  for (const v of versions) {
    const byHash = await listedCpfsByHash(db, hash, v.list, v.sha256);
    for (const s of subjects) {
      const token = s.query.documents.find((d) => d.kind === "cpf")?.value;
      for (const id of (token && byHash.get(token)) || []) want(v.list, id, s.id);
    }
  }
  // The serving versions as [list, sha256] pairs: joined by equality, so the members' keys are used.
  const pins = JSON.stringify(versions.map((v) => [v.list, v.sha256]));
  const [masked, cnpj] = await db.batch<{ list_id: ListId; entity_id: string; key: string }>([
    db
      .prepare(
        `SELECT m.list_id, m.entity_id, d.value AS key FROM json_each(?1) k
           JOIN screening_record_documents d ON d.kind = 'cpf_masked' AND d.value = k.value
           JOIN json_each(?2) p
           JOIN screening_version_members m ON m.record_hash = d.record_hash AND m.sha256 = p.value->>'$[1]' AND m.list_id = p.value->>'$[0]'`,
      )
      .bind(JSON.stringify([...visible.keys()]), pins),
    db
      .prepare(
        `SELECT m.list_id, m.entity_id, k.value AS key FROM json_each(?1) k
           JOIN screening_record_documents d ON d.kind = 'cnpj' AND d.value >= k.value AND d.value <= k.value || 'ZZZZZZ'
           JOIN json_each(?2) p
           JOIN screening_version_members m ON m.record_hash = d.record_hash AND m.sha256 = p.value->>'$[1]' AND m.list_id = p.value->>'$[0]'`,
      )
      .bind(JSON.stringify([...roots.keys()]), pins),
  ]);
  for (const r of masked.results) for (const id of visible.get(r.key) ?? []) want(r.list_id, r.entity_id, id);
  for (const r of cnpj.results) for (const id of roots.get(r.key) ?? []) want(r.list_id, r.entity_id, id);
  if (wanted.size === 0) return out;
  const keys = [...wanted.keys()].map((k) => k.split("\u0000"));
  const entities = new Map<string, Entity>();
  for (let i = 0; i < keys.length; i += 500) {
    const { results } = await db
      .prepare(
        `SELECT m.list_id, m.entity_id, r.data, m.record_hash FROM json_each(?1) k
           JOIN json_each(?2) p ON p.value->>'$[0]' = k.value->>'$[0]'
           JOIN screening_version_members m ON m.list_id = k.value->>'$[0]' AND m.sha256 = p.value->>'$[1]' AND m.entity_id = k.value->>'$[1]'
           JOIN screening_records r ON r.record_hash = m.record_hash`,
      )
      .bind(JSON.stringify(keys.slice(i, i + 500)), pins)
      .all<{ list_id: ListId; entity_id: string; data: string; record_hash: string }>();
    for (const r of results) entities.set(`${r.list_id}\u0000${r.entity_id}`, await withHashedCpfs({ ...(JSON.parse(r.data) as ListEntity), record_hash: r.record_hash }, hash));
  }
  for (const [k, ids] of wanted) {
    const e = entities.get(k);
    if (!e) continue;
    const list = k.split("\u0000")[0] as ListId;
    for (const id of ids) (out.get(id) ?? out.set(id, []).get(id)!).push({ list, entity: e });
  }
  return out;
}

/** The lists a subject is screened on in this request: its own, minus the versions it was already screened against whole. */
const listsFor = (s: ScreenSubject, versions: Map<ListId, string>): Set<ListId> => {
  const out = new Set<ListId>();
  for (const [list, sha] of versions) {
    if (s.lists && !s.lists.includes(list)) continue;
    if (s.screened?.[list] === versionTag(sha)) continue;
    out.add(list);
  }
  return out;
};

/** Screens monitored subjects (see the header). `secret`: SERVER_SECRET, for the keyed document hash. */
export async function screenSubjects(db: D1Database, secret: string, req: ScreenRequest): Promise<ScreenAnswer> {
  const hash: HashDoc = (cpf) => subjectDocumentHash(secret, "pf", cpf);
  const states = await getListStates(db);
  const serving = states.filter((s) => s.current_sha256 !== null);
  const versionOf = new Map(serving.map((s) => [s.id, { list: s.id, sha256: s.current_sha256!, fetched_at: s.current_fetched_at! }]));
  const results: ScreenAnswer["results"] = [];

  if (req.index.kind === "delta") {
    // The delta's version may no longer serve (a newer one landed): its page is still what it was.
    const ix = req.index;
    const idx = await deltaIndex(db, hash, ix);
    for (const s of req.subjects) {
      if (s.lists && !s.lists.includes(ix.list)) {
        results.push({ subject_id: s.id, matches: [], covered: [] });
        continue;
      }
      const ranking = idx.screener.search({ ...s.query }, { threshold: DEFAULT_THRESHOLD, limit: Number.MAX_SAFE_INTEGER });
      results.push({ subject_id: s.id, matches: ranking.matches.filter((r) => alerting(ix.list, r, req.today)).map((r) => matchOf(ix.list, r)), covered: [ix.list] });
    }
    return { versions: [{ list: ix.list, sha256: ix.sha256, fetched_at: ix.fetched_at }], results, not_ready: [] };
  }

  const current = new Map([...versionOf].map(([list, v]) => [list, v.sha256] as const));
  const nameVersions = NAME_LISTS.filter((l) => versionOf.has(l)).map((l) => versionOf.get(l)!);
  const docVersions = DOCUMENT_LISTS.filter((l) => versionOf.has(l)).map((l) => versionOf.get(l)!);
  const wants = new Map(req.subjects.map((s) => [s.id, listsFor(s, current)] as const));
  const byName = req.subjects.some((s) => nameVersions.some((v) => wants.get(s.id)!.has(v.list)))
    ? await currentNameIndex(db, hash, nameVersions)
    : null;
  const docSubjects = req.subjects.filter((s) => docVersions.some((v) => wants.get(s.id)!.has(v.list)));
  const byDocument = await documentCandidates(db, hash, docVersions, docSubjects);
  for (const s of req.subjects) {
    const lists = wants.get(s.id)!;
    const matches: MonitoringMatch[] = [];
    if (byName && nameVersions.some((v) => lists.has(v.list))) {
      const ranking = byName.screener.search({ ...s.query }, { threshold: DEFAULT_THRESHOLD, limit: Number.MAX_SAFE_INTEGER });
      for (const r of ranking.matches) if (lists.has(r.entity.list) && alerting(r.entity.list, r, req.today)) matches.push(matchOf(r.entity.list, r));
    }
    const docs = (byDocument.get(s.id) ?? []).filter((c) => lists.has(c.list));
    if (docs.length > 0) {
      const ranking = rankCandidates(
        new PreparedQuery({ ...s.query }),
        docs.map((c) => ({ key: `${c.list}:${c.entity.entity_id}`, entity: c.entity })),
        { threshold: DEFAULT_THRESHOLD, limit: Number.MAX_SAFE_INTEGER },
      );
      for (const r of ranking.matches) {
        const list = docs.find((c) => `${c.list}:${c.entity.entity_id}` === r.key)!.list;
        if (alerting(list, r, req.today)) matches.push(matchOf(list, r));
      }
    }
    results.push({ subject_id: s.id, matches, covered: [...lists] });
  }
  const notReady = (s: ScreenSubject) => (s.lists ?? [...NAME_LISTS, ...DOCUMENT_LISTS]).filter((l) => !versionOf.has(l));
  return {
    versions: [...versionOf.values()],
    results,
    not_ready: [...new Set(req.subjects.flatMap(notReady))],
  };
}
