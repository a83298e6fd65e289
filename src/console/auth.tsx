// Who is asking: the Access JWT (production), or a session opened by the
// local one-time link (wrangler dev only). Plus the CSRF guard of every POST
// and the security headers of every console response.
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { findUserWithTenant } from "../admin/users";
import { createDb } from "../db/client";
import { MAX_BODY_BYTES } from "../http/validate";
import { accessConfig, verifyAccessJwt, type AccessFailure } from "./access";
import type { ConsoleContext, ConsoleEnv } from "./context";
import { csrfToken, csrfValid, isLoopback, newSession, openSession, sealSession, SESSION_COOKIE, SESSION_TTL_S, sessionCookie, type Session } from "./session";
import { Layout, renderPage } from "./ui";

/**
 * No script at all, styles from our own stylesheet only, forms post to this
 * origin only, never framed. Pages hold tenant data: never cached, and no
 * Referer leaves the origin.
 */
export const CONSOLE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export const securityHeaders = createMiddleware<ConsoleEnv>(async (c, next) => {
  await next();
  c.res.headers.set("Content-Security-Policy", CONSOLE_CSP);
  c.res.headers.set("X-Frame-Options", "DENY");
  c.res.headers.set("X-Content-Type-Options", "nosniff");
  c.res.headers.set("Referrer-Policy", "same-origin");
  if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
});

/**
 * The local one-time login exists only where wrangler.toml's top-level [vars]
 * sets CONSOLE_DEV_LOGIN (never [env.production] nor [previews]), and only on
 * loopback, so even a deploy of the local configuration would not open it.
 */
export function devLoginAllowed(env: Env, url: URL): boolean {
  return (env as unknown as Record<string, unknown>).CONSOLE_DEV_LOGIN === "1" && isLoopback(url);
}

/** A page answering a request the console will not serve (login needed, forbidden, expired form…). */
export function refusal(c: Context<ConsoleEnv>, status: 401 | 403 | 404 | 413, title: string, body: string, ctx: ConsoleContext | null = null) {
  return c.html(
    renderPage(
      <Layout title={title} ctx={ctx}>
        <div class="center card">
          <h1>{title}</h1>
          <p>{body}</p>
          {status === 401 && devLoginAllowed(c.env, new URL(c.req.url)) && (
            <p class="muted">Ambiente local: use o link de login de uso único impresso por `npm run dev`.</p>
          )}
        </div>
      </Layout>,
    ),
    status,
  );
}

const ACCESS_REFUSALS: Record<AccessFailure, string> = {
  malformed: "O token do Cloudflare Access é inválido.",
  unknown_key: "O token do Cloudflare Access não foi assinado por uma chave desta equipe.",
  bad_signature: "A assinatura do token do Cloudflare Access é inválida.",
  wrong_issuer: "O token do Cloudflare Access foi emitido por outra equipe.",
  wrong_audience: "O token do Cloudflare Access é de outra aplicação.",
  expired: "A sessão do Cloudflare Access expirou. Recarregue a página para entrar de novo.",
  not_yet_valid: "O token do Cloudflare Access ainda não é válido.",
  no_email: "O token do Cloudflare Access não identifica uma pessoa (e-mail ausente).",
  keys_unavailable: "Não foi possível obter as chaves do Cloudflare Access. Tente novamente em instantes.",
};

async function contextFor(c: Context<ConsoleEnv>, session: Session, found: NonNullable<Awaited<ReturnType<typeof findUserWithTenant>>>): Promise<ConsoleContext> {
  return {
    user: { id: found.user.id, email: found.user.email, name: found.user.name, role: found.user.role },
    tenant: found.tenant,
    session,
    csrf: await csrfToken(c.env.SERVER_SECRET, session),
  };
}

export async function startSession(c: Context<ConsoleEnv>, session: Session): Promise<void> {
  c.header("Set-Cookie", sessionCookie(await sealSession(c.env.SERVER_SECRET, session), new URL(c.req.url), SESSION_TTL_S), { append: true });
}

export function endSession(c: Context<ConsoleEnv>): void {
  c.header("Set-Cookie", sessionCookie("", new URL(c.req.url), 0), { append: true });
}

