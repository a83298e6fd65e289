// Shared pieces of the console's pages (Hono JSX, rendered on the server).
// Plain HTML forms and links: every page works without JavaScript, and the
// Content-Security-Policy allows none.
import type { Child, FC, PropsWithChildren } from "hono/jsx";
import type { ConsoleContext } from "./context";
import { ROLE_LABELS } from "./format";

export type Section = "runs" | "cases" | "monitoring" | "screening" | "lists" | null;

export const Csrf: FC<{ token: string }> = ({ token }) => <input type="hidden" name="_csrf" value={token} />;

export const Badge: FC<{ kind: string | null | undefined; label?: string }> = ({ kind, label }) =>
  kind ? <span class={`badge b-${kind}`}>{label ?? kind}</span> : <span class="muted">—</span>;

export const Kv: FC<{ k: string; v: Child }> = ({ k, v }) => (
  <div class="kv">
    <div class="k">{k}</div>
    <div class="v">{v}</div>
  </div>
);

export const Notice: FC<PropsWithChildren<{ kind: "ok" | "bad" | "warn" | "info" }>> = ({ kind, children }) => (
  <div class={`notice ${kind}`} role={kind === "bad" ? "alert" : "status"}>
    {children}
  </div>
);

const NAV: { id: Exclude<Section, null>; href: string; label: string; admin?: boolean }[] = [
  { id: "runs", href: "/console/runs", label: "Execuções" },
  { id: "cases", href: "/console/cases", label: "Casos" },
  { id: "monitoring", href: "/console/monitoring", label: "Monitoramento" },
  { id: "screening", href: "/console/screening", label: "Triagem" },
  { id: "lists", href: "/console/lists", label: "Listas", admin: true },
];

export const Layout: FC<PropsWithChildren<{ title: string; ctx: ConsoleContext | null; section?: Section }>> = ({ title, ctx, section, children }) => (
  <html lang="pt-BR">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="referrer" content="same-origin" />
      <title>{`${title} · kycert console`}</title>
      <link rel="stylesheet" href="/console/assets/console.css" />
      <link rel="icon" type="image/svg+xml" href="/console/assets/favicon.svg" />
    </head>
    <body>
      <header class="top">
        <a class="brand" href="/console/runs">
          kycert · console
        </a>
        {ctx && (
          <nav aria-label="Seções">
            {NAV.filter((n) => !n.admin || ctx.user.role === "admin").map((n) => (
              <a href={n.href} class={section === n.id ? "active" : undefined} aria-current={section === n.id ? "page" : undefined}>
                {n.label}
              </a>
            ))}
          </nav>
        )}
        <span class="spacer" />
        {ctx && (
          <span class="who">
            <strong>{ctx.tenant.name}</strong> · {ctx.user.email} ({ROLE_LABELS[ctx.user.role]}){" "}
            <form method="post" action="/console/logout">
              <Csrf token={ctx.csrf} />
              <button type="submit">Sair</button>
            </form>
          </span>
        )}
      </header>
      {ctx && (
        <div class={`envbar ${ctx.session.env}`}>
          {ctx.session.env === "test" ? "Ambiente: sandbox (dados de teste, chaves sk_test_)." : "Ambiente: produção (execuções reais, chaves sk_live_)."}{" "}
          <form method="post" action="/console/environment">
            <Csrf token={ctx.csrf} />
            <input type="hidden" name="env" value={ctx.session.env === "test" ? "live" : "test"} />
            <button type="submit">{ctx.session.env === "test" ? "Ver produção" : "Ver sandbox"}</button>
          </form>
        </div>
      )}
      <main>{children}</main>
    </body>
  </html>
);

/** A whole page as an HTML document string. */
export const renderPage = (node: Child): string => `<!doctype html>${String(node)}`;
