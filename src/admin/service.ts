// Admin plane use cases: tenants, API keys, templates.
import type { Db } from "../db/client";
import { forgetTemplate } from "../cache/templates";
import { findApiKeyById, getTenant, insertApiKey, insertTenant, revokeApiKey, updateTenant, type TenantRow } from "../db/queries/tenants";
import {
  insertTemplateVersion,
  listTemplates,
  publishDraft,
  replaceDraft,
  snapshotOf,
  templateVersions,
  type TemplateRow,
} from "../db/queries/templates";
import { partnerRunsView } from "../domain/partners";
import { templateProblems } from "../domain/template-rules";
import type { PartnerRunsConfig, RiskThresholds, SubjectType, TemplateSnapshot, TemplateSource } from "../domain/types";
import { DomainError } from "../domain/errors";
import { DEFAULT_SCOPES, generateApiKey, hashApiKey, type Environment, type Scope } from "../lib/api-keys";
import { newId } from "../lib/ids";
import { SOURCE_CATALOG } from "../sources/catalog";
import { PHASE_WEIGHT } from "../domain/standard-templates";
import { DEFAULT_CASE_SLA_HOURS } from "../domain/cases";
import { DEFAULT_RETENTION_DAYS } from "../domain/monitoring";

export const tenantView = (t: TenantRow) => ({
  id: t.id,
  object: "tenant" as const,
  name: t.name,
  slug: t.slug,
  status: t.status,
  credits: t.credits,
  case_sla_hours: t.caseSlaHours,
  monitoring_retention_days: t.monitoringRetentionDays,
  created_at: t.createdAt,
});

export async function createTenant(db: Db, input: { name: string; slug: string; credits: number }, now: Date) {
  const at = now.toISOString();
  const row: TenantRow = {
    id: newId("ten", now.getTime()),
    ...input,
    status: "active",
    caseSlaHours: DEFAULT_CASE_SLA_HOURS,
    monitoringRetentionDays: DEFAULT_RETENTION_DAYS,
    createdAt: at,
    updatedAt: at,
  };
  if (!(await insertTenant(db, row))) throw new DomainError("tenant_slug_taken", `Já existe um tenant com o slug '${input.slug}'.`, "slug");
  return tenantView(row);
}

export async function requireTenant(db: Db, id: string): Promise<TenantRow> {
  const t = await getTenant(db, id);
  if (!t) throw new DomainError("tenant_not_found", undefined, "id");
  return t;
}

/**
 * `credits` sets the balance (absolute: reservations made since the operator
 * read it are overwritten); `credits_delta` adds to it in the same UPDATE that
 * checks the result stays at or above zero, so concurrent reservations survive.
 */
export async function patchTenant(
  db: Db,
  id: string,
  patch: { status?: "active" | "suspended"; credits?: number; credits_delta?: number; case_sla_hours?: number; monitoring_retention_days?: number },
  now: Date,
) {
  const t = await updateTenant(
    db,
    id,
    {
      status: patch.status,
      credits: patch.credits,
      creditsDelta: patch.credits_delta,
      caseSlaHours: patch.case_sla_hours,
      monitoringRetentionDays: patch.monitoring_retention_days,
    },
    now.toISOString(),
  );
  if (t) return tenantView(t);
  const existing = await requireTenant(db, id);
  throw new DomainError(
    "credits_below_zero",
    `credits_delta ${patch.credits_delta} deixaria o saldo abaixo de zero (saldo atual: ${existing.credits}).`,
    "credits_delta",
  );
}

export async function createApiKey(
  db: Db,
  serverSecret: string,
  tenantId: string,
  input: { name: string; environment: Environment; scopes?: Scope[]; rate_limit_per_minute?: number },
  now: Date,
) {
  await requireTenant(db, tenantId);
  const key = generateApiKey(input.environment);
  const scopes = [...new Set(input.scopes ?? DEFAULT_SCOPES)];
  const row = {
    id: newId("key", now.getTime()),
    tenantId,
    name: input.name,
    environment: input.environment,
    scopes: JSON.stringify(scopes),
    keyHash: await hashApiKey(serverSecret, key),
    keyPrefix: key.slice(0, 12),
    rateLimitPerMinute: input.rate_limit_per_minute ?? null,
    createdAt: now.toISOString(),
    revokedAt: null,
  };
  await insertApiKey(db, row);
  return {
    id: row.id,
    object: "api_key" as const,
    key, // shown only here
    name: row.name,
    environment: row.environment,
    scopes,
    tenant_id: tenantId,
    rate_limit_per_minute: row.rateLimitPerMinute,
    created_at: row.createdAt,
  };
}

export async function revokeKey(env: Env, db: Db, id: string, now: Date) {
  if (!(await findApiKeyById(db, id))) throw new DomainError("api_key_not_found", undefined, "id");
  // Keys are served from per-location caches (src/cache/api-keys.ts); the key's
  // limiter object, on the path of every request of the key, refuses it from now
  // on in every location. Told first: if D1 fails below, the key is refused all
  // the same and a retried DELETE completes the row.
  await env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(id)).revoke();
  const row = await revokeApiKey(db, id, now.toISOString());
  if (!row) throw new DomainError("api_key_not_found", undefined, "id");
  return { id: row.id, object: "api_key" as const, revoked_at: row.revokedAt };
}

