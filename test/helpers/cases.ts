// Helpers for the review-case suites: keys with the case scopes, runs that end
// `review` / `hold`, and the case API.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { admin, call, createAndFinish, createKey, createTenant } from "./api";

export const ALL_SCOPES = ["runs:write", "runs:read", "detail:read", "reports:write", "cases:read", "cases:write", "cases:approve"];

/** Sandbox documents of the standard PF template (reference/sandbox.md). */
export const CPF = {
  clean: "529.982.247-25",
  pep: "000.000.004-53", // pep_coaf INVALID (important) → review
  hold: "000.000.008-06", // a tier-1 source times out → hold
  ofac: "000.000.005-44", // ofac_sdn INVALID
  warrant: "000.000.003-72", // cnj_mandados_prisao INVALID
};

export const NOTE = "Conferido com documentos enviados pelo cliente.";

let tenantSeq = 0;

/**
 * A tenant with a key holding every case scope and three console users (an
 * email belongs to one tenant, so each tenant's are its own): an analyst, and
 * two approvers. Actors of case changes must be users of the tenant.
 */
export async function casesTenant(opts: { credits?: number } = {}) {
  const tenant = await createTenant(opts.credits ?? 1000);
  const n = `${Date.now().toString(36)}${(tenantSeq++).toString(36)}`;
  const users = { ana: `ana.${n}@cliente.com.br`, bruno: `bruno.${n}@cliente.com.br`, carla: `carla.${n}@cliente.com.br` };
  for (const [email, role] of [
    [users.ana, "analyst"],
    [users.bruno, "approver"],
    [users.carla, "approver"],
  ] as const) {
    const res = await admin("POST", `/tenants/${tenant.id}/users`, { email, role });
    expect(res.status).toBe(201);
  }
  return { tenant, key: await createKey(tenant.id, "test", ALL_SCOPES), ...users };
}

export const pf = (cpf: string, template = "tpl_pf_padrao") => ({ template_id: template, parametros: { cpf } });

/** Runs a PF body to its end and returns the run body (GET /runs/{id}). */
export const finishPf = (key: string, cpf: string, template?: string) => createAndFinish(key, pf(cpf, template));

export async function getCase(key: string, id: string) {
  const res = await call("GET", `/api/v1/bureau/cases/${id}`, { key });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as Record<string, any>;
}

export async function caseAction(key: string, id: string, action: "assign" | "resolve" | "approve" | "return", body: unknown) {
  return call("POST", `/api/v1/bureau/cases/${id}/${action}`, { key, body });
}

export async function caseActionOk(key: string, id: string, action: "assign" | "resolve" | "approve" | "return", body: unknown) {
  const res = await caseAction(key, id, action, body);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as Record<string, any>;
}

/** A tenant template whose sanctions sources only send to review (so a sanctions hit opens a case instead of rejecting). */
export async function sanctionsReviewTemplate(tenantId: string): Promise<string> {
  const res = await admin("POST", "/templates", {
    tenant_id: tenantId,
    name: "Triagem com revisão de sanções",
    subject_type: "pf",
    parametros_schema: {
      type: "object",
      properties: { cpf: { type: "string", minLength: 1, maxLength: 32 } },
      required: ["cpf"],
      additionalProperties: false,
    },
    sources: [
      { source: "receita_federal_cpf", phase: "critical", on_hit: "block" },
      { source: "ofac_sdn", phase: "important", on_hit: "review" },
      { source: "pep_coaf", phase: "important", on_hit: "review" },
    ],
  });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  const tpl = JSON.parse(text) as { id: string };
  expect((await admin("POST", `/templates/${tpl.id}/publish`)).status).toBe(200);
  return tpl.id;
}

export const caseRows = async (runId: string) =>
  (await env.DB.prepare("SELECT * FROM cases WHERE run_id = ?").bind(runId).all<Record<string, any>>()).results;

export const eventRows = async (caseId: string) =>
  (await env.DB.prepare("SELECT * FROM case_events WHERE case_id = ? ORDER BY seq").bind(caseId).all<Record<string, any>>()).results;
