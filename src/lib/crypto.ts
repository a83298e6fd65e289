// Hashing and signing helpers over WebCrypto (no secrets ever leave these functions).
const enc = new TextEncoder();

export const toHex = (buf: ArrayBuffer): string =>
  [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");

export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", typeof data === "string" ? enc.encode(data) : data));
}

// Imported keys are reused across requests. Only resolved keys are cached: a
// pending promise belongs to the request that created it, and awaiting it from
// another request fails in workerd ("Cannot perform I/O on behalf of a different request").
const keyCache = new Map<string, CryptoKey>();

async function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    keyCache.set(secret, key);
  }
  return key;
}

export async function hmacHex(secret: string, message: string): Promise<string> {
  return toHex(await crypto.subtle.sign("HMAC", await hmacKey(secret), enc.encode(message)));
}

/**
 * HMAC with a purpose label, so one server secret yields independent keys for
 * API-key hashes, idempotency keys, cursors and download URLs.
 */
export function keyedHash(serverSecret: string, purpose: string, message: string): Promise<string> {
  return hmacHex(serverSecret, `${purpose}\u0000${message}`);
}

/**
 * Keyed hash of a subject's document (purpose "subject-document"): what review
 * cases, the false-positive memory and monitored subjects keep of a CPF or
 * CNPJ, never the document itself. Listed CPFs are mapped to the same hash to be
 * compared with a monitored subject's.
 */
export const subjectDocumentHash = (serverSecret: string, type: "pf" | "pj", document: string): Promise<string> =>
  keyedHash(serverSecret, "subject-document", `${type}:${document}`);

/** Constant-time string comparison (length leaks, content does not). */
export function timingSafeEqual(a: string, b: string): boolean {
  const ab = enc.encode(a);
  const bb = enc.encode(b);
  if (ab.byteLength !== bb.byteLength) {
    // Compare against itself so the time spent does not depend on where they differ.
    crypto.subtle.timingSafeEqual(ab, ab);
    return false;
  }
  return crypto.subtle.timingSafeEqual(ab, bb);
}

/**
 * JSON with object keys sorted at every level: equal values give equal strings.
 * For I-JSON input this is RFC 8785 (JCS): keys in UTF-16 code-unit order,
 * numbers and strings as ECMAScript's JSON.stringify writes them.
 * Iterative (an explicit stack of pending values and literal pieces), so no
 * nesting depth can overflow the call stack; the HTTP layer caps request
 * depth anyway (MAX_JSON_DEPTH in src/http/validate.ts).
 *
 * Kept instead of the `canonicalize` package: its output is identical on
 * every I-JSON value, but it throws on a lone surrogate, which JSON.parse
 * yields from a valid body ("\ud800" in `metadata`, `parametros` or a case
 * note). Here that is escaped and hashed as JSON.stringify writes it; the
 * library would turn such a request into a 500 and make a stored case chain
 * holding one unverifiable. The output is stored (idempotency fingerprints,
 * case event hashes, screening record hashes), so test/canonical-json.test.ts
 * pins it.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  // Popped from the end: a `{ v }` is a value still to write, a string is written as is.
  const todo: ({ v: unknown } | string)[] = [{ v: value }];
  while (todo.length > 0) {
    const item = todo.pop()!;
    if (typeof item === "string") {
      out.push(item);
      continue;
    }
    const v = item.v;
    if (Array.isArray(v)) {
      todo.push("]");
      for (let i = v.length - 1; i >= 0; i--) {
        todo.push({ v: v[i] });
        if (i > 0) todo.push(",");
      }
      todo.push("[");
    } else if (v && typeof v === "object") {
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      todo.push("}");
      for (let i = entries.length - 1; i >= 0; i--) {
        todo.push({ v: entries[i][1] }, `${JSON.stringify(entries[i][0])}:`);
        if (i > 0) todo.push(",");
      }
      todo.push("{");
    } else out.push(JSON.stringify(v) ?? "null");
  }
  return out.join("");
}
