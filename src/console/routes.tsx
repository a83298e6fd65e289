// /console — the analysts' pages (contract §16), served by the same Worker.
// Handlers call the same services as the API (never the API over HTTP) and
// render HTML; every POST carries the session's CSRF token.
import type { Context } from "hono";
import { Hono } from "hono";
import { consumeLoginToken } from "../admin/users";
import { createDb } from "../db/client";
import { DomainError } from "../domain/errors";
import { ERROR_CODES } from "../http/errors";
import { ListRunsQuerySchema } from "../http/schemas/runs";
import { SCOPES, type AuthContext } from "../lib/api-keys";
import { redactForLog } from "../domain/redaction";
import { generateReport, reportDownloadUrl } from "../reports/service";
import { getRun, listRunsPage, servicesFor, type Services } from "../runs/service";
import { storedResult } from "../runs/views";
import { authenticate, csrfGuard, devLoginAllowed, endSession, refusal, securityHeaders, startSession, suspendedReadOnly } from "./auth";
import type { ConsoleContext, ConsoleEnv } from "./context";
import { DevLoginPage } from "./pages/auth";
import { RUN_FILTERS, RunDetailPage, RunsPage, type RunFilters } from "./pages/runs";
import { newSession } from "./session";
import { CONSOLE_CSS, CONSOLE_FAVICON } from "./styles";
import { Layout, Notice, renderPage } from "./ui";
import { approveCase, assignCase, caseContext, getCaseWithRun, listCases, resolveCase, returnCase, type Case, type CaseContext, type ListCasesQuery, type MatchResolution, type ReasonCode } from "../cases/service";
import { extractMatches } from "../domain/cases";
import { listViews } from "../screening/ingest";
import { hasRole } from "./context";
import { ROLE_LABELS } from "./format";
import { CASE_QUEUES, CaseDetailPage, CasesPage, type CaseQueue, type MonitoringReview } from "./pages/cases";
import { MonitoringPage, type RejectedRow } from "./pages/monitoring";
import { getAlert, listAlerts } from "../monitoring/alerts";
import { importErrors, listImports } from "../monitoring/imports";
import { getSubject, listSubjects } from "../monitoring/subjects";
import { decoderFor, readCsvChunk } from "../monitoring/csv";
import { ListsPage, ScreeningPage, type ScreeningForm } from "./pages/screening";
import { ScreeningSearchSchema } from "../http/schemas/screening";
import { publicCleared, publicMatch, searchListsInEngine } from "../screening/client";

export const CONSOLE_PREFIX = "/console";

/** The console is not part of the API: its HTML pages are documented in the README, not in the OpenAPI document. */
export const isConsolePath = (path: string) => path === CONSOLE_PREFIX || path.startsWith(`${CONSOLE_PREFIX}/`);

export const consoleRoutes = new Hono<ConsoleEnv>();

consoleRoutes.use("*", securityHeaders);

consoleRoutes.get("/assets/console.css", (c) =>
  c.body(CONSOLE_CSS, 200, { "Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=300" }),
);

consoleRoutes.get("/assets/favicon.svg", (c) =>
  c.body(CONSOLE_FAVICON, 200, { "Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400" }),
);

// ---- local one-time login (only where devLoginAllowed) -------------------------

consoleRoutes.get("/dev-login", (c) => {
  if (!devLoginAllowed(c.env, new URL(c.req.url))) return notFound(c);
  // GET only shows a button: link previewers and prefetchers must not spend the one-time token.
  return c.html(renderPage(<DevLoginPage token={c.req.query("token") ?? ""} />));
});

consoleRoutes.post("/dev-login", async (c) => {
  if (!devLoginAllowed(c.env, new URL(c.req.url))) return notFound(c);
  // No session yet, so no CSRF token: refuse a form posted from another site (login CSRF).
  const origin = c.req.header("origin");
  if (origin && origin !== new URL(c.req.url).origin) return refusal(c, 403, "Requisição recusada", "O formulário veio de outro site.");
  const form = await c.req.parseBody();
  const token = typeof form.token === "string" ? form.token : "";
  const user = token ? await consumeLoginToken(createDb(c.env.DB), token, new Date()) : null;
  if (!user) {
    return c.html(
      renderPage(<DevLoginPage token="" problem="Este link de login já foi usado, expirou ou não existe. Rode `npm run dev` de novo para obter outro." />),
      401,
    );
  }
  await startSession(c, newSession({ uid: user.id, tid: user.tenantId, via: "dev", env: "test" }, new Date()));
  return c.redirect("/console/runs", 303);
});