/**
 * Access: every request carries a fresh JWT, verified each time; its email
 * must be a console user. The session cookie then only keeps the CSRF nonce
 * and the chosen environment, and is replaced when the Access identity changes.
 * Local: a session opened by the one-time link, honoured only where that link
 * is allowed. The user row is read on every request either way.
 */
export const authenticate = createMiddleware<ConsoleEnv>(async (c, next) => {
  const now = new Date();
  const url = new URL(c.req.url);
  const db = createDb(c.env.DB);
  const presented = getCookie(c, SESSION_COOKIE);
  let session = await openSession(c.env.SERVER_SECRET, presented, now);
  const access = accessConfig(c.env);
  const jwt = c.req.header("cf-access-jwt-assertion");

  if (access && jwt) {
    const verified = await verifyAccessJwt(c.env, access, jwt, now);
    if (!verified.ok) return refusal(c, 401, "Acesso não autenticado", ACCESS_REFUSALS[verified.reason]);
    const found = await findUserWithTenant(db, { email: verified.email });
    if (!found) {
      return refusal(c, 403, "Acesso negado", `O e-mail ${verified.email} não é usuário do console. Peça a um administrador da sua empresa para cadastrá-lo.`);
    }
    if (!session || session.via !== "access" || session.uid !== found.user.id || session.tid !== found.user.tenantId) {
      session = newSession({ uid: found.user.id, tid: found.user.tenantId, via: "access", env: "live" }, now);
      await startSession(c, session);
    }
    c.set("console", await contextFor(c, session, found));
    return next();
  }

  if (session && session.via === "dev" && devLoginAllowed(c.env, url)) {
    const found = await findUserWithTenant(db, { id: session.uid });
    if (found && found.user.tenantId === session.tid) {
      c.set("console", await contextFor(c, session, found));
      return next();
    }
  }
  // A cookie that no longer opens a session (forged, expired, user gone) is cleared.
  if (presented) endSession(c);
  return refusal(
    c,
    401,
    "Entre para continuar",
    access ? "Acesse o console pelo endereço protegido pelo Cloudflare Access da sua empresa." : "O login pelo Cloudflare Access não está configurado neste ambiente.",
  );
});

// hono/body-limit, as the API's JSON bodies (src/http/validate.ts): a declared
// Content-Length over the cap is refused before reading; a body without one
// (chunked) is counted as it streams and refused once it passes the cap.
const formLimit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: (c) => refusal(c as Context<ConsoleEnv>, 413, "Formulário grande demais", `O formulário excede ${MAX_BODY_BYTES / 1024} KiB.`, c.get("console")),
});

/** Every state-changing request needs the session's CSRF token, and no foreign Origin; its body is capped whatever its transfer encoding. */
export const csrfGuard = createMiddleware<ConsoleEnv>(async (c, next) => {
  if (c.req.method !== "POST") return next();
  const ctx = c.get("console");
  const origin = c.req.header("origin");
  if (origin && origin !== new URL(c.req.url).origin) {
    return refusal(c, 403, "Requisição recusada", "O formulário veio de outro site.", ctx);
  }
  return formLimit(c, async () => {
    // Read (and cached by Hono for the handler) within the cap.
    const form = await c.req.parseBody();
    if (!(await csrfValid(c.env.SERVER_SECRET, ctx.session, form._csrf))) {
      c.res = refusal(c, 403, "Formulário expirado", "O formulário expirou ou não veio desta sessão. Volte, recarregue a página e tente de novo.", ctx);
      return;
    }
    await next();
  });
});

/** What a suspended tenant's users may still post: leaving, and switching environment (both change only their session). */
const SESSION_ONLY_POSTS = new Set(["/console/logout", "/console/environment"]);

/**
 * A suspended tenant reads its console but changes nothing (case actions,
 * reports): the same stop the API puts on run creation (402 billing_suspended).
 * The tenant's status is read with the user on every request, so a suspension
 * takes effect at once.
 */
export const suspendedReadOnly = createMiddleware<ConsoleEnv>(async (c, next) => {
  const ctx = c.get("console");
  if (c.req.method === "POST" && ctx.tenant.status === "suspended" && !SESSION_ONLY_POSTS.has(new URL(c.req.url).pathname)) {
    return refusal(c, 403, "Conta suspensa", "A conta da sua empresa está suspensa: o console fica disponível só para consulta.", ctx);
  }
  return next();
});
