// Prefixed identifiers. Run ids sort by creation time (ULID: 48-bit ms
// timestamp + 80 random bits, Crockford base32), so "newest first" and id order agree.
import { encodeTime, monotonicFactory } from "ulid";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

// One monotonic factory per isolate: ids minted in the same millisecond (the
// clock stands still between I/O in workerd, so a loop of partner runs or
// concurrent requests often share one) add 1 to the previous id's random
// part instead of drawing a new one, so they sort in creation order. A
// millisecond earlier than the last one minted keeps the last one's time
// (the ULID spec's monotonic mode). Creating it draws no random bytes,
// which workerd forbids at global scope.
const mintUlid = monotonicFactory();

export type IdPrefix = "run" | "req" | "key" | "ten" | "tpl" | "evt" | "whe" | "usr" | "anc" | "bld" | "mon" | "alr" | "imp" | "rsc";

/** Time-ordered id: `run_01JD…` (26 chars after the prefix). */
export function newId(prefix: IdPrefix, nowMs: number = Date.now()): string {
  return `${prefix}_${mintUlid(nowMs)}`;
}

/**
 * Deterministic id with the same shape as `newId`: the time part from `nowMs`,
 * the rest from the first 16 bytes of `seed` (e.g. a hash). Equal inputs give
 * equal ids, so a retried step cannot mint a second one. Hand-written on
 * purpose: ulid has no seeded form, and a PRNG fed the seed bytes would map
 * them differently (byte >> 3, written last to first), changing ids already stored.
 */
export function derivedId(prefix: IdPrefix, nowMs: number, seed: Uint8Array): string {
  if (seed.byteLength < 16) throw new RangeError("derivedId needs at least 16 seed bytes");
  let out = "";
  for (const b of seed.subarray(0, 16)) out += CROCKFORD[b % 32];
  return `${prefix}_${encodeTime(nowMs)}${out}`;
}

const URL_SAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Random string over [A-Za-z0-9]; `length` 32 gives ~190 bits. Rejection sampling keeps it uniform. */
export function randomToken(length = 32): string {
  let out = "";
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length))) {
      if (b < 248 && out.length < length) out += URL_SAFE[b % 62];
    }
  }
  return out;
}
