// Console login and sessions (contract §16): Cloudflare Access JWTs verified
// against the team's keys, the local one-time link (local configuration and
// loopback only), signed HttpOnly cookies, CSRF on every form, the CSP, and
// role checks on the server.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { accessConfig, KEYS_MAX_STALE_MS, verifyAccessJwt } from "../src/console/access";
import { CONSOLE_CSP } from "../src/console/auth";
import { admin } from "./helpers/api";
import {
  accessJwt,
  accessTeam,
  consoleFetch,
  consoleTenant,
  createConsoleUser,
  csrfOf,
  devLogin,
  fetchWithEnv,
  LOCAL,
  mintLoginToken,
  page,
  rsaKeyPair,
  sessionCookieOf,
} from "./helpers/console";

const PROD = "https://console.banco-exemplo.com.br";

describe("Cloudflare Access login", () => {
  it(`keys fetched once serve through an Access outage for at most KEYS_MAX_STALE_MS (${KEYS_MAX_STALE_MS / 3_600_000} h); past it the login is refused (keys_unavailable)`, async () => {
    const team = await accessTeam();
    const cfg = accessConfig(team.env)!;
    const t0 = Date.now();
    const tokenAt = (ms: number) => {
      const s = Math.floor(ms / 1000);
      return accessJwt(team, { email: "ana@banco.com.br", iat: s, nbf: s, exp: s + 600 });
    };
    expect(await verifyAccessJwt(team.env, cfg, await tokenAt(t0), new Date(t0))).toMatchObject({ ok: true });
    team.unreachable = true;
    // Past the hour the keys are refreshed after, but within the bound: the keys fetched before still serve.
    const later = t0 + 2 * 3_600_000;
    expect(await verifyAccessJwt(team.env, cfg, await tokenAt(later), new Date(later))).toMatchObject({ ok: true });
    const tooLate = t0 + KEYS_MAX_STALE_MS + 60_000;
    expect(await verifyAccessJwt(team.env, cfg, await tokenAt(tooLate), new Date(tooLate))).toEqual({ ok: false, reason: "keys_unavailable" });
    // Access back: the next login refetches and goes through.
    team.unreachable = false;
    expect(await verifyAccessJwt(team.env, cfg, await tokenAt(tooLate), new Date(tooLate))).toMatchObject({ ok: true });
  });

  it("a valid JWT of a known email opens the console: session cookie Secure, HttpOnly, SameSite=Lax; keys fetched once", async () => {
    const team = await accessTeam();
    const { analyst, tenant } = await consoleTenant();
    const jwt = await accessJwt(team, { email: analyst.email.toUpperCase() });
    const res = await fetchWithEnv(team.env, `${PROD}/console/runs`, { headers: { "Cf-Access-Jwt-Assertion": jwt } });
    const html = await res.text();
    expect(res.status, html.slice(0, 300)).toBe(200);
    expect(html).toContain(analyst.email);
    expect(html).toContain(tenant.name);
    const set = res.headers.getSetCookie().find((c) => c.startsWith("kycert_console="))!;
    expect(set).toMatch(/; HttpOnly/);
    expect(set).toMatch(/; SameSite=Lax/);
    expect(set).toMatch(/; Secure/);
    expect(set).toMatch(/; Path=\/console/);
    expect(res.headers.get("content-security-policy")).toBe(CONSOLE_CSP);

    // The next request of the same person keeps the session and reuses the cached keys.
    const again = await fetchWithEnv(team.env, `${PROD}/console/runs`, {
      headers: { "Cf-Access-Jwt-Assertion": await accessJwt(team, { email: analyst.email }) },
      cookie: sessionCookieOf(res),
    });
    expect(again.status).toBe(200);
    expect(sessionCookieOf(again)).toBeNull();
    expect(team.fetches).toEqual([`${team.domain}/cdn-cgi/access/certs`]);
  });

  it.each([
    ["a signature by another key", async (t: Awaited<ReturnType<typeof accessTeam>>, email: string) => accessJwt(t, { email }, { key: (await rsaKeyPair()).privateKey })],
    ["an unknown kid", (t: Awaited<ReturnType<typeof accessTeam>>, email: string) => accessJwt(t, { email }, { kid: "other-kid" })],
    ["the wrong audience", (t: Awaited<ReturnType<typeof accessTeam>>, email: string) => accessJwt(t, { email, aud: ["another-app"] })],
    ["another issuer", (t: Awaited<ReturnType<typeof accessTeam>>, email: string) => accessJwt(t, { email, iss: "https://evil.cloudflareaccess.com" })],
    ["an expired token", (t: Awaited<ReturnType<typeof accessTeam>>, email: string) => accessJwt(t, { email, exp: Math.floor(Date.now() / 1000) - 120 })],
    ["alg none", async (t: Awaited<ReturnType<typeof accessTeam>>, email: string) => (await accessJwt(t, { email }, { alg: "none" })).replace(/\.[^.]+$/, ".AA")],
    ["a service token (no email)", (t: Awaited<ReturnType<typeof accessTeam>>) => accessJwt(t, { common_name: "svc.access" })],
    ["garbage", async () => "not-a-jwt"],
  ])("%s → 401 page, no session", async (_name, make) => {
    const team = await accessTeam();
    const { analyst } = await consoleTenant();
    const res = await fetchWithEnv(team.env, `${PROD}/console/runs`, { headers: { "Cf-Access-Jwt-Assertion": await make(team, analyst.email) } });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toContain("Acesso não autenticado");
    expect(sessionCookieOf(res)).toBeNull();
  });

  it("a valid JWT whose email is no console user → 403 page", async () => {
    const team = await accessTeam();
    const res = await fetchWithEnv(team.env, `${PROD}/console/runs`, { headers: { "Cf-Access-Jwt-Assertion": await accessJwt(team, { email: "stranger@example.com" }) } });
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain("Acesso negado");
    expect(html).toContain("stranger@example.com não é usuário do console");
    expect(sessionCookieOf(res)).toBeNull();
  });

  it("an Access session needs the JWT on every request: the cookie alone is refused", async () => {
    const team = await accessTeam();
    const { analyst } = await consoleTenant();
    const first = await fetchWithEnv(team.env, `${PROD}/console/runs`, { headers: { "Cf-Access-Jwt-Assertion": await accessJwt(team, { email: analyst.email }) } });
    expect(first.status).toBe(200);
    const res = await fetchWithEnv(team.env, `${PROD}/console/runs`, { cookie: sessionCookieOf(first) });
    expect(res.status).toBe(401);
  });

  it("a different Access identity replaces the session (no carry-over of the first user's tenant)", async () => {
    const team = await accessTeam();
    const a = await consoleTenant();
    const b = await consoleTenant();
    const first = await fetchWithEnv(team.env, `${PROD}/console/runs`, { headers: { "Cf-Access-Jwt-Assertion": await accessJwt(team, { email: a.analyst.email }) } });
    const res = await fetchWithEnv(team.env, `${PROD}/console/runs`, {
      cookie: sessionCookieOf(first),
      headers: { "Cf-Access-Jwt-Assertion": await accessJwt(team, { email: b.approver.email }) },
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(b.tenant.name);
    expect(html).not.toContain(a.tenant.name);
    expect(sessionCookieOf(res)).not.toBeNull();
  });

  it("without Access configured, an Access header lets nobody in", async () => {
    const team = await accessTeam();
    const { analyst } = await consoleTenant();
    const res = await fetchWithEnv({ ...team.env, ACCESS_AUD: "" } as Env, `${PROD}/console/runs`, {
      headers: { "Cf-Access-Jwt-Assertion": await accessJwt(team, { email: analyst.email }) },
    });
    expect(res.status).toBe(401);
  });
});

describe("local one-time login", () => {
  it("the link shows a button (GET spends nothing); the POST logs in once; a second use is refused", async () => {
    const { analyst } = await consoleTenant();
    const token = await mintLoginToken(analyst.id);
    const shown = await consoleFetch(`/console/dev-login?token=${token}`);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain(`value="${token}"`);
    const res = await consoleFetch("/console/dev-login", { form: { token } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/console/runs");
    const set = res.headers.getSetCookie().find((c) => c.startsWith("kycert_console="))!;
    expect(set).toMatch(/; HttpOnly/);
    expect(set).toMatch(/; SameSite=Lax/);
    expect(set, "plain http on loopback: no Secure").not.toMatch(/Secure/);
    const runs = await consoleFetch("/console/runs", { cookie: sessionCookieOf(res) });
    expect(runs.status).toBe(200);
    expect(await runs.text()).toContain(analyst.email);

    const again = await consoleFetch("/console/dev-login", { form: { token } });
    expect(again.status).toBe(401);
    expect(sessionCookieOf(again)).toBeNull();
  });

  it("a login form posted from another site is refused and does not spend the token", async () => {
    const { analyst } = await consoleTenant();
    const token = await mintLoginToken(analyst.id);
    const res = await consoleFetch("/console/dev-login", { form: { token }, headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect(sessionCookieOf(res)).toBeNull();
    expect((await consoleFetch("/console/dev-login", { form: { token }, headers: { origin: "http://127.0.0.1:8787" } })).status).toBe(303);
  });

  it("an expired or unknown token is refused", async () => {
    const { analyst } = await consoleTenant();
    const expired = await mintLoginToken(analyst.id, -1000);
    expect((await consoleFetch("/console/dev-login", { form: { token: expired } })).status).toBe(401);
    expect((await consoleFetch("/console/dev-login", { form: { token: "nope" } })).status).toBe(401);
  });

  it("production and previews refuse it: without CONSOLE_DEV_LOGIN the path does not exist (404), nor does a dev session work", async () => {
    const { analyst } = await consoleTenant();
    const token = await mintLoginToken(analyst.id);
    const cookie = await devLogin(analyst.id);
    const production = { ...env, CONSOLE_DEV_LOGIN: undefined } as unknown as Env;
    const shown = await fetchWithEnv(production, `/console/dev-login?token=${token}`);
    expect(shown.status).toBe(404);
    expect(await shown.text()).not.toContain(token);
    expect((await fetchWithEnv(production, "/console/dev-login", { form: { token } })).status).toBe(404);
    expect((await fetchWithEnv(production, "/console/runs", { cookie })).status).toBe(401);
    // The token was not spent by the refused attempts.
    expect((await consoleFetch("/console/dev-login", { form: { token } })).status).toBe(303);
  });

  it("even with the var, only on loopback: another host gets 404", async () => {
    const { analyst } = await consoleTenant();
    const token = await mintLoginToken(analyst.id);
    expect((await consoleFetch(`${PROD}/console/dev-login?token=${token}`)).status).toBe(404);
    expect((await consoleFetch(`${PROD}/console/dev-login`, { form: { token } })).status).toBe(404);
  });
});

describe("sessions", () => {
  it("no session → 401 login page; a tampered cookie → 401 and the cookie is cleared", async () => {
    const res = await consoleFetch("/console/runs");
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("Entre para continuar");
    const { analyst } = await consoleTenant();
    const cookie = await devLogin(analyst.id);
    const [payload, sig] = cookie.slice("kycert_console=".length).split(".");
    const forged = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    forged.uid = "usr_someone_else";
    const forgedPayload = btoa(JSON.stringify(forged)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const tampered = await consoleFetch("/console/runs", { cookie: `kycert_console=${forgedPayload}.${sig}` });
    expect(tampered.status).toBe(401);
    expect(tampered.headers.getSetCookie().some((c) => c.startsWith("kycert_console=;"))).toBe(true);
  });

  it("deleting the user ends their session at the next request", async () => {
    const { tenant, analyst } = await consoleTenant();
    const cookie = await devLogin(analyst.id);
    expect((await consoleFetch("/console/runs", { cookie })).status).toBe(200);
    expect((await admin("DELETE", `/tenants/${tenant.id}/users/${analyst.id}`)).status).toBe(200);
    expect((await consoleFetch("/console/runs", { cookie })).status).toBe(401);
  });

  it("logout clears the cookie", async () => {
    const { analyst } = await consoleTenant();
    const cookie = await devLogin(analyst.id);
    const { csrf } = await page(cookie, "/console/runs");
    const res = await consoleFetch("/console/logout", { cookie, form: { _csrf: csrf } });
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie().some((c) => /^kycert_console=;.*Max-Age=0/.test(c))).toBe(true);
  });

  it("every page carries the CSP and anti-framing headers, and is not cached", async () => {
    const { analyst } = await consoleTenant();
    const cookie = await devLogin(analyst.id);
    for (const path of ["/console/runs", "/console/nope"]) {
      const res = await consoleFetch(path, { cookie });
      expect(res.headers.get("content-security-policy")).toBe(CONSOLE_CSP);
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
    expect(CONSOLE_CSP).toContain("default-src 'none'");
    expect(CONSOLE_CSP).not.toContain("script-src");
    const html = await (await consoleFetch("/console/runs", { cookie })).text();
    expect(html).not.toMatch(/<script|style="/i);
    expect((await consoleFetch("/console/nope", { cookie })).status).toBe(404);
  });
});

describe("CSRF", () => {
  it("a form without the token, with another session's token, or from another origin → 403; with its own → accepted", async () => {
    const { analyst, approver } = await consoleTenant();
    const cookie = await devLogin(analyst.id);
    const other = await devLogin(approver.id);
    const { csrf } = await page(cookie, "/console/runs");
    const { csrf: otherCsrf } = await page(other, "/console/runs");
    expect(otherCsrf).not.toBe(csrf);

    for (const form of [{}, { _csrf: "" }, { _csrf: otherCsrf }, { _csrf: csrf.slice(0, -1) + (csrf.endsWith("0") ? "1" : "0") }]) {
      const res = await consoleFetch("/console/environment", { cookie, form: { env: "live", ...form } as Record<string, string> });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("Formulário expirado");
    }
    const foreign = await consoleFetch("/console/environment", { cookie, form: { env: "live", _csrf: csrf }, headers: { origin: "https://evil.example" } });
    expect(foreign.status).toBe(403);

    const ok = await consoleFetch("/console/environment", { cookie, form: { env: "live", _csrf: csrf }, headers: { origin: "http://127.0.0.1:8787" } });
    expect(ok.status).toBe(303);
    const live = sessionCookieOf(ok)!;
    expect(await (await consoleFetch("/console/runs", { cookie: live })).text()).toContain("Ambiente: produção");
  });

  it("a form body over 64 KiB is refused with 413 whatever its transfer encoding (declared length or chunked), before the CSRF check reads it", async () => {
    const { analyst } = await consoleTenant();
    const cookie = await devLogin(analyst.id);
    const { csrf } = await page(cookie, "/console/runs");
    const big = `_csrf=${csrf}&env=live&note=${"a".repeat(80 * 1024)}`;
    const post = (body: BodyInit) =>
      exports.default.fetch(
        new Request(`${LOCAL}/console/environment`, {
          method: "POST",
          headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
          body,
          redirect: "manual",
          ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
        } as RequestInit),
      );
    const declared = await post(big);
    expect(declared.status).toBe(413);
    // Chunked: no Content-Length, the bytes arrive in pieces.
    const bytes = new TextEncoder().encode(big);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
        controller.close();
      },
    });
    const streamed = await post(chunked);
    expect(streamed.status).toBe(413);
    expect(await streamed.text()).toContain("Formulário grande demais");
    // A small chunked form still goes through.
    const small = new TextEncoder().encode(`_csrf=${encodeURIComponent(csrf)}&env=live`);
    const ok = await post(new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(small), c.close()) }));
    expect(ok.status).toBe(303);
  });

  it("every form of a page carries the CSRF field", async () => {
    const { admin: adminUser } = await consoleTenant();
    const cookie = await devLogin(adminUser.id);
    const { html } = await page(cookie, "/console/runs");
    const forms = html.match(/<form method="post"[\s\S]*?<\/form>/g) ?? [];
    expect(forms.length).toBeGreaterThan(0);
    for (const f of forms) expect(f).toContain(`name="_csrf" value="${csrfOf(html)}"`);
  });
});

describe("roles", () => {
  it("the lists status page is for admins: an analyst or approver gets 403", async () => {
    const t = await consoleTenant();
    for (const u of [t.analyst, t.approver]) {
      const res = await consoleFetch("/console/lists", { cookie: await devLogin(u.id) });
      expect(res.status).toBe(403);
    }
    expect((await consoleFetch("/console/lists", { cookie: await devLogin(t.admin.id) })).status).toBe(200);
  });

  it("the nav shows Listas to admins only", async () => {
    const t = await consoleTenant();
    expect((await page(await devLogin(t.analyst.id), "/console/runs")).html).not.toContain('href="/console/lists"');
    expect((await page(await devLogin(t.admin.id), "/console/runs")).html).toContain('href="/console/lists"');
    const other = await createConsoleUser(t.tenant.id, "analyst", "second");
    expect(other.tenant_id).toBe(t.tenant.id);
  });
});
