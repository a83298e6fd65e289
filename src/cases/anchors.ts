// Audit anchors (contract §15, "A record that resists rewriting"): the heads of
// every case chain that changed since the previous anchor, written once a day
// (AUDIT_ANCHOR_CRON) and on demand (POST /admin/v1/audit/anchor) to a
// write-once R2 object. A chain's keyed hashes stop anyone without the server
// secret from rewriting events; the anchor stops anyone who can edit D1 from
// dropping trailing events and rewriting the row to match (the anchored head
// would no longer be in the chain), and pins the version 1 (plain sha256)
// events written before the chain was keyed.
import { createDb, type Db } from "../db/client";
import { latestAnchorOf, recordAnchor, unanchoredChains, type ChainHead } from "../db/queries/cases";
import { sha256Hex } from "../lib/crypto";
import { newId } from "../lib/ids";

/** The daily anchor's Cron Trigger (wrangler.toml `[triggers]`). */
export const AUDIT_ANCHOR_CRON = "7 3 * * *";

/** Anchor objects live in the REPORTS bucket under this prefix (an R2 bucket lock on it makes them immutable even to the account). */
export const ANCHOR_PREFIX = "audit/anchors/";

/** Chains per anchor object (the D1 statement that records them stays well under 100 KB). */
export const ANCHOR_PAGE = 500;
/** Objects per call: the rest waits for the next call (the job is resumable: it picks what is still unanchored). */
const MAX_PAGES_PER_RUN = 40;

/** The object as stored (JSON), byte for byte what `sha256` covers. */
export interface AnchorObject {
  object: "case_chain_anchor";
  id: string;
  created_at: string;
  chains: { case_id: string; length: number; head: string }[];
}

export interface AnchorView {
  id: string;
  object: "audit_anchor";
  key: string;
  sha256: string;
  chains: number;
  created_at: string;
}

/**
 * Writes one anchor object per page of changed chains: R2 first, write-once
 * (`onlyIf: etagDoesNotMatch "*"`: an existing key is never overwritten), then
 * the D1 rows that find it. A failure between the two leaves an object D1 does
 * not point to; the chains stay unanchored and the next run anchors them again.
 */
export async function anchorChangedChains(env: Env, now: Date): Promise<{ object: "audit_anchor_run"; anchors: AnchorView[] }> {
  const db = createDb(env.DB);
  const anchors: AnchorView[] = [];
  let after = "";
  for (let page = 0; page < MAX_PAGES_PER_RUN; page++) {
    const chains = await unanchoredChains(db, after, ANCHOR_PAGE);
    if (chains.length === 0) break;
    anchors.push(await writeAnchor(env, db, chains, now));
    after = chains.at(-1)!.caseId;
    if (chains.length < ANCHOR_PAGE) break;
  }
  return { object: "audit_anchor_run", anchors };
}

async function writeAnchor(env: Env, db: Db, chains: ChainHead[], now: Date): Promise<AnchorView> {
  const id = newId("anc", now.getTime());
  const createdAt = now.toISOString();
  const body: AnchorObject = {
    object: "case_chain_anchor",
    id,
    created_at: createdAt,
    chains: chains.map((c) => ({ case_id: c.caseId, length: c.length, head: c.head })),
  };
  const bytes = JSON.stringify(body);
  const sha256 = await sha256Hex(bytes);
  const key = `${ANCHOR_PREFIX}${createdAt.slice(0, 10)}/${id}.json`;
  const put = await env.REPORTS.put(key, bytes, {
    onlyIf: { etagDoesNotMatch: "*" },
    httpMetadata: { contentType: "application/json" },
    customMetadata: { sha256, chains: String(chains.length) },
  });
  if (!put) throw new Error(`anchor object ${key} already exists`);
  await recordAnchor(db, { id, key, sha256, chains: chains.length, createdAt }, chains);
  return { id, object: "audit_anchor", key, sha256, chains: chains.length, created_at: createdAt };
}

/** A case's latest anchor as its object says. */
export type AnchorLookup =
  | { kind: "none" }
  | { kind: "anchored"; id: string; created_at: string; length: number; head: string }
  /** D1 points to an object that does not hold the case (or is gone): the record does not verify. */
  | { kind: "missing"; id: string; created_at: string }
  /** R2 could not be read now: no verdict can be given. */
  | { kind: "unavailable" };

// Anchor objects never change (write-once): an isolate keeps the few it read last.
const objects = new Map<string, Map<string, { length: number; head: string }>>();
const OBJECTS_KEPT = 16;

async function anchorEntries(env: Env, key: string): Promise<Map<string, { length: number; head: string }> | null> {
  if (objects.has(key)) return objects.get(key)!;
  const obj = await env.REPORTS.get(key);
  const parsed = obj ? ((await obj.json()) as AnchorObject) : null;
  if (!parsed) return null;
  const entries = new Map(parsed.chains.map((c) => [c.case_id, { length: c.length, head: c.head }] as const));
  if (objects.size >= OBJECTS_KEPT) objects.delete(objects.keys().next().value!);
  objects.set(key, entries);
  return entries;
}

/** The latest anchor of a case: D1 finds the object, the object (not D1) says the length and head. */
export async function latestAnchor(env: Env, db: Db, caseId: string): Promise<AnchorLookup> {
  try {
    const found = await latestAnchorOf(db, caseId);
    if (!found) return { kind: "none" };
    const entry = (await anchorEntries(env, found.key))?.get(caseId);
    if (!entry) return { kind: "missing", id: found.id, created_at: found.createdAt };
    return { kind: "anchored", id: found.id, created_at: found.createdAt, ...entry };
  } catch (err) {
    console.error(JSON.stringify({ level: "error", error: "anchor_unavailable", case_id: caseId, message: String(err).slice(0, 200) }));
    return { kind: "unavailable" };
  }
}
