// How the API Worker screens (contract §14): the search itself — candidate
// retrieval, careful scoring, the Brazilian document rules (src/screening/service.ts)
// — runs in kycert-edge-engine (src/engine.ts), which holds the matcher and its full
// Unicode transliteration (any-ascii), so the API Worker's isolates never load them.
// The engine reads the same D1 database: through a session that starts at the
// caller's bookmark (a read replica at least that new), or the primary.
import { DomainError } from "../domain/errors";
import { explainContradiction } from "./match/explain";
import type { ClearedMatch, ScoredEntity, SearchMatch, SearchOutcome, SearchQuery } from "./service";

export type { ClearedMatch, ScoredEntity, SearchMatch, SearchOutcome, SearchQuery };

export interface EngineSearchOptions {
  /**
   * Where to read: a D1 bookmark (the request session's; null: any replica) for
   * API searches, or undefined for the primary (runs screen the newest versions).
   */
  bookmark?: string | null;
  /** "Today" (YYYY-MM-DD) for end dates; default the engine's date. */
  today?: string;
}

/** The search's own refusals, which the engine answers as data. */
export const SEARCH_REFUSALS = ["list_not_ready", "list_version_gone"] as const;
export type SearchRefusal = (typeof SEARCH_REFUSALS)[number];

/** A DomainError does not survive RPC as itself: the engine answers list_not_ready and list_version_gone as data. */
export type EngineSearchAnswer =
  | { ok: true; outcome: SearchOutcome }
  | { ok: false; error: { code: SearchRefusal; message: string; param?: string } };

/** Screens `q` in kycert-edge-engine; throws DomainError list_not_ready or list_version_gone as searchLists does. */
export async function searchListsInEngine(env: Pick<Env, "ENGINE">, q: SearchQuery, opts: EngineSearchOptions = {}): Promise<SearchOutcome> {
  const answer = await env.ENGINE.searchLists(q, opts);
  if (!answer.ok) throw new DomainError(answer.error.code, answer.error.message, answer.error.param);
  return answer.outcome;
}

/** The API face of a match (contract §14): the fields the contract lists, in its order. */
export const publicMatch = (m: ScoredEntity): SearchMatch => ({
  list: m.list,
  entity_id: m.entity_id,
  entity_type: m.entity_type,
  name: m.name,
  matched_name: m.matched_name,
  score: m.score,
  strength: m.strength,
  reasons: m.reasons,
  programs: m.programs,
  listed_on: m.listed_on,
  birth_dates: m.birth_dates,
  nationalities: m.nationalities,
});

/** A cleared homonym as the API shows it (contract §14 `cleared`), with the contradiction in words. */
export const publicCleared = (c: ClearedMatch) => ({
  list: c.list,
  entity_id: c.entity_id,
  matched_name: c.matched_name,
  reason: c.reason,
  detail: explainContradiction(c.contradiction),
});