consoleRoutes.get("/logged-out", (c) =>
  c.html(
    renderPage(
      <Layout title="Sessão encerrada" ctx={null}>
        <div class="center card">
          <h1>Sessão encerrada</h1>
          <p>Você saiu do console.</p>
        </div>
      </Layout>,
    ),
  ),
);

// ---- everything else needs a user ------------------------------------------------

consoleRoutes.use("*", authenticate);
consoleRoutes.use("*", csrfGuard);
consoleRoutes.use("*", suspendedReadOnly);

const ctxOf = (c: Context<ConsoleEnv>): ConsoleContext => c.get("console");

/** The runs services, scoped like an API key of the user's tenant in the session's environment. */
export function consoleServices(c: Context<ConsoleEnv>): Services {
  const ctx = ctxOf(c);
  const auth: AuthContext = {
    tenantId: ctx.tenant.id,
    tenantName: ctx.tenant.name,
    tenantStatus: ctx.tenant.status,
    keyId: `console:${ctx.user.id}`,
    livemode: ctx.session.env === "live",
    scopes: [...SCOPES],
    rateLimitPerMinute: null,
  };
  return servicesFor(c.env, auth);
}

consoleRoutes.get("/", (c) => c.redirect("/console/runs", 302));

consoleRoutes.post("/logout", async (c) => {
  const via = ctxOf(c).session.via;
  endSession(c);
  // Behind Access the next request would sign in again: leave Access too.
  return c.redirect(via === "access" ? "/cdn-cgi/access/logout" : "/console/logged-out", 303);
});

consoleRoutes.post("/environment", async (c) => {
  const ctx = ctxOf(c);
  const form = await c.req.parseBody();
  const env = form.env === "live" ? "live" : "test";
  await startSession(c, newSession({ uid: ctx.user.id, tid: ctx.tenant.id, via: ctx.session.via, env }, new Date()));
  return c.redirect("/console/runs", 303);
});

// ---- runs ---------------------------------------------------------------------------

