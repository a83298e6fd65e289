// List ingestion, the parts outside the Durable Object: where each list comes
// from (official URLs, LIST_URL_<ID> overrides), the outbound transport, the
// limits that keep one alarm invocation within the Workers limits, how an
// entity becomes rows, the Cron Trigger schedule, and the admin views.
// The refresh itself (fetch → R2 → parse → stage → switch) runs in
// ListIngest (ingest-object.ts), one object per list.
import { canonicalJson, sha256Hex } from "../lib/crypto";
import type { onListVersionCurrent } from "../monitoring/rescreen";
import { INDEX_TEXT_VERSION, indexTextOfNormalized } from "./match/index-keys";
import { normalizeNameByTable } from "./match/normalize-text";
import { cguFileUrl, LIST_PARSERS, LISTS, type ListFileRole, type ListFiles, type ListFormat } from "./lists";
import { FileRefused, textEncodingOf, unzipIfZip, xmlRoot } from "./parsers/stream";
import { getListState, getListStates, knownRecords, stageStatements, type ListStateRow, type StagedEntity } from "./store";
import { LIST_IDS, type ByteSource, type ListEntity, type ListId, type ParseOptions, type TextEncoding } from "./types";

// ---- transport --------------------------------------------------------------

/** Outbound fetch of list files, plus limit overrides (tests shrink steps to observe staging). */
export interface ListsTransport {
  fetch: typeof fetch;
  limits?: Partial<IngestLimits>;
  /**
   * Stands in for src/monitoring/rescreen.ts `onListVersionCurrent` (tests
   * count its calls or make it throw); a deployed Worker always calls the real one.
   */
  onVersionCurrent?: typeof onListVersionCurrent;
}

/**
 * The lists transport travels with the env the ListIngest object was built
 * with, like LIVE_TRANSPORT (src/sources/resolve.ts): configuration can only
 * set string keys, so a deployed Worker always gets the global fetch; the test
 * Worker (test/worker.ts) injects a scripted one and never reaches the network.
 */
export const LISTS_TRANSPORT = Symbol("kycert.listsTransport");

const GLOBAL_TRANSPORT: ListsTransport = { fetch: (input, init) => fetch(input, init) };

export const listsTransportOf = (env: Env): ListsTransport =>
  (env as Env & { [LISTS_TRANSPORT]?: ListsTransport })[LISTS_TRANSPORT] ?? GLOBAL_TRANSPORT;

// ---- limits -----------------------------------------------------------------

export interface IngestLimits {
  /** Wall time one alarm invocation spends staging before it checkpoints and re-arms. */
  stepBudgetMs: number;
  /** Entities one invocation stages at most (each later invocation re-parses up to its checkpoint). */
  stepEntities: number;
  /** Entities per D1 batch (3 statements: entities, names, documents). */
  batchEntities: number;
  /** JSON bytes per batch: each statement's one JSON parameter stays well under D1's 2 MB value limit. */
  batchBytes: number;
  /** R2 multipart part size (R2: ≥ 5 MiB and equal for all but the last part). */
  partBytes: number;
  /** A list file larger than this is refused (a runaway or wrong URL). */
  maxFileBytes: number;
  /** Time allowed for one file's response (headers and body). */
  fetchTimeoutMs: number;
  /** Rows per table one cleanup statement deletes. */
  deleteRows: number;
  /** Members of a version one statement of the delta's computation walks. */
  deltaChunk: number;
  /** Delay before each next step (0 in production; tests set an hour and drive the alarms themselves). */
  stepGapMs: number;
  /** The cleanup (staged files, the retention of versions) runs this long after a refresh ends. */
  cleanupGraceMs: number;
  /** Consecutive failed steps (D1/R2 unavailable) before the refresh gives up and records last_error. */
  maxFailures: number;
  /** Times one step may die with its isolate (memory, CPU) at the same checkpoint before the refresh gives up. */
  maxStepDeaths: number;
  /** Delay before retrying a step that failed on D1/R2. */
  retryDelayMs: number;
  /** How soon the object resumes after an invocation died mid-step (re-armed before any I/O). */
  watchdogMs: number;
  /** A refresh running longer than this is given up when the next one is asked for (a safety net: steps are bounded). */
  maxRefreshMs: number;
}

