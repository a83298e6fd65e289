// Hand-made screening lists for search and run tests: a version of a list
// written straight into D1 through the ingest's own staging (stageBatch), its
// delta computed and switched in as the ListIngest object does (versions.ts
// deltaChunk, store.ts switchVersion) — without fetching or parsing a file
// (test/helpers/lists.ts drives the real ingestion of fixture files).
import { env } from "cloudflare:workers";
import { recordHashOf, stageBatch } from "../../src/screening/ingest";
import { getListState, markLoading, openStagingVersion, switchVersion } from "../../src/screening/store";
import type { ListEntity, ListId } from "../../src/screening/types";
import { deltaChunk, deltaCounts, type DeltaCursor } from "../../src/screening/versions";

/** A listed entity with empty defaults for whatever the test does not care about. */
export const listed = (e: Pick<ListEntity, "list" | "entity_id" | "name"> & Partial<ListEntity>): ListEntity => ({
  entity_type: "person",
  aliases: [],
  birth_dates: [],
  nationalities: [],
  documents: [],
  programs: [],
  listed_on: null,
  active: true,
  details: {},
  ...e,
});

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

export interface LoadedVersion {
  id: ListId;
  sha256: string;
  fetched_at: string;
}

/** Loads `entities` as the serving version of `id` (a new version each call). */
export async function seedList(id: ListId, entities: ListEntity[], fetchedAt = "2026-11-30T03:00:00.000Z"): Promise<LoadedVersion> {
  const sha256 = hex(crypto.getRandomValues(new Uint8Array(32)));
  const now = new Date().toISOString();
  const base = (await getListState(env.DB, id))?.current_sha256 ?? null;
  await openStagingVersion(env.DB, id, sha256, fetchedAt, now);
  const hashed = await Promise.all(entities.map(async (e) => ({ entity: { ...e, list: id }, recordHash: await recordHashOf({ ...e, list: id }) })));
  let names = 0;
  for (let i = 0; i < hashed.length; i += 50) {
    names += (await stageBatch(env.DB, id, sha256, hashed.slice(i, i + 50), (n) => env.ENGINE.normalizeNames(n))).names;
  }
  let counts = { added: entities.length, modified: 0, removed: 0 };
  if (base) {
    for (let at: DeltaCursor | null = { walk: "new", after: null }; at; ) at = await deltaChunk(env.DB, id, sha256, base, at, 500);
    counts = await deltaCounts(env.DB, id, sha256, base);
  }
  await markLoading(env.DB, id, now);
  const switched = await switchVersion(env.DB, id, now, {
    sha256,
    fetchedAt,
    publishedAt: null,
    entities: entities.length,
    names,
    sourceUrl: `https://lists.example.test/${id}`,
    previous: base,
    ...counts,
    at: now,
  });
  if (!switched) throw new Error(`seedList(${id}): the switch did not land`);
  return { id, sha256, fetched_at: fetchedAt };
}

/** Takes a list's version away (status `empty`, or `loading` of a first load); returns a function that puts it back. */
export async function unseedList(id: ListId, status: "empty" | "loading" = "empty"): Promise<() => Promise<void>> {
  const row = await env.DB.prepare("SELECT status, current_sha256, current_fetched_at FROM screening_lists WHERE id = ?")
    .bind(id)
    .first<{ status: string; current_sha256: string | null; current_fetched_at: string | null }>();
  await env.DB.prepare("UPDATE screening_lists SET status = ?2, current_sha256 = NULL, current_fetched_at = NULL, loading_since = ?3 WHERE id = ?1")
    .bind(id, status, status === "loading" ? new Date().toISOString() : null)
    .run();
  return async () => {
    await env.DB.prepare("UPDATE screening_lists SET status = ?2, current_sha256 = ?3, current_fetched_at = ?4, loading_since = NULL WHERE id = ?1")
      .bind(id, row!.status, row!.current_sha256, row!.current_fetched_at)
      .run();
  };
}