// ---- templates -------------------------------------------------------------

export const templateView = (row: TemplateRow) => {
  const snap = snapshotOf(row);
  return {
    id: row.id,
    object: "template" as const,
    version: row.version,
    status: row.status,
    name: row.name,
    tenant_id: row.tenantId,
    subject_type: row.subjectType,
    parametros_schema: snap.parametros_schema,
    sources: snap.sources,
    partner_runs: partnerRunsView(snap.partner_runs),
    thresholds: snap.thresholds,
    created_at: row.createdAt,
    published_at: row.publishedAt,
  };
};

/** A template as the admin plane defines it (src/http/schemas/admin.ts validates it); optional per-source fields come from the catalogue. */
export interface TemplateDefinition {
  tenant_id: string | null;
  name: string;
  subject_type: SubjectType;
  parametros_schema: Record<string, unknown>;
  sources: { source: string; phase: TemplateSource["phase"]; on_hit: TemplateSource["on_hit"]; tier?: TemplateSource["tier"]; weight?: number; timeout_ms?: number }[];
  partner_runs: PartnerRunsConfig | null;
  thresholds: RiskThresholds;
}

/** Fills the optional per-source fields from the catalogue. */
function toSnapshot(id: string, version: number, def: TemplateDefinition): TemplateSnapshot {
  const sources: TemplateSource[] = def.sources.map((s) => {
    const cat = SOURCE_CATALOG[s.source as keyof typeof SOURCE_CATALOG];
    return {
      source: cat.key,
      phase: s.phase,
      on_hit: s.on_hit,
      tier: s.tier ?? cat.tier,
      weight: s.weight ?? PHASE_WEIGHT[s.phase],
      timeout_ms: s.timeout_ms ?? cat.defaultTimeoutMs,
    };
  });
  return {
    id,
    version,
    name: def.name,
    tenant_id: def.tenant_id,
    subject_type: def.subject_type,
    parametros_schema: def.parametros_schema,
    sources,
    partner_runs: def.partner_runs,
    thresholds: def.thresholds,
  };
}

async function checkDefinition(db: Db, snap: TemplateSnapshot) {
  if (snap.tenant_id) await requireTenant(db, snap.tenant_id);
  const problems = templateProblems(snap);
  if (problems.length > 0) {
    throw new DomainError(
      "invalid_request",
      problems.map((p) => `${p.name}: ${p.reason}`).join("; "),
      problems[0].name,
      problems,
    );
  }
}

export const listAllTemplates = async (db: Db) => ({ object: "list" as const, data: (await listTemplates(db)).map(templateView) });

/** A new draft version row of a template snapshot. */
const draftRow = (snap: TemplateSnapshot, now: Date): TemplateRow => ({
  id: snap.id,
  version: snap.version,
  tenantId: snap.tenant_id,
  name: snap.name,
  subjectType: snap.subject_type,
  status: "draft",
  snapshot: JSON.stringify(snap),
  createdAt: now.toISOString(),
  publishedAt: null,
});

export async function createTemplate(db: Db, def: TemplateDefinition, now: Date) {
  const snap = toSnapshot(newId("tpl", now.getTime()), 1, def);
  await checkDefinition(db, snap);
  const row = draftRow(snap, now);
  await insertTemplateVersion(db, row);
  return templateView(row);
}

/**
 * A change to a template: replaces the open draft, or opens draft n+1 when the
 * newest version is published. Published versions are never touched.
 */
export async function createTemplateVersion(db: Db, id: string, def: TemplateDefinition, now: Date) {
  const versions = await templateVersions(db, id);
  if (versions.length === 0) throw new DomainError("template_not_found_admin", undefined, "id");
  const latest = versions[0];
  if (latest.tenantId !== def.tenant_id) {
    throw new DomainError("invalid_request", "tenant_id de um template não pode mudar entre versões.", "tenant_id");
  }
  // Callers send cpf or cnpj by the template's subject type: a new version cannot switch it.
  if (latest.subjectType !== def.subject_type) {
    throw new DomainError("invalid_request", "subject_type de um template não pode mudar entre versões.", "subject_type");
  }
  const version = latest.status === "draft" ? latest.version : latest.version + 1;
  const snap = toSnapshot(id, version, def);
  await checkDefinition(db, snap);
  if (latest.status === "draft") await replaceDraft(db, id, version, snap, def.name);
  else await insertTemplateVersion(db, draftRow(snap, now));
  const [row] = await templateVersions(db, id);
  return templateView(row);
}

export async function publishTemplate(env: Env, db: Db, id: string, now: Date) {
  const versions = await templateVersions(db, id);
  if (versions.length === 0) throw new DomainError("template_not_found_admin", undefined, "id");
  const draft = versions.find((v) => v.status === "draft");
  if (!draft) throw new DomainError("template_not_draft", undefined, "id");
  const published = await publishDraft(db, id, draft.version, now.toISOString());
  if (!published) throw new DomainError("template_not_draft", undefined, "id");
  // Runs read templates from a per-location cache: this location takes the new
  // version from the next request, the others within TEMPLATE_TTL_S.
  await forgetTemplate(env, id);
  return templateView(published);
}
