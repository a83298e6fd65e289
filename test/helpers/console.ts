// Console test helpers: a browser-like client of /console (cookies by hand,
// forms url-encoded, redirects not followed) and Access JWTs signed with a key
// pair generated here, whose JWKS the Worker fetches through ACCESS_TRANSPORT.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import worker from "../../src/index";
import { ACCESS_TRANSPORT } from "../../src/console/access";
import { admin, createKey, createTenant } from "./api";

/** Loopback, like `wrangler dev`: the only place the one-time login exists. */
export const LOCAL = "http://127.0.0.1:8787";

export interface ConsoleRequest {
  method?: string;
  cookie?: string | null;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

export function consoleRequest(url: string, opts: ConsoleRequest = {}): Request {
  const headers = new Headers(opts.headers ?? {});
  if (opts.cookie) headers.set("cookie", opts.cookie);
  let body: string | undefined;
  if (opts.form) {
    body = new URLSearchParams(opts.form).toString();
    headers.set("content-type", "application/x-www-form-urlencoded");
  }
  return new Request(url.startsWith("http") ? url : `${LOCAL}${url}`, { method: opts.method ?? (opts.form ? "POST" : "GET"), headers, body, redirect: "manual" });
}

/** Through the test Worker's real fetch handler (the pool's env: wrangler.toml's local [vars]). */
export const consoleFetch = (url: string, opts: ConsoleRequest = {}) => exports.default.fetch(consoleRequest(url, opts));

/** Through src/index's fetch with an env of the test's making (other vars, an injected Access transport). */
export async function fetchWithEnv(e: Env, url: string, opts: ConsoleRequest = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(consoleRequest(url, opts), e, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** The `name=value` of the session cookie a response sets (null if none). */
export function sessionCookieOf(res: Response): string | null {
  const set = res.headers.getSetCookie().find((c) => c.startsWith("kycert_console="));
  if (!set) return null;
  const pair = set.split(";")[0];
  return pair === "kycert_console=" ? null : pair;
}

export const csrfOf = (html: string): string => {
  const m = html.match(/name="_csrf" value="([^"]+)"/);
  expect(m, "page has no CSRF field").not.toBeNull();
  return m![1];
};

const unique = () => crypto.randomUUID().slice(0, 8);

export async function createConsoleUser(tenantId: string, role: "analyst" | "approver" | "admin", who: string = role) {
  const res = await admin("POST", `/tenants/${tenantId}/users`, { email: `${who}.${unique()}@banco-exemplo.com.br`, role });
  expect(res.status).toBe(201);
  return res.json<{ id: string; email: string; role: string; tenant_id: string }>();
}

/** A tenant with a sandbox key and one console user per role. */
export async function consoleTenant() {
  const tenant = await createTenant();
  const key = await createKey(tenant.id, "test");
  return {
    tenant,
    key,
    analyst: await createConsoleUser(tenant.id, "analyst"),
    approver: await createConsoleUser(tenant.id, "approver"),
    admin: await createConsoleUser(tenant.id, "admin"),
  };
}

/** Stores a one-time login token for the user, as scripts/dev.mjs does. */
export async function mintLoginToken(userId: string, expiresInMs = 3_600_000): Promise<string> {
  const token = `${unique()}${unique()}${unique()}`;
  const hash = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)))].map((b) => b.toString(16).padStart(2, "0")).join("");
  const now = new Date();
  await env.DB.prepare("INSERT INTO console_login_tokens (token_hash, user_id, expires_at, created_at) VALUES (?, ?, ?, ?)")
    .bind(hash, userId, new Date(now.getTime() + expiresInMs).toISOString(), now.toISOString())
    .run();
  return token;
}

/** Logs the user in through the one-time link; returns the session cookie. */
export async function devLogin(userId: string): Promise<string> {
  const token = await mintLoginToken(userId);
  const res = await consoleFetch("/console/dev-login", { form: { token } });
  expect(res.status).toBe(303);
  const cookie = sessionCookieOf(res);
  expect(cookie).not.toBeNull();
  return cookie!;
}

/** GET a page as a logged-in user and return its HTML (asserting 200) and CSRF token. */
export async function page(cookie: string, path: string): Promise<{ html: string; csrf: string }> {
  const res = await consoleFetch(path, { cookie });
  const html = await res.text();
  expect(res.status, html.slice(0, 500)).toBe(200);
  return { html, csrf: csrfOf(html) };
}

// ---- Cloudflare Access ----------------------------------------------------------

export interface AccessTeam {
  domain: string;
  aud: string;
  kid: string;
  keys: CryptoKeyPair;
  /** JWKS requests the Worker made. */
  fetches: string[];
  /** true: the certs URL answers 503 (an Access outage). */
  unreachable: boolean;
  env: Env;
}

const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const b64json = (v: unknown) => b64url(new TextEncoder().encode(JSON.stringify(v)));

const rsaKeyPair = () =>
  crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, [
    "sign",
    "verify",
  ]) as Promise<CryptoKeyPair>;

/** A fresh Access team (own domain, so the Worker's key cache starts empty) whose JWKS the env's transport serves. */
export async function accessTeam(): Promise<AccessTeam> {
  const keys = await rsaKeyPair();
  const team: AccessTeam = {
    domain: `https://team-${unique()}.cloudflareaccess.com`,
    aud: `aud-${unique()}`,
    kid: `kid-${unique()}`,
    keys,
    fetches: [],
    unreachable: false,
    env: undefined as unknown as Env,
  };
  const jwk = (await crypto.subtle.exportKey("jwk", keys.publicKey)) as JsonWebKey;
  const transport = {
    fetch: (async (input: RequestInfo | URL) => {
      const url = String(input instanceof Request ? input.url : input);
      team.fetches.push(url);
      if (team.unreachable) return new Response("unavailable", { status: 503 });
      if (url !== `${team.domain}/cdn-cgi/access/certs`) return new Response("not found", { status: 404 });
      return Response.json({ keys: [{ ...jwk, kid: team.kid, alg: "RS256", use: "sig" }] });
    }) as typeof fetch,
  };
  team.env = { ...env, ACCESS_TEAM_DOMAIN: team.domain, ACCESS_AUD: team.aud, [ACCESS_TRANSPORT]: transport } as unknown as Env;
  return team;
}

export async function accessJwt(
  team: AccessTeam,
  claims: Record<string, unknown>,
  opts: { key?: CryptoKey; kid?: string; alg?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const header = b64json({ alg: opts.alg ?? "RS256", kid: opts.kid ?? team.kid, typ: "JWT" });
  const payload = b64json({ iss: team.domain, aud: [team.aud], iat: now, nbf: now, exp: now + 600, type: "app", ...claims });
  const sig = new Uint8Array(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", opts.key ?? team.keys.privateKey, new TextEncoder().encode(`${header}.${payload}`)));
  return `${header}.${payload}.${b64url(sig)}`;
}

export { rsaKeyPair };
