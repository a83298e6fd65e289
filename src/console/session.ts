// Console sessions: a signed cookie (HMAC with a purpose-labelled key from
// SERVER_SECRET), HttpOnly, SameSite=Lax, Secure everywhere but loopback.
// The cookie names the user; the user row is read again on every request, so
// a deleted user or a changed role takes effect at once. Each session carries
// a random nonce from which its CSRF token is derived (synchroniser token).
import { keyedHash, timingSafeEqual } from "../lib/crypto";

export const SESSION_COOKIE = "kycert_console";
/** A working day; Access sessions are re-checked on every request anyway. */
export const SESSION_TTL_S = 12 * 60 * 60;

export type Environment = "live" | "test";

export interface Session {
  /** User id (`usr_…`). */
  uid: string;
  /** Tenant id: a session never crosses tenants, even if the user row were moved. */
  tid: string;
  /** How the session was opened: an Access JWT (re-verified per request) or the local one-time link. */
  via: "access" | "dev";
  /** The environment the console shows: live runs or sandbox runs. */
  env: Environment;
  /** Random; the CSRF token is derived from it. */
  n: string;
  /** Expiry, unix seconds. */
  exp: number;
}

const enc = new TextEncoder();
const b64url = (s: string) => btoa(String.fromCharCode(...enc.encode(s))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const fromB64url = (s: string) =>
  new TextDecoder().decode(Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(s.length / 4) * 4, "=")), (c) => c.charCodeAt(0)));

export function newSession(a: { uid: string; tid: string; via: Session["via"]; env: Environment }, now: Date): Session {
  const n = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
  return { ...a, n, exp: Math.floor(now.getTime() / 1000) + SESSION_TTL_S };
}

export async function sealSession(secret: string, s: Session): Promise<string> {
  const payload = b64url(JSON.stringify(s));
  return `${payload}.${await keyedHash(secret, "console-session", payload)}`;
}

/** null for anything not signed by us, malformed, or expired. */
export async function openSession(secret: string, value: string | undefined, now: Date): Promise<Session | null> {
  if (!value || value.length > 2048) return null;
  const dot = value.lastIndexOf(".");
  if (dot <= 0) return null;
  const payload = value.slice(0, dot);
  if (!timingSafeEqual(value.slice(dot + 1), await keyedHash(secret, "console-session", payload))) return null;
  try {
    const s = JSON.parse(fromB64url(payload)) as Session;
    if (typeof s.exp !== "number" || s.exp * 1000 <= now.getTime()) return null;
    if (typeof s.uid !== "string" || typeof s.tid !== "string" || typeof s.n !== "string") return null;
    if (s.via !== "access" && s.via !== "dev") return null;
    if (s.env !== "live" && s.env !== "test") return null;
    return s;
  } catch {
    return null;
  }
}

export const csrfToken = (secret: string, s: Session) => keyedHash(secret, "console-csrf", s.n);

export async function csrfValid(secret: string, s: Session, presented: unknown): Promise<boolean> {
  return typeof presented === "string" && presented.length > 0 && timingSafeEqual(presented, await csrfToken(secret, s));
}

/** Plain http is only ever loopback (wrangler dev); anywhere else the cookie is Secure. */
export const isLoopback = (url: URL) => ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);

export function sessionCookie(value: string, url: URL, maxAgeS: number): string {
  return [
    `${SESSION_COOKIE}=${value}`,
    "Path=/console",
    `Max-Age=${maxAgeS}`,
    "HttpOnly",
    "SameSite=Lax",
    ...(isLoopback(url) ? [] : ["Secure"]),
  ].join("; ");
}
