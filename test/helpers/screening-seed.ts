// Hand-made screening lists for search and run tests: a version of a list
// written straight into D1 through the ingest's own staging (stageEntity → the
// store's insert statements) and switched in with one UPDATE of
// screening_lists, as the ListIngest object does — without fetching or parsing
// a file (test/helpers/lists.ts drives the real ingestion of fixture files).
import { env } from "cloudflare:workers";
import { stageEntity } from "../../src/screening/ingest";
import { insertEntitiesStatements } from "../../src/screening/store";
import type { ListEntity, ListId } from "../../src/screening/types";

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
  const staged = await Promise.all(entities.map((e) => stageEntity({ ...e, list: id }, (names) => env.ENGINE.normalizeNames(names))));
  const statements = [];
  for (let i = 0; i < staged.length; i += 50) statements.push(...insertEntitiesStatements(env.DB, id, sha256, staged.slice(i, i + 50)));
  if (statements.length > 0) await env.DB.batch(statements);
  const names = staged.reduce((n, s) => n + s.names.length, 0);
  await env.DB.prepare(
    `UPDATE screening_lists SET status = 'ready', current_sha256 = ?2, current_fetched_at = ?3, current_entities = ?4,
       current_names = ?5, source_url = ?6, loading_since = NULL, updated_at = ?3 WHERE id = ?1`,
  )
    .bind(id, sha256, fetchedAt, entities.length, names, `https://lists.example.test/${id}`)
    .run();
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