export const DEFAULT_LIMITS: IngestLimits = {
  stepBudgetMs: 15_000,
  stepEntities: 25_000,
  batchEntities: 400,
  batchBytes: 512 * 1024,
  partBytes: 8 * 1024 * 1024,
  maxFileBytes: 256 * 1024 * 1024,
  fetchTimeoutMs: 180_000,
  deleteRows: 4_000,
  deltaChunk: 5_000,
  stepGapMs: 0,
  cleanupGraceMs: 60_000,
  maxFailures: 5,
  maxStepDeaths: 3,
  retryDelayMs: 30_000,
  watchdogMs: 30_000,
  maxRefreshMs: 3 * 3600_000,
};

export const limitsOf = (env: Env): IngestLimits => ({ ...DEFAULT_LIMITS, ...(listsTransportOf(env).limits ?? {}) });

// ---- where each list comes from ------------------------------------------------

export const isListId = (s: string): s is ListId => Object.hasOwn(LISTS, s);

export const listName = (id: ListId): string => LISTS[id].name;

/** A refresh that cannot produce a version: recorded as last_error, the previous version keeps serving. */
export class RefreshFailure extends Error {
  override name = "RefreshFailure";
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** https anywhere; http only to loopback (local dev, tests). */
export function checkListUrl(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RefreshFailure(`${what}: URL inválida (${raw.slice(0, 200)})`);
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && LOOPBACK.test(url.hostname)) return url;
  throw new RefreshFailure(`${what}: use https (http só em loopback): ${url.protocol}//${url.host}`);
}

const overrideOf = (env: Env, id: ListId): string | null => {
  const v = (env as unknown as Record<string, unknown>)[LISTS[id].env_var];
  return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
};

/**
 * The share of the serving version's entities a refresh of `id` may drop
 * (CONTRACT §14): `LIST_MAX_DROP_<ID>` as a fraction ("0.25") or a percentage
 * ("25%"), else the list's default. A value that is neither fails the refresh:
 * a typo must not silently turn the guard off.
 */
export function maxDropOf(env: Env, id: ListId): number {
  const name = `LIST_MAX_DROP_${id.toUpperCase()}`;
  const raw = (env as unknown as Record<string, unknown>)[name];
  if (typeof raw !== "string" || raw.trim() === "") return LISTS[id].max_drop;
  const m = /^(\d+(?:\.\d+)?)\s*(%?)$/.exec(raw.trim());
  const share = m ? (m[2] ? Number(m[1]) / 100 : Number(m[1])) : NaN;
  if (!(share >= 0 && share <= 1)) throw new RefreshFailure(`${name} inválido: "${raw.slice(0, 40)}" (use uma fração entre 0 e 1, como 0.25, ou uma porcentagem, como 25%)`);
  return share;
}

/** The URL a list is configured to come from (LIST_URL_<ID>, else the official one), as the admin plane shows it. */
export const configuredUrl = (env: Env, id: ListId): string => overrideOf(env, id) ?? LISTS[id].url;

/** One file to download: its role for the parser and where it is. */
export interface ListFile {
  role: ListFileRole;
  /** File name under the refresh's R2 prefix (the official one for OFAC). */
  name: string;
  url: string;
  /** false: a 404 means the publisher has none (OFAC comments), not a failure. */
  required: boolean;
}

/**
 * The files a refresh downloads (CONTRACT §14). OFAC: the base URL + official
 * file names. The others: one file, the override URL as given; without an
 * override, CGU lists are resolved through the Portal da Transparência download
 * page (the newest file is named in its script, lists.ts cguFileUrl).
 */
export async function resolveFiles(env: Env, id: ListId, fetcher: typeof fetch, timeoutMs: number): Promise<{ sourceUrl: string; files: ListFile[] }> {
  const meta = LISTS[id];
  const override = overrideOf(env, id);
  const sourceUrl = override ?? meta.url;
  const what = override ? meta.env_var : `URL oficial de ${id}`;
  if (meta.files) {
    const base = checkListUrl(sourceUrl.endsWith("/") ? sourceUrl : `${sourceUrl}/`, what);
    return { sourceUrl, files: meta.files.map((f) => ({ role: f.role, name: f.name, url: new URL(f.name, base).toString(), required: f.required })) };
  }
  if (!override && meta.dated) {
    const page = checkListUrl(sourceUrl, what);
    const res = await fetchOrFail(fetcher, page.toString(), timeoutMs);
    const url = cguFileUrl(id as "cgu_ceis" | "cgu_cnep" | "cgu_pep", await res.text());
    if (!url) throw new RefreshFailure(`a página de download não indica nenhum arquivo: ${page}`);
    checkListUrl(url, what);
    return { sourceUrl: url, files: [{ role: "primary", name: url.split("/").pop()!, url, required: true }] };
  }
  const url = checkListUrl(sourceUrl, what);
  const last = url.pathname.split("/").pop() || "list";
  return { sourceUrl, files: [{ role: "primary", name: last.replace(/[^A-Za-z0-9._-]/g, "_"), url: url.toString(), required: true }] };
}

