// Published templates served from the location cache (issue 11). A published
// version is immutable (publishDraft only moves a draft), so a cached snapshot
// is never wrong about its version; what can be stale is the pointer — which
// version is the newest. Staleness bound: a newly published version reaches
// new runs within TEMPLATE_TTL_S in every location, and at once in the
// location (and isolate) whose admin request published it (forgetTemplate).
// Every run records the version it was created with (template.version in its
// body), so a run made with the previous version during that window says so.
import { createDb, replicaThenPrimary, type Db } from "../db/client";
import { findNewestPublished, snapshotOf } from "../db/queries/templates";
import type { TemplateSnapshot } from "../domain/types";
import { locationCache } from "./location-cache";

/** How long a location keeps "newest published version of template X" (seconds). */
export const TEMPLATE_TTL_S = 60;
const NS = "template-v1";

interface CachedTemplate {
  /** null: a global template, visible to every tenant. */
  tenantId: string | null;
  snapshot: TemplateSnapshot;
}

/**
 * The newest published version of a template this tenant may use (its own or a
 * global one), or null. A miss reads `reads` (a replica) first and the primary
 * when the replica has none (a template published a moment ago). Absence is not
 * cached: a template published after a 404 is found on the next request.
 */
export async function publishedTemplate(env: Env, reads: Db, id: string, tenantId: string): Promise<TemplateSnapshot | null> {
  const cache = locationCache(env);
  let entry = await cache.get<CachedTemplate>(NS, id);
  if (!entry) {
    const row = await replicaThenPrimary(reads, createDb(env.DB), (db) => findNewestPublished(db, id));
    if (!row) return null;
    entry = { tenantId: row.tenantId, snapshot: snapshotOf(row) };
    await cache.put(NS, id, entry, TEMPLATE_TTL_S);
  }
  return entry.tenantId === null || entry.tenantId === tenantId ? entry.snapshot : null;
}

/** After a publish: this location (and isolate) serves the new version from the next request. */
export const forgetTemplate = (env: Env, id: string) => locationCache(env).delete(NS, id);
