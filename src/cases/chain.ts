// The case event log's hash chain: `hash` = sha256(prev_hash + canonical JSON
// of the event). The rules live in src/domain/cases.ts; this file hashes.
import { checkChain, eventHashInput, GENESIS_HASH, type ChainedEvent } from "../domain/cases";
import { sha256Hex } from "../lib/crypto";

/** Builds the next event of a chain: links it to `prevHash` and computes its hash. */
export async function chainEvent(e: Omit<ChainedEvent, "hash" | "prev_hash">, prevHash: string | null): Promise<ChainedEvent> {
  const linked = { ...e, prev_hash: prevHash ?? GENESIS_HASH };
  return { ...linked, hash: await sha256Hex(eventHashInput(linked)) };
}

/**
 * Recomputes every hash: `ok` is false (with the index of the first bad event)
 * if any event was edited, removed, reordered or inserted after the fact.
 */
export async function verifyChain(events: readonly ChainedEvent[]): Promise<{ ok: boolean; brokenAt?: number }> {
  const recomputed = await Promise.all(events.map((e) => sha256Hex(eventHashInput(e))));
  return checkChain(events, recomputed);
}