/** What a server said identifies a file's bytes, for the next conditional GET (RFC 9110 §13.1). */
export interface Validators {
  etag: string | null;
  last_modified: string | null;
}

/** A response's validators, or null when it gives none. */
export function validatorsOf(res: Response): Validators | null {
  const etag = res.headers.get("etag");
  const lastModified = res.headers.get("last-modified");
  return etag || lastModified ? { etag, last_modified: lastModified } : null;
}

/**
 * GET with a timeout; a network error or a non-2xx status is a RefreshFailure.
 * With `validators`, a conditional GET (If-None-Match / If-Modified-Since): then
 * a 304 Not Modified is an answer too, returned for the caller to read.
 */
export async function fetchOrFail(fetcher: typeof fetch, url: string, timeoutMs: number, validators?: Validators | null): Promise<Response> {
  const headers: Record<string, string> = {};
  if (validators?.etag) headers["if-none-match"] = validators.etag;
  if (validators?.last_modified) headers["if-modified-since"] = validators.last_modified;
  let res: Response;
  try {
    res = await fetcher(url, { redirect: "follow", signal: AbortSignal.timeout(timeoutMs), ...(validators ? { headers } : {}) });
  } catch (err) {
    throw new RefreshFailure(`falha de rede ao baixar ${url}: ${(err as Error).message ?? err}`.slice(0, 500));
  }
  if (res.status === 304 && validators) {
    await res.body?.cancel().catch(() => undefined);
    return res;
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new RefreshFailure(`HTTP ${res.status} ao baixar ${url}`);
  }
  return res;
}

// ---- parsing --------------------------------------------------------------------

/** Opens a downloaded file by role (a fresh stream each call); undefined when the list has none. */
export type FileOpener = (role: ListFileRole) => Promise<ByteSource | undefined>;

/** The entities of a list's files, in file order (the order is the staging checkpoint's unit). */
export async function* parseList(id: ListId, open: FileOpener, opts: ParseOptions): AsyncGenerator<ListEntity> {
  const primary = await open("primary");
  if (!primary) throw new RefreshFailure("arquivo principal da lista ausente");
  const files: ListFiles = { primary };
  for (const role of ["alt", "add", "comments"] as const) {
    const f = await open(role);
    if (f) files[role] = f;
  }
  yield* LIST_PARSERS[id](files, opts);
}

/** What a read of the whole file tells before any entity is staged. */
export interface FileFacts {
  /** A CSV's encoding over the whole file (null: XML, which declares its own). */
  encoding: TextEncoding | null;
  /** When the file says it was generated (LISTS[id].published), as written; null when the list or the file has no such date. */
  publishedAt: string | null;
}

const XML_FORMATS: ReadonlySet<ListFormat> = new Set(["un_xml", "eu_fsf_xml", "uk_fcdo_xml"]);

/**
 * Reads one downloaded file ahead of the parse. A CSV is read whole — unzipped
 * if it is a ZIP — to find the one encoding that reads all of it (so a zip bomb
 * or a file in two encodings is refused here, before any row is staged); an
 * XML file only up to its root element, for its publication date.
 */
export async function inspectFile(id: ListId, role: ListFileRole, open: () => Promise<ByteSource>): Promise<FileFacts> {
  const meta = LISTS[id];
  if (!XML_FORMATS.has(meta.format)) return { encoding: await textEncodingOf(unzipIfZip(await open())), publishedAt: null };
  if (!meta.published || role !== "primary") return { encoding: null, publishedAt: null };
  const root = await xmlRoot(unzipIfZip(await open()));
  const value = root?.name === meta.published.root ? root.attrs[meta.published.attr]?.trim() : undefined;
  return { encoding: null, publishedAt: value && !Number.isNaN(Date.parse(value)) ? value : null };
}

