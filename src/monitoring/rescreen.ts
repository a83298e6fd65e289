// Re-screening on every new list version (contract §17): the ingest's hook.
//
// The ListIngest object (src/screening/ingest-object.ts) calls
// `onListVersionCurrent` once a new version of a list has become current (its
// switch landed). It is called once per switch: a retried switch step does
// not call it again (the object records the call in its state); only an
// isolate that dies while the hook itself runs makes the next attempt call it
// again, so an implementation must be idempotent (one alert per subject ×
// entity × record content). A throw is logged and never fails the refresh:
// the version already serves; the re-screen has its own retries.
//
// What the version changed comes from src/screening/versions.ts:
// `versionChanges(db, list, sha256, cursor, limit)` pages through its added,
// modified and removed entities (each with its record), and `currentVersions(db)`
// names the versions serving. This implementation does nothing yet: it is the
// seam the monitoring core fills in.
import type { ListId } from "../screening/types";

/** A version that has just become current, and the one it replaced. */
export interface ListVersionCurrent {
  list: ListId;
  sha256: string;
  /** The version serving before (null: the list's first version — every entity is new). */
  previous_sha256: string | null;
}

/** Called by the list ingest after each switch to a new version. No-op until monitoring consumes it. */
export async function onListVersionCurrent(_env: Env, _version: ListVersionCurrent): Promise<void> {}
