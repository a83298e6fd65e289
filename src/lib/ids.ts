// Prefixed identifiers. Run ids sort by creation time (ULID-style: 48-bit ms
// timestamp + 80 random bits, Crockford base32), so "newest first" and id order agree.
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function encodeTime(ms: number): string {
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

function randomChars(n: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  let out = "";
  for (const b of bytes) out += CROCKFORD[b % 32];
  return out;
}

export type IdPrefix = "run" | "req" | "key" | "ten" | "tpl" | "evt" | "whe" | "usr";

/** Time-ordered id: `run_01JD…` (26 chars after the prefix). */
export function newId(prefix: IdPrefix, nowMs: number = Date.now()): string {
  return `${prefix}_${encodeTime(nowMs)}${randomChars(16)}`;
}

/**
 * Deterministic id with the same shape as `newId`: the time part from `nowMs`,
 * the rest from the first 16 bytes of `seed` (e.g. a hash). Equal inputs give
 * equal ids, so a retried step cannot mint a second one.
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