/** A reading error as the refresh records it: a refused file says why in its own words, anything else is a parse error. */
export function readFailure(err: unknown): RefreshFailure {
  if (err instanceof RefreshFailure) return err;
  if (err instanceof FileRefused) return new RefreshFailure(`arquivo recusado: ${err.message}; a versão anterior continua valendo`);
  return new RefreshFailure(`erro ao ler o arquivo da lista: ${String((err as Error).message ?? err).slice(0, 300)}`);
}

// ---- entity → rows ------------------------------------------------------------------

/** normalizeName of each name, by kycert-edge-engine (env.ENGINE.normalizeNames), which holds the full transliteration. */
export type EngineNormalizer = (names: string[]) => Promise<string[]>;

/**
 * The rows of one entity: its names (primary first, each distinct normalised name
 * once) beside its record hash (computed once, by the stage loop). Names normalise here through the table of alphabetic
 * scripts; the rare name in CJK ideographs or kana goes to `engine`, one call per
 * entity that has any.
 */
export async function stageEntity(entity: ListEntity, recordHash: string, engine: EngineNormalizer): Promise<StagedEntity> {
  const all = [{ name: entity.name, weak: false }, ...entity.aliases.map((a) => ({ name: a.name, weak: !!a.weak }))];
  const local = all.map((n) => normalizeNameByTable(n.name));
  const beyond = all.filter((_, i) => local[i] === null).map((n) => n.name);
  const remote = beyond.length > 0 ? await engine(beyond) : [];
  const norms = local.map((n) => n ?? remote.shift()!);
  const names: StagedEntity["names"] = [];
  const seen = new Map<string, number>();
  const add = (name: string, weak: boolean, norm: string) => {
    if (!norm) return;
    const at = seen.get(norm);
    // The same name listed as a strong and a weak alias counts as strong.
    if (at !== undefined) {
      if (!weak) names[at].weak = false;
      return;
    }
    seen.set(norm, names.length);
    // What the FTS index holds per name: the same text the in-memory index holds (match/index-keys.ts).
    names.push({ name, norm: indexTextOfNormalized(norm), weak });
  };
  all.forEach((n, i) => add(n.name, n.weak, norms[i]));
  return { entity, names, recordHash };
}

/** The record hash of an entity: sha256 of its canonical JSON (it holds the list and the id: one list's entity). */
export const recordHashOf = (entity: ListEntity): Promise<string> => sha256Hex(canonicalJson(entity));

/**
 * Bytes an entity may add to its batch's JSON parameters, from the entity alone
 * (its names are derived later, only if its record is new): the entity JSON
 * escaped, each name as listed and its index text (normalised, spaced and glued
 * words: about three times the name), documents.
 */
export const stagedSize = (e: ListEntity): number =>
  JSON.stringify(e).length * 1.2 + 64 + (e.name.length + e.aliases.reduce((n, a) => n + a.name.length, 0)) * 4 + (1 + e.aliases.length) * 24 + e.documents.length * 48;

/** One entity of a version being staged, with its record hash. */
export interface HashedEntity {
  entity: ListEntity;
  recordHash: string;
}

/**
 * Stages a batch of one version (src/screening/store.ts stageStatements): every
 * entity a member; only records not stored yet — or stored with names of an
 * older index text — have their names derived (the transliteration, the engine
 * for CJK) and written. Returns how many names the batch's entities have,
 * stored now or before.
 */
export async function stageBatch(db: D1Database, list: ListId, sha256: string, batch: readonly HashedEntity[], engine: EngineNormalizer): Promise<{ names: number }> {
  const known = await knownRecords(
    db,
    batch.map((b) => b.recordHash),
  );
  const records = { fresh: [] as StagedEntity[], stale: [] as StagedEntity[] };
  let names = 0;
  for (const b of batch) {
    const k = known.get(b.recordHash);
    if (k && k.namesVersion >= INDEX_TEXT_VERSION) {
      names += k.nameCount;
      continue;
    }
    const staged = await stageEntity(b.entity, b.recordHash, engine);
    (k ? records.stale : records.fresh).push(staged);
    names += staged.names.length;
  }
  const members = batch.map((b) => ({ entityId: b.entity.entity_id, recordHash: b.recordHash }));
  await db.batch(stageStatements(db, list, sha256, members, records, INDEX_TEXT_VERSION));
  return { names };
}