consoleRoutes.get("/runs", async (c) => {
  const ctx = ctxOf(c);
  const filters: RunFilters = {};
  for (const k of RUN_FILTERS) {
    const v = c.req.query(k)?.trim();
    if (v) filters[k] = v;
  }
  const cursor = c.req.query("cursor") || undefined;
  // The same query schema as GET /api/v1/bureau/runs: same rules, same messages.
  const parsed = ListRunsQuerySchema.safeParse({ ...filters, ...(cursor ? { cursor } : {}) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return c.html(renderPage(<RunsPage ctx={ctx} filters={filters} page={null} error={`Filtro inválido (${issue.path.join(".")}): ${issue.message}`} />), 400);
  }
  try {
    const page = await listRunsPage(consoleServices(c), parsed.data);
    return c.html(renderPage(<RunsPage ctx={ctx} filters={filters} page={page} error={null} />));
  } catch (err) {
    if (err instanceof DomainError && err.code === "invalid_cursor") {
      return c.html(renderPage(<RunsPage ctx={ctx} filters={filters} page={null} error="Cursor de paginação inválido: volte à primeira página." />), 400);
    }
    throw err;
  }
});

consoleRoutes.get("/runs/:id", async (c) => {
  const row = await getRun(consoleServices(c), c.req.param("id"));
  const stored = storedResult(row);
  return c.html(
    renderPage(
      <RunDetailPage
        ctx={ctxOf(c)}
        run={{ id: row.id, status: row.status, created_at: row.createdAt, final_decision: row.finalDecision }}
        stored={stored}
        caseId={row.caseId}
      />,
    ),
  );
});

consoleRoutes.post("/runs/:id/report", async (c) => {
  const form = await c.req.parseBody();
  const mode = form.mode === "completo" ? "completo" : "resumido";
  const s = consoleServices(c);
  const id = c.req.param("id");
  await generateReport(s, id, mode);
  return c.redirect((await reportDownloadUrl(s, new URL(c.req.url).origin, id, mode)).url, 303);
});

// ---- cases ----------------------------------------------------------------------------

const casesOf = (c: Context<ConsoleEnv>, now = new Date()): CaseContext => {
  const ctx = ctxOf(c);
  return caseContext(c.env, { tenantId: ctx.tenant.id, livemode: ctx.session.env === "live", now, origin: { via: "console", key_id: null, user_id: ctx.user.id } });
};

consoleRoutes.get("/cases", async (c) => {
  const ctx = ctxOf(c);
  const fila = c.req.query("fila");
  const queue: CaseQueue = fila && fila in CASE_QUEUES ? (fila as CaseQueue) : "open";
  const now = new Date();
  const q: ListCasesQuery = { limit: 50, cursor: c.req.query("cursor") || undefined };
  if (queue === "open") q.status = "open";
  if (queue === "mine") q.assignee = ctx.user.email;
  if (queue === "pending") q.pendingApproval = true;
  if (queue === "overdue") q.overdue = true;
  const page = await listCases(casesOf(c, now), q);
  return c.html(renderPage(<CasesPage ctx={ctx} queue={queue} page={page} now={now} />));
});

async function casePage(c: Context<ConsoleEnv>, id: string, extra: { flash?: string | null; error?: string | null; status?: 200 | 400 | 403 | 409 } = {}) {
  const now = new Date();
  const { case: found, run } = await getCaseWithRun(casesOf(c, now), id);
  const stored = run ? storedResult(run) : null;
  const records = stored ? extractMatches(stored.results) : [];
  const candidates = (found.matches ?? []).map((match) => ({
    match,
    record: records.find((r) => r.source === match.source && r.entity_id === match.entity_id && r.list === match.list),
  }));
  // The same record check as GET /api/v1/bureau/cases/{id} (`chain`).
  const chain = found.chain!;
  // A monitoring case reviews an alert on a monitored customer, not a run.
  const monitored = found.alert_id ? await monitoringReview(c, found.alert_id, found.subject_id) : null;
  return c.html(
    renderPage(
      <CaseDetailPage ctx={ctxOf(c)} c={found} stored={stored} candidates={candidates} chain={chain} now={now} flash={extra.flash} error={extra.error} monitored={monitored} />,
    ),
    extra.status ?? 200,
  );
}

consoleRoutes.get("/cases/:id", (c) => casePage(c, c.req.param("id"), { flash: c.req.query("ok") ?? null }));

async function monitoringReview(c: Context<ConsoleEnv>, alertId: string, subjectId: string | null): Promise<MonitoringReview> {
  const s = consoleServices(c);
  const [alert, subject] = await Promise.all([
    getAlert(s, alertId).catch(() => null),
    subjectId ? getSubject(s, subjectId).catch(() => null) : Promise.resolve(null),
  ]);
  return { alert, subject };
}

// ---- monitoring -------------------------------------------------------------------------

/** Rejected rows shown per import on the page (the CSV download has them all). */
const REJECTED_SHOWN = 50;

/** Bytes of an import's errors CSV read for the page: its first rows, never the whole file (a million-row import's can be large). */
const REJECTED_BYTES = 64 * 1024;

async function rejectedRows(c: Context<ConsoleEnv>, id: string): Promise<RejectedRow[]> {
  const reader = (await importErrors(consoleServices(c), id)).getReader();
  const chunks: Uint8Array[] = [];
  let read = 0;
  let whole = false;
  while (read < REJECTED_BYTES) {
    const next = await reader.read();
    if (next.done) {
      whole = true;
      break;
    }
    chunks.push(next.value);
    read += next.value.length;
  }
  if (!whole) await reader.cancel();
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  const { records } = readCsvChunk(bytes, { delimiter: 0x2c, line: 1, final: whole, decode: decoderFor("utf-8") });
  return records.slice(1, 1 + REJECTED_SHOWN).map(({ fields: [line = "", external_id = "", document = "", reason = ""] }) => ({ line, external_id, document, reason }));
}

consoleRoutes.get("/monitoring", async (c) => {
  const s = consoleServices(c);
  const subjectId = c.req.query("subject") || undefined;
  const subject = subjectId ? await getSubject(s, subjectId).catch(() => null) : null;
  const cursor = c.req.query("cursor") || undefined;
  const [subjects, alerts, imports] = await Promise.all([
    listSubjects(s, { limit: 50, cursor }).catch(() => listSubjects(s, { limit: 50 })),
    listAlerts(s, { limit: 50, status: "open", ...(subject ? { subject_id: subject.id } : {}) }),
    listImports(s, { limit: 10 }),
  ]);
  const withErrors = await Promise.all(imports.data.map(async (i) => ({ import: i, rejected: i.rows_rejected > 0 ? await rejectedRows(c, i.id) : [] })));
  return c.html(renderPage(<MonitoringPage ctx={ctxOf(c)} subject={subject} subjects={subjects} alerts={alerts} imports={withErrors} />));
});

consoleRoutes.get("/monitoring/imports/:id/errors", async (c) => {
  const body = await importErrors(consoleServices(c), c.req.param("id"));
  return c.body(body, 200, { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${c.req.param("id")}-recusadas.csv"` });
});

/** Runs a case change; a refusal the analyst can act on (short note, already pending, four eyes…) re-renders the case with it. */
async function caseAction(
  c: Context<ConsoleEnv>,
  done: string | ((result: Case) => string),
  act: (cases: CaseContext, id: string, form: Record<string, unknown>, actor: string) => Promise<Case>,
) {
  const id = c.req.param("id")!;
  const form = (await c.req.parseBody()) as Record<string, unknown>;
  let result: Case;
  try {
    result = await act(casesOf(c), id, form, ctxOf(c).user.email);
  } catch (err) {
    if (err instanceof DomainError && err.code !== "case_not_found") {
      const status = ERROR_CODES[err.code].status;
      return casePage(c, id, { error: err.hasMessage ? err.message : ERROR_CODES[err.code].message, status: status === 403 ? 403 : status === 409 ? 409 : 400 });
    }
    throw err;
  }
  return c.redirect(`/console/cases/${id}?ok=${typeof done === "string" ? done : done(result)}`, 303);
}

const text = (v: unknown) => (typeof v === "string" ? v : "");

consoleRoutes.post("/cases/:id/assign", (c) => caseAction(c, "assigned", (cases, id, _form, actor) => assignCase(cases, id, { assignee: actor, actor })));

consoleRoutes.post("/cases/:id/resolve", (c) =>
  caseAction(
    c,
    (result) => (result.status === "pending_approval" ? "proposed" : "resolved"),
    (cases, id, form, actor) => {
      const resolutions: MatchResolution[] = [];
      const count = Math.min(Number(text(form.matches)) || 0, 200);
      for (let i = 0; i < count; i++) {
        const resolution = text(form[`m${i}_resolution`]);
        if (resolution !== "false_positive" && resolution !== "true_match") continue;
        resolutions.push({ source: text(form[`m${i}_source`]), list: text(form[`m${i}_list`]) || null, entity_id: text(form[`m${i}_entity`]), resolution });
      }
      return resolveCase(cases, id, {
        outcome: text(form.outcome) as "approved" | "rejected",
        reason_code: text(form.reason_code) as ReasonCode,
        note: text(form.note),
        actor,
        ...(resolutions.length > 0 ? { match_resolutions: resolutions } : {}),
      });
    },
  ),
);

/** Four eyes: only approvers (and admins) approve or return a proposal; the service refuses the proposer. */
function requireApprover(c: Context<ConsoleEnv>) {
  const ctx = ctxOf(c);
  if (hasRole(ctx.user, "approver")) return null;
  return refusal(c, 403, "Ação não permitida", `Seu papel (${ROLE_LABELS[ctx.user.role]}) não permite aprovar ou devolver propostas: peça a um aprovador.`, ctx);
}

consoleRoutes.post("/cases/:id/approve", (c) => requireApprover(c) ?? caseAction(c, "approved", (cases, id, _form, actor) => approveCase(cases, id, { actor })));

consoleRoutes.post("/cases/:id/return", (c) =>
  requireApprover(c) ?? caseAction(c, "returned", (cases, id, form, actor) => returnCase(cases, id, { actor, note: text(form.note) })),
);

// ---- screening and lists ------------------------------------------------------------

consoleRoutes.get("/screening", async (c) =>
  c.html(renderPage(<ScreeningPage ctx={ctxOf(c)} lists={await listViews(c.env)} form={{}} result={null} error={null} />)),
);

/**
 * The same search as POST /api/v1/screening/search (same schema, same service),
 * over the lists that are loaded: a list with no version is named on the page
 * instead of being searched, so an empty result always means "nothing found".
 * POST, so the searched name stays out of URLs and logs.
 */
consoleRoutes.post("/screening", async (c) => {
  const ctx = ctxOf(c);
  const form = (await c.req.parseBody()) as Record<string, unknown>;
  const shown: ScreeningForm = {};
  for (const k of ["name", "type", "birth_date", "document", "list"] as const) {
    const v = text(form[k]).trim();
    if (v) shown[k] = v;
  }
  const lists = await listViews(c.env);
  const ready = lists.filter((l) => l.version).map((l) => l.id);
  const render = (result: Parameters<typeof ScreeningPage>[0]["result"], error: string | null, status: 200 | 400 | 503 = 200) =>
    c.html(renderPage(<ScreeningPage ctx={ctx} lists={lists} form={shown} result={result} error={error} />), status);
  if (ready.length === 0) return render(null, "Nenhuma lista carregada: a busca não pode ser feita.", 503);
  const wanted = shown.list ? [shown.list] : ready;
  const parsed = ScreeningSearchSchema.safeParse({
    name: shown.name ?? "",
    ...(shown.type ? { type: shown.type } : {}),
    ...(shown.birth_date ? { birth_date: shown.birth_date } : {}),
    ...(shown.document ? { document: shown.document } : {}),
    lists: wanted,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return render(null, `Busca inválida (${issue.path.join(".") || "nome"}): ${issue.message}`, 400);
  }
  try {
    const out = await searchListsInEngine(c.env, parsed.data);
    return render({ matches: out.matches.map(publicMatch), cleared: out.cleared.map(publicCleared), lists: out.lists, took_ms: out.took_ms }, null);
  } catch (err) {
    if (err instanceof DomainError && err.code === "list_not_ready") return render(null, err.message, 503);
    throw err;
  }
});

consoleRoutes.get("/lists", async (c) => {
  const ctx = ctxOf(c);
  if (!hasRole(ctx.user, "admin")) {
    return refusal(c, 403, "Ação não permitida", `O status das listas é para administradores; seu papel é ${ROLE_LABELS[ctx.user.role]}.`, ctx);
  }
  return c.html(renderPage(<ListsPage ctx={ctx} lists={await listViews(c.env)} />));
});

// ---- errors -----------------------------------------------------------------------

function notFound(c: Context<ConsoleEnv>) {
  return refusal(c, 404, "Página não encontrada", "Este endereço não existe no console.", (c.get("console") as ConsoleContext | undefined) ?? null);
}

consoleRoutes.all("*", (c) => notFound(c));

consoleRoutes.onError((err, c) => {
  const ctx = (c.get("console") as ConsoleContext | undefined) ?? null;
  if (err instanceof DomainError) {
    const status = ERROR_CODES[err.code].status;
    const message = err.hasMessage ? err.message : ERROR_CODES[err.code].message;
    return c.html(
      renderPage(
        <Layout title="Não foi possível concluir" ctx={ctx}>
          <h1>Não foi possível concluir</h1>
          <Notice kind="bad">{message}</Notice>
          <p>
            <a href="/console/runs">Voltar às execuções</a>
          </p>
        </Layout>,
      ),
      status,
    );
  }
  const requestId = c.get("requestId") ?? "req_unknown";
  console.error(JSON.stringify({ level: "error", request_id: requestId, where: "console", error: err.name, message: redactForLog(err.message).slice(0, 200) }));
  return c.html(
    renderPage(
      <Layout title="Erro interno" ctx={ctx}>
        <h1>Erro interno</h1>
        <Notice kind="bad">Algo deu errado do nosso lado. Tente de novo; se persistir, informe o código {requestId}.</Notice>
      </Layout>,
    ),
    500,
  );
});
