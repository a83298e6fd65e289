// The templates a tenant can run (contract §19): its own and the global ones,
// each at its newest published version — what POST /runs takes as
// `template_id` and validates `parametros` against. Read from the request's
// replica; another tenant's template is indistinguishable from none.
import { findPublishedRowForTenant, listPublishedForTenant, snapshotOf, type TemplateRow } from "../db/queries/templates";
import { partnerRunsView } from "../domain/partners";
import { DomainError } from "../domain/errors";
import { keysetPage, positionAfter } from "../lib/cursor";
import type { Services } from "./service";

/** A template as a tenant sees it: what a run needs, not the operator's weights and thresholds. */
export function publicTemplateView(row: TemplateRow) {
  const t = snapshotOf(row);
  return {
    id: t.id,
    object: "template" as const,
    name: t.name,
    subject_type: t.subject_type,
    version: t.version,
    parametros_schema: t.parametros_schema,
    sources: t.sources.map((s) => ({ source: s.source, phase: s.phase, on_hit: s.on_hit, tier: s.tier })),
    partner_runs: partnerRunsView(t.partner_runs),
    global: t.tenant_id === null,
    published_at: row.publishedAt ?? row.createdAt,
  };
}

export async function listTenantTemplates(s: Services, q: { limit: number; cursor?: string }) {
  const after = await positionAfter(s.env.SERVER_SECRET, s.auth, q.cursor);
  const rows = await listPublishedForTenant(s.db, { tenantId: s.auth.tenantId, limit: q.limit, after });
  return keysetPage(s.env.SERVER_SECRET, s.auth, rows, q.limit, (r) => ({ createdAt: r.publishedAt ?? r.createdAt, id: r.id }), publicTemplateView);
}

export async function getTenantTemplate(s: Services, id: string) {
  const row = await findPublishedRowForTenant(s.db, id, s.auth.tenantId);
  if (!row) throw new DomainError("no_such_template", undefined, "id");
  return publicTemplateView(row);
}