// ---- schedule (Cron Triggers) --------------------------------------------------------

/**
 * Cron Triggers by refresh interval (lists.ts `refresh_hours`, from the cadences
 * of reference/lists.md; UN every 15 minutes, contract §17 "Timeliness").
 * Checking often is cheap: a conditional GET answered 304, or unchanged bytes,
 * end the refresh after the download, with no new rows. wrangler.toml lists these
 * expressions (default and production; Previews accept no cron triggers).
 */
export const CRON_BY_REFRESH_HOURS: Record<number, string> = {
  0.25: "*/15 * * * *",
  6: "17 */6 * * *",
  12: "47 */12 * * *",
  24: "41 9 * * *",
  168: "41 9 * * 1",
};

/** Cron expression → the lists it refreshes. */
export const LIST_CRONS: Record<string, readonly ListId[]> = (() => {
  const out: Record<string, ListId[]> = {};
  for (const id of LIST_IDS) {
    const cron = CRON_BY_REFRESH_HOURS[LISTS[id].refresh_hours];
    if (cron) (out[cron] ??= []).push(id);
  }
  return out;
})();

export const ingestStub = (env: Env, id: ListId) => env.LIST_INGEST.get(env.LIST_INGEST.idFromName(id));

/** The scheduled handler's part for lists: starts the refresh of every list due at this cron (a running one is left alone). */
export async function refreshScheduledLists(env: Env, cron: string, now: Date): Promise<{ list: ListId; started: boolean; error?: string }[]> {
  const due = LIST_CRONS[cron] ?? [];
  return Promise.all(
    due.map(async (list) => {
      try {
        const r = await ingestStub(env, list).refresh(list, now.toISOString());
        return { list, started: r.started };
      } catch (err) {
        return { list, started: false, error: String((err as Error).message ?? err).slice(0, 200) };
      }
    }),
  );
}

// ---- admin views (contract §14) --------------------------------------------------------

export interface ListView {
  id: ListId;
  name: string;
  status: "empty" | "loading" | "ready" | "error";
  source_url: string;
  version: null | { sha256: string; fetched_at: string; entities: number; names: number };
  loading_since: string | null;
  last_error: null | { at: string; message: string };
}

export function listView(env: Env, row: ListStateRow): ListView {
  const serving = row.current_sha256 !== null;
  return {
    id: row.id,
    name: listName(row.id),
    // `ready` whenever a version serves, even while a refresh of it runs.
    status: serving ? "ready" : row.loading_since ? "loading" : row.last_error_at ? "error" : "empty",
    source_url: configuredUrl(env, row.id),
    version: serving
      ? { sha256: row.current_sha256!, fetched_at: row.current_fetched_at!, entities: row.current_entities ?? 0, names: row.current_names ?? 0 }
      : null,
    loading_since: row.loading_since,
    last_error: row.last_error_at ? { at: row.last_error_at, message: row.last_error_message ?? "" } : null,
  };
}

const emptyRow = (id: ListId): ListStateRow => ({
  id,
  status: "empty",
  source_url: null,
  current_sha256: null,
  current_fetched_at: null,
  current_entities: null,
  current_names: null,
  loading_since: null,
  last_error_at: null,
  last_error_message: null,
  updated_at: "",
});

/** Every list, in the contract's order. */
export async function listViews(env: Env): Promise<ListView[]> {
  const rows = new Map((await getListStates(env.DB)).map((r) => [r.id, r] as const));
  return LIST_IDS.map((id) => listView(env, rows.get(id) ?? emptyRow(id)));
}

export async function listViewOf(env: Env, id: ListId): Promise<ListView> {
  return listView(env, (await getListState(env.DB, id)) ?? emptyRow(id));
}

/**
 * POST /refresh: starts a refresh, or finds the one running (same refresh).
 * The view shows it loading even if it already ended by the time D1 is read:
 * the 202 describes the refresh this request started or joined.
 */
export async function requestRefresh(env: Env, id: ListId, now: Date): Promise<ListView> {
  const r = await ingestStub(env, id).refresh(id, now.toISOString());
  const view = await listViewOf(env, id);
  if (view.loading_since === null) {
    view.loading_since = r.loading_since;
    if (view.status !== "ready") view.status = "loading";
  }
  return view;
}
