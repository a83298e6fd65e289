// The case event log's chain (contract §15, "A record that resists rewriting"):
// each event's `hash` = HMAC-SHA256 with the chain's purpose key (derived from
// SERVER_SECRET like every other keyed hash, src/lib/crypto.ts keyedHash) over
// prev_hash + the event's canonical JSON. A database editor cannot recompute
// it. The rules (links, versions, what the row must replay to, anchors) are
// src/domain/cases.ts verifyCaseRecord; this file computes the hashes.
import type { CaseEventRow } from "../db/queries/cases";
import {
  CURRENT_HASH_VERSION,
  GENESIS_HASH,
  hashInputFor,
  verifyCaseRecord,
  type CaseRecordFacts,
  type CaseRecordVerdict,
  type ChainedEvent,
  type ChainHashVersion,
  type StoredChainEvent,
} from "../domain/cases";
import { keyedHash, sha256Hex } from "../lib/crypto";
import { eventView } from "./views";

/** The purpose label of the chain's key: no other keyed hash of the service can be replayed as an event hash. */
export const CHAIN_KEY_PURPOSE = "case-event-chain";

const hashOf = (secret: string, e: Omit<ChainedEvent, "hash">, version: ChainHashVersion): Promise<string> =>
  version === 1 ? sha256Hex(hashInputFor(e, 1)) : keyedHash(secret, CHAIN_KEY_PURPOSE, hashInputFor(e, version));

/** Builds the next event of a chain: links it to `prevHash` and signs it with the chain key. */
export async function chainEvent(secret: string, e: Omit<ChainedEvent, "hash" | "prev_hash">, prevHash: string | null): Promise<StoredChainEvent> {
  const linked = { ...e, prev_hash: prevHash ?? GENESIS_HASH };
  return { ...linked, hash: await hashOf(secret, linked, CURRENT_HASH_VERSION), hash_version: CURRENT_HASH_VERSION };
}

/** A stored event row as the chain reads it: the public view and its hash version. */
export const chainEventOf = (e: CaseEventRow): StoredChainEvent => ({ ...eventView(e), hash_version: e.hashVersion === 1 ? 1 : 2 });

/** The row that stores event number `seq` of a case. */
export const eventRowOf = (caseId: string, seq: number, e: StoredChainEvent): CaseEventRow => ({
  caseId,
  seq,
  id: e.id,
  type: e.type,
  actor: e.actor,
  via: e.via,
  keyId: e.key_id,
  userId: e.user_id,
  at: e.at,
  data: JSON.stringify(e.data),
  prevHash: e.prev_hash,
  hash: e.hash,
  hashVersion: e.hash_version,
});

/** Every event's hash recomputed under its own version. */
export const recomputeHashes = (secret: string, events: readonly StoredChainEvent[]): Promise<string[]> =>
  Promise.all(events.map((e) => hashOf(secret, e, e.hash_version)));

/** The record's verdict (pure rules in the domain) with the hashes recomputed here. */
export async function checkCaseRecord(secret: string, facts: Omit<CaseRecordFacts, "recomputed">): Promise<CaseRecordVerdict> {
  return verifyCaseRecord({ ...facts, recomputed: await recomputeHashes(secret, facts.events) });
}
