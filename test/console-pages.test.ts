// The console's pages against real runs and cases: runs list (the API's
// filters, tenant/environment isolation), run detail, report buttons, the
// cases queue, resolving with four eyes (roles checked on the server), the
// timeline and the final decision; screening and lists status.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createAndFinish, createHeldRun, pfBody } from "./helpers/api";
import { consoleFetch, consoleTenant, devLogin, page } from "./helpers/console";

const PEP = "000.000.004-53"; // sandbox: completed / review / alto (pep_coaf)
const CLEAN = "000.000.001-91";

async function reviewCase() {
  const t = await consoleTenant();
  const run = await createAndFinish(t.key, pfBody(PEP, { external_id: `ext-${crypto.randomUUID().slice(0, 6)}` }));
  expect(run.decision).toBe("review");
  const row = await env.DB.prepare("SELECT id FROM cases WHERE run_id = ?").bind(run.id).first<{ id: string }>();
  expect(row, "a review run opens a case").not.toBeNull();
  return { ...t, run, caseId: row!.id };
}

const post = (cookie: string, path: string, form: Record<string, string>) => consoleFetch(path, { cookie, form });

describe("runs pages", () => {
  it("lists the tenant's sandbox runs with the API's filters; another tenant's runs and live runs do not show", async () => {
    const t = await consoleTenant();
    const other = await consoleTenant();
    const review = await createAndFinish(t.key, pfBody(PEP, { external_id: "lista-1" }));
    const clean = await createAndFinish(t.key, pfBody(CLEAN));
    const foreign = await createAndFinish(other.key, pfBody(CLEAN));
    const cookie = await devLogin(t.analyst.id);

    const all = (await page(cookie, "/console/runs")).html;
    expect(all).toContain(review.id);
    expect(all).toContain(clean.id);
    expect(all).not.toContain(foreign.id);
    expect(all).toContain("***.000.004-**");

    const filtered = (await page(cookie, "/console/runs?external_id=lista-1&status=completed")).html;
    expect(filtered).toContain(review.id);
    expect(filtered).not.toContain(clean.id);

    const bad = await consoleFetch("/console/runs?created_gte=ontem", { cookie });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Filtro inválido");

    // Production view: these are sandbox runs.
    const { csrf } = await page(cookie, "/console/runs");
    const live = (await consoleFetch("/console/environment", { cookie, form: { _csrf: csrf, env: "live" } })).headers.getSetCookie()[0].split(";")[0];
    expect((await page(live, "/console/runs")).html).not.toContain(review.id);
    expect((await consoleFetch(`/console/runs/${review.id}`, { cookie: live })).status).toBe(404);
  });

  it("times are shown in São Paulo time with the offset", async () => {
    const t = await consoleTenant();
    // A run still queued is listed from its D1 row, whose creation time the test sets.
    const run = await createHeldRun(t.key, pfBody(CLEAN));
    await env.DB.prepare("UPDATE runs SET created_at = ? WHERE id = ?").bind("2026-11-26T20:44:12.000Z", run.run_id).run();
    const cookie = await devLogin(t.analyst.id);
    const html = (await page(cookie, "/console/runs")).html;
    expect(html).toContain("26/11/2026 17:44 (UTC-03:00)");
    expect(html).not.toContain("20:44");
  });

  it("run detail: decisions, band, sources, findings by severity, report buttons and the case link; another tenant's run is 404", async () => {
    const { run, caseId, analyst } = await reviewCase();
    const cookie = await devLogin(analyst.id);
    const { html, csrf } = await page(cookie, `/console/runs/${run.id}`);
    expect(html).toContain("Revisão");
    expect(html).toContain("Alto");
    expect(html).toContain("Pessoa exposta politicamente");
    expect(html).toContain("Severidade");
    expect(html).toContain("Receita Federal — situação do CPF");
    expect(html).toContain(`href="/console/cases/${caseId}"`);
    expect(html).toContain("PDF resumido");

    const report = await post(cookie, `/console/runs/${run.id}/report`, { _csrf: csrf, mode: "resumido" });
    expect(report.status).toBe(303);
    const location = new URL(report.headers.get("location")!);
    expect(location.pathname).toBe(`/downloads/reports/${run.id}`);
    const pdf = await consoleFetch(`${location.pathname}${location.search}`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");

    const stranger = await consoleTenant();
    expect((await consoleFetch(`/console/runs/${run.id}`, { cookie: await devLogin(stranger.analyst.id) })).status).toBe(404);
  });
});

describe("cases pages", () => {
  it("queue tabs: open, mine, pending approval", async () => {
    const { caseId, analyst } = await reviewCase();
    const cookie = await devLogin(analyst.id);
    expect((await page(cookie, "/console/cases")).html).toContain(caseId);
    expect((await page(cookie, "/console/cases?fila=mine")).html).not.toContain(caseId);
    const { csrf } = await page(cookie, `/console/cases/${caseId}`);
    expect((await post(cookie, `/console/cases/${caseId}/assign`, { _csrf: csrf })).status).toBe(303);
    expect((await page(cookie, "/console/cases?fila=mine")).html).toContain(caseId);
    expect((await page(cookie, "/console/cases?fila=pending")).html).not.toContain(caseId);
  });

  it("four eyes in the browser: the analyst proposes a rejection, cannot approve it (403), the approver approves; timeline and final decision show", async () => {
    const { run, caseId, analyst, approver } = await reviewCase();
    const a = await devLogin(analyst.id);
    const detail = await page(a, `/console/cases/${caseId}`);
    // The candidate (the PEP record) beside the subject, with its own question.
    expect(detail.html).toContain("Candidatos lado a lado com o titular");
    expect(detail.html).toContain("Secretário Municipal");
    expect(detail.html).toContain('name="m0_resolution"');

    const short = await post(a, `/console/cases/${caseId}/resolve`, { _csrf: detail.csrf, outcome: "rejected", reason_code: "risk_accepted", note: "curta" });
    expect(short.status).toBe(400);
    expect(await short.text()).toContain("ao menos 10 caracteres");

    const proposed = await post(a, `/console/cases/${caseId}/resolve`, {
      _csrf: detail.csrf,
      outcome: "rejected",
      reason_code: "insufficient_information",
      note: "PEP sem documentação de origem dos recursos.",
      matches: "1",
      m0_source: "pep_coaf",
      m0_list: "",
      m0_entity: "",
      m0_resolution: "",
    });
    expect(proposed.status).toBe(303);
    expect(proposed.headers.get("location")).toBe(`/console/cases/${caseId}?ok=proposed`);
    const pending = (await page(a, `/console/cases/${caseId}?ok=proposed`)).html;
    expect(pending).toContain("Aguardando aprovação");
    expect(pending).toContain("Somente aprovadores podem aprovar");
    expect(pending).not.toContain(`action="/console/cases/${caseId}/approve"`);

    // The server checks the role, whatever the page shows.
    const refused = await post(a, `/console/cases/${caseId}/approve`, { _csrf: detail.csrf });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("não permite aprovar");

    const b = await devLogin(approver.id);
    const forApprover = await page(b, `/console/cases/${caseId}`);
    expect(forApprover.html).toContain(`action="/console/cases/${caseId}/approve"`);
    const approved = await post(b, `/console/cases/${caseId}/approve`, { _csrf: forApprover.csrf });
    expect(approved.status).toBe(303);
    const resolved = (await page(b, `/console/cases/${caseId}?ok=approved`)).html;
    expect(resolved).toContain("Proposta aprovada");
    expect(resolved).toContain("Reprovado");
    expect(resolved).toContain(`aprovado por ${approver.email}`);
    expect(resolved).toContain("Cadeia íntegra");
    for (const label of ["Caso aberto", "Resolução proposta", "Caso resolvido"]) expect(resolved).toContain(label);

    const runPage = (await page(b, `/console/runs/${run.id}`)).html;
    expect(runPage).toMatch(/Decisão final \(caso\)[\s\S]*Reprovado/);

    // Each event records the console and the signed-in user behind it.
    const origins = (await env.DB.prepare("SELECT type, via, key_id, user_id FROM case_events WHERE case_id = ? ORDER BY seq").bind(caseId).all()).results;
    expect(origins).toEqual([
      { type: "opened", via: "system", key_id: null, user_id: null },
      { type: "proposed", via: "console", key_id: null, user_id: analyst.id },
      { type: "resolved", via: "console", key_id: null, user_id: approver.id },
    ]);
  });

  it("the case page shows the record's verdict: a status edited in the database reads as not verified", async () => {
    const { caseId, analyst } = await reviewCase();
    const a = await devLogin(analyst.id);
    expect((await page(a, `/console/cases/${caseId}`)).html).toContain("Cadeia íntegra");
    await env.DB.prepare("UPDATE cases SET status = 'resolved' WHERE id = ?").bind(caseId).run();
    const html = (await page(a, `/console/cases/${caseId}`)).html;
    expect(html).not.toContain("Cadeia íntegra");
    expect(html).toContain("Registro do caso NÃO confere: a situação ou a resolução do caso não correspondem aos seus eventos");
  });

  it("a suspended tenant's console is read-only: pages open, case actions and reports are refused (403), logging out still works", async () => {
    const { caseId, run, analyst, tenant } = await reviewCase();
    const a = await devLogin(analyst.id);
    const { csrf } = await page(a, `/console/cases/${caseId}`);
    const { admin } = await import("./helpers/api");
    expect((await admin("PATCH", `/tenants/${tenant.id}`, { status: "suspended" })).status).toBe(200);

    expect((await page(a, `/console/cases/${caseId}`)).html).toContain(caseId);
    for (const [path, form] of [
      [`/console/cases/${caseId}/assign`, { _csrf: csrf }],
      [`/console/cases/${caseId}/resolve`, { _csrf: csrf, outcome: "approved", reason_code: "risk_accepted", note: "Diligência reforçada concluída." }],
      [`/console/runs/${run.id}/report`, { _csrf: csrf, mode: "resumido" }],
    ] as [string, Record<string, string>][]) {
      const res = await post(a, path, form);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain("Conta suspensa");
    }
    const row = await env.DB.prepare("SELECT status, assignee, version FROM cases WHERE id = ?").bind(caseId).first();
    expect(row).toEqual({ status: "open", assignee: null, version: 1 });
    expect((await post(a, "/console/logout", { _csrf: csrf })).status).toBe(303);
  });

  it("case forms without the session's CSRF token change nothing (403)", async () => {
    const { caseId, analyst, approver } = await reviewCase();
    const a = await devLogin(analyst.id);
    const { csrf: otherToken } = await page(await devLogin(approver.id), "/console/runs");
    const resolve = { outcome: "approved", reason_code: "risk_accepted", note: "Diligência reforçada concluída." };
    for (const [path, form] of [
      [`/console/cases/${caseId}/assign`, {}],
      [`/console/cases/${caseId}/resolve`, resolve],
      [`/console/cases/${caseId}/resolve`, { ...resolve, _csrf: otherToken }],
    ] as [string, Record<string, string>][]) {
      expect((await post(a, path, form)).status).toBe(403);
    }
    const row = await env.DB.prepare("SELECT status, assignee FROM cases WHERE id = ?").bind(caseId).first<{ status: string; assignee: string | null }>();
    expect(row).toEqual({ status: "open", assignee: null });
  });

  it("an approver cannot approve their own proposal (four eyes) and sees why", async () => {
    const { caseId, approver } = await reviewCase();
    const b = await devLogin(approver.id);
    const { csrf } = await page(b, `/console/cases/${caseId}`);
    await post(b, `/console/cases/${caseId}/resolve`, { _csrf: csrf, outcome: "rejected", reason_code: "other", note: "Reprovado por política interna." });
    const html = (await page(b, `/console/cases/${caseId}`)).html;
    expect(html).toContain("outra pessoa deve aprová-la");
    const res = await post(b, `/console/cases/${caseId}/approve`, { _csrf: csrf });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("quatro olhos");
  });

  it("an approval of a plain review case resolves at once", async () => {
    const { caseId, analyst } = await reviewCase();
    const a = await devLogin(analyst.id);
    const { csrf } = await page(a, `/console/cases/${caseId}`);
    const res = await post(a, `/console/cases/${caseId}/resolve`, { _csrf: csrf, outcome: "approved", reason_code: "risk_accepted", note: "PEP municipal, diligência reforçada feita." });
    expect(res.headers.get("location")).toBe(`/console/cases/${caseId}?ok=resolved`);
  });

  it("another tenant's case is 404", async () => {
    const { caseId } = await reviewCase();
    const stranger = await consoleTenant();
    expect((await consoleFetch(`/console/cases/${caseId}`, { cookie: await devLogin(stranger.analyst.id) })).status).toBe(404);
  });
});

describe("screening and lists", () => {
  it("with no list loaded, the search page says so and disables the search", async () => {
    const t = await consoleTenant();
    const html = (await page(await devLogin(t.analyst.id), "/console/screening")).html;
    expect(html).toContain("Lista não carregada");
    expect(html).toMatch(/<button type="submit" disabled/);
  });

  it("lists status for admins shows every list", async () => {
    const t = await consoleTenant();
    const html = (await page(await devLogin(t.admin.id), "/console/lists")).html;
    for (const id of ["ofac_sdn", "un_sc", "cgu_pep", "mte_empregadores"]) expect(html).toContain(id);
  });
});
