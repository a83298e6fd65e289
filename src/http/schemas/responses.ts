// Response schemas (contract §2–§13). They document what the views build
// (runs/views.ts, runs/service.ts, admin/service.ts, reports/service.ts,
// webhooks/*): the OpenAPI document's components come from here, and
// test/openapi.test.ts validates real responses against them, so a view that
// drifts from its schema fails a test. Every schema registered in
// `responseComponents` becomes `#/components/schemas/<id>`.
import { z } from "zod";
import { DIMENSIONS } from "../../domain/analysis";
import { WEBHOOK_EVENT_TYPES } from "../../domain/webhook-events";
import { SCOPES } from "../../lib/api-keys";
import { SOURCE_KEYS } from "../../sources/catalog";
import { LIST_IDS, type ListId } from "../../screening/types";
import { DEFAULT_THRESHOLD } from "../../screening/match/strength";
import { ERROR_CODES, type ErrorType } from "../errors";
import { REPORT_MODES } from "./reports";
import { RUN_STATUSES } from "./runs";

/** Every response component, in declaration order (openapi/generate.ts lists them all). */
export const responseComponents: z.ZodType[] = [];
/** A schema that becomes `#/components/schemas/<id>` wherever a route uses it (zod's `id` metadata). */
export function component<T extends z.ZodType>(id: string, schema: T, description: string): T {
  const described = schema.meta({ id, description }) as T;
  responseComponents.push(described);
  return described;
}

/**
 * A component or null: `anyOf: [$ref, null]` in the document. (`.nullable()` on a
 * component makes zod-to-openapi emit `allOf: [$ref, {type: [..., "null"]}]`,
 * which no null satisfies.)
 */
const orNull = <T extends z.ZodType>(schema: T) => z.union([schema, z.null()]);

const timestamp = z.iso.datetime().meta({ description: "ISO 8601 UTC with milliseconds." });
const nullableTimestamp = timestamp.nullable();

/** A page of a newest-first list (runs, templates, events, webhook endpoints…). */
export const listPage = <T extends z.ZodType>(item: T) =>
  z.object({
    object: z.literal("list"),
    data: z.array(item),
    has_more: z.boolean(),
    next_cursor: z.string().optional().meta({ description: "Only when has_more; pass it as `cursor`." }),
    livemode: z.boolean(),
  });

// ---- vocabulary ----------------------------------------------------------------

export const RunStatus = component("RunStatus", z.enum(RUN_STATUSES), "Run status: `queued` → `running` → (`em_analise`, waiting for partner runs) → a terminal one: `completed` (every source answered, or a critical block stopped the run), `partial` (a decision, but a source ended in ERROR), `failed` (no decision possible), `cancelado`. A terminal run never changes.");
const PendingStatus = z.enum(["queued", "running", "em_analise"]);
export const Decision = component("Decision", z.enum(["approved", "rejected", "review"]), "Decision from the template's rules.");
export const OperativeDecision = component(
  "OperativeDecision",
  z.enum(["approved", "rejected", "review", "hold"]),
  "`hold` when a tier-1 source ended in ERROR (its data is missing); otherwise equal to `decision`.",
);
export const RiskBand = component("RiskBand", z.enum(["baixo", "medio", "alto"]), "Risk band from the weighted findings score.");
export const SourceKey = component("SourceKey", z.enum(SOURCE_KEYS as [string, ...string[]]), "A data source of the catalogue.");
const Phase = z.enum(["critical", "important", "additional"]);
const OnHit = z.enum(["block", "review", "info"]);
const SourceStatus = z.enum(["VALID", "INVALID", "NO_DATA", "ERROR"]);
const CheckStatus = z.enum(["VALID", "INVALID"]);
const SubjectType = z.enum(["pf", "pj"]);
const Metadata = z.record(z.string(), z.string()).meta({ description: "Up to 10 keys of your own, echoed back." });
const TemplateRef = z.object({ id: z.string(), version: z.number().int() });

// ---- errors --------------------------------------------------------------------

const ERROR_TYPES = [
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "billing_error",
  "idempotency_error",
  "rate_limit_error",
  "not_found_error",
  "api_error",
] as const satisfies readonly ErrorType[];

export const ErrorEnvelope = component(
  "Error",
  z.object({
    error: z.object({
      type: z.enum(ERROR_TYPES),
      code: z.enum(Object.keys(ERROR_CODES) as [string, ...string[]]).meta({ description: "Stable, machine-readable; see each response's list." }),
      message: z.string().meta({ description: "pt-BR, for people; may change." }),
      param: z.string().optional().meta({ description: "The field, parameter or header at fault." }),
      invalid_params: z
        .array(z.object({ name: z.string(), reason: z.string() }))
        .optional()
        .meta({ description: "Every problem found (invalid_parametros and body validation errors)." }),
      request_id: z.string().meta({ description: "Same as the X-Request-Id header." }),
    }),
  }),
  "The one error envelope of every error answer.",
);

// ---- runs ----------------------------------------------------------------------

export const RunAccepted = component(
  "RunAccepted",
  z.object({
    run_id: z.string(),
    object: z.literal("bureau_run"),
    status: RunStatus,
    estimated_seconds: z.number().int().min(1),
    livemode: z.boolean(),
    external_id: z.string().nullable(),
    metadata: Metadata,
    webhook_url: z.string().nullable().meta({ description: "The `webhook_url` given, echoed; null when none." }),
    template: TemplateRef,
    created_at: timestamp,
  }),
  "202 of POST /runs, also for an idempotent replay (with `Idempotent-Replayed: true`); `status` is the run's current status.",
);

export const RunPending = component(
  "RunPending",
  z.object({
    id: z.string(),
    object: z.literal("bureau_run"),
    status: PendingStatus,
    retry_after_seconds: z.number().int().min(1),
    created_at: timestamp,
    livemode: z.boolean(),
    external_id: z.string().nullable(),
    metadata: Metadata,
    webhook_url: z.string().nullable(),
  }),
  "A run that is not terminal yet (202, with the same value in `Retry-After`).",
);

const PublicSource = z.object({
  source: SourceKey,
  phase: Phase,
  status: SourceStatus,
  checks: z.record(z.string(), CheckStatus),
  duration_ms: z.number(),
  attempts: z.number().int(),
  reason: z.string().optional().meta({ description: "Why the source ended in ERROR." }),
});

const TriggeredRule = z.object({
  source: z.union([SourceKey, z.literal("partner_runs")]),
  on_hit: OnHit,
  effect: z.enum(["block", "review", "info", "hold"]),
  check: z.string().optional(),
});

const PartnerRun = z.object({
  run_id: z.string().nullable().meta({ description: "The partner's own run; null for a partner screened on the lists (`screened_by: lists`)." }),
  screened_by: z.enum(["run", "lists"]).meta({
    description:
      "`run`: a partner run by CPF. `lists`: a person the source gives only a masked CPF for (live runs), screened by the company's run on the lists that back the partner template's list-backed sources — by name, the six visible CPF digits and the birth years of the age band.",
  }),
  name: z.string(),
  document: z.string().meta({ description: "Masked." }),
  qualificacao: z.string(),
  status: RunStatus,
  decision: orNull(Decision),
  operative_decision: orNull(OperativeDecision),
  risk_band: orNull(RiskBand),
  reason: z.string().optional().meta({ description: "Why the partner was left unscreened or its screening is incomplete (its company is then on hold)." }),
  sources: z
    .array(z.object({ source: SourceKey, status: SourceStatus, possible_match: z.boolean().optional(), reason: z.string().optional() }))
    .optional()
    .meta({ description: "`lists` only: each list-backed source of the partner template as the lists answered." }),
  lists: z
    .array(z.record(z.string(), z.unknown()))
    .optional()
    .meta({ description: "`lists` only: the list versions searched (`id`, `sha256`, `fetched_at`)." }),
  matches: z
    .array(z.record(z.string(), z.unknown()))
    .optional()
    .meta({ description: "`lists` only: the listed records found (at most 5), as the list sources' data shows them (`lista`, `nome`, `correspondencia`, `explicacao` …) with the source (`fonte`)." }),
  cleared: z
    .array(z.record(z.string(), z.unknown()))
    .optional()
    .meta({ description: "`lists` only: homonyms the evidence ruled out (at most 5: `lista`, `entity_id`, `nome_correspondente`, `motivo`, `detalhe`, `fonte`)." }),
  checks_not_run: z
    .array(SourceKey)
    .optional()
    .meta({ description: "`lists` only: the partner template's sources that need the full CPF, not run for this partner." }),
});

const UnscreenedPartner = z.object({
  name: z.string(),
  document: z.string().meta({ description: "Masked CPF, or the document as the registry gave it." }),
  qualificacao: z.string(),
  reason_code: z.enum(["pessoa_juridica", "estrangeiro", "cpf_indisponivel", "limite_de_socios"]),
  reason: z.string(),
});

const runFields = {
  id: z.string(),
  object: z.literal("bureau_run"),
  status: RunStatus,
  decision: orNull(Decision),
  operative_decision: orNull(OperativeDecision),
  risk_band: orNull(RiskBand),
  subject: z.object({ type: SubjectType, document: z.string().meta({ description: "Masked (***.000.001-**)." }) }),
  skipped_sources: z.array(SourceKey).meta({ description: "Sources never called because a critical block stopped the run." }),
  triggered_rules: z.array(TriggeredRule),
  partner_runs: z.array(PartnerRun).meta({ description: "QSA partner runs of a PJ run." }),
  unscreened_partners: z
    .array(UnscreenedPartner)
    .meta({ description: "QSA entries that got no partner run nor list screening (company partners, foreign partners without CPF, masked CPFs in sandbox runs, partners over the template's cap); each is also a finding." }),
  parent_run_id: z.string().nullable(),
  credits_used: z.number().int(),
  external_id: z.string().nullable(),
  flags: z.object({ external_id: z.string().optional() }),
  metadata: Metadata,
  created_at: timestamp,
  started_at: nullableTimestamp,
  completed_at: nullableTimestamp,
  failed_at: nullableTimestamp.meta({ description: "When a `failed` run failed (its completion time, as the `run.failed` event says); null for any other status." }),
  webhook_url: z.string().nullable().meta({ description: "The `webhook_url` given at creation (this run's events go there only); null when none." }),
  livemode: z.boolean(),
  case_id: z.string().nullable().meta({ description: "The review case a `review` / `hold` run opened; null when none." }),
  final_decision: z
    .enum(["approved", "rejected"])
    .nullable()
    .meta({ description: "The case's resolution once resolved; `decision` (computed) never changes." }),
};

export const Run = component(
  "Run",
  z.object({
    ...runFields,
    template: z.object({ id: z.string(), version: z.number().int(), name: z.string() }),
    sources: z.array(PublicSource),
  }),
  "A terminal run. Immutable once terminal (but for `final_decision`, its case's resolution).",
);

export const RunSummary = component(
  "RunSummary",
  z.object({
    ...runFields,
    template: z.object({ id: z.string(), version: z.number().int(), name: z.string().optional() }),
  }),
  "A run in a list: the run object without `sources` (runs still executing have null decision fields).",
);

export const RunList = component("RunList", listPage(RunSummary), "A page of runs, newest first.");

const Severity = z.enum(["info", "baixo", "medio", "alto", "critico"]);

export const Analysis = component(
  "Analysis",
  z.object({
    object: z.literal("bureau_run_analysis"),
    meta: z.object({
      run_id: z.string(),
      generated_at: timestamp.meta({ description: "The run's completion time: the same run gives byte-identical JSON." }),
      analysis_version: z.string(),
      template: TemplateRef,
      livemode: z.boolean(),
    }),
    external_id: z.string().nullable(),
    metadata: Metadata,
    analysis: z.object({
      decision: orNull(Decision),
      operative_decision: orNull(OperativeDecision),
      risk_band: orNull(RiskBand),
      score: z.number().min(0).max(100),
      dimensions: z.array(
        z.object({
          dimension: z.enum(DIMENSIONS as [string, ...string[]]),
          risk_band: RiskBand,
          score: z.number(),
          sources: z.array(SourceKey),
          findings_count: z.number().int(),
        }),
      ),
      findings: z.array(
        z.object({
          id: z.string(),
          source: z.union([SourceKey, z.literal("partner_runs")]),
          check: z.string(),
          severity: Severity,
          weight: z.number(),
          title: z.string(),
          description: z.string().meta({ description: "pt-BR." }),
          evidence: z.record(z.string(), z.unknown()),
        }),
      ),
      subject_profile: z.discriminatedUnion("type", [
        z.object({
          type: z.literal("pf"),
          nome: z.string().nullable(),
          data_nascimento: z.string().nullable(),
          situacao_cadastral: z.string().nullable(),
          obito: z.boolean().nullable(),
        }),
        z.object({
          type: z.literal("pj"),
          razao_social: z.string().nullable(),
          nome_fantasia: z.string().nullable(),
          situacao_cadastral: z.string().nullable(),
          data_abertura: z.string().nullable(),
          cnae_principal: z.string().nullable(),
          qsa: z.array(z.object({ nome: z.string(), documento: z.string(), qualificacao: z.string(), run_id: z.string().nullable() })),
        }),
      ]),
      incomplete_sources: z.array(z.object({ source: SourceKey, reason: z.string() })),
    }),
  }),
  "Deterministic analysis of a terminal run: the same run gives byte-identical JSON on every call.",
);

export const RunDetail = component(
  "RunDetail",
  z.object({
    object: z.literal("bureau_run_detail"),
    run_id: z.string(),
    status: RunStatus,
    sources: z.array(
      z.object({
        source: SourceKey,
        phase: Phase,
        status: SourceStatus,
        checks: z.record(z.string(), CheckStatus),
        reason: z.string().nullable(),
        attempts: z.number().int(),
        duration_ms: z.number(),
        started_at: timestamp,
        completed_at: timestamp,
        data: z.record(z.string(), z.unknown()).nullable().meta({ description: "Normalised data the source returned." }),
        raw: z.string().nullable().meta({ description: "The payload as received, size-capped." }),
      }),
    ),
    calls: z
      .array(
        z.object({
          source: z.string(),
          attempt: z.number().int(),
          at: timestamp,
          partner: z.string().optional().meta({ description: "A list search for a partner known only by a masked CPF: that partner's masked CPF." }),
        }),
      )
      .meta({
        description: "Every adapter call, in order (who was called, when, which attempt): the run's own sources, then the list searches of its partners screened on the lists.",
      }),
    key_id: z.string().nullable().meta({
      description: "The API key (`key_…`) that created the run, for the audit trail; a partner run carries its company's. Null for runs created before it was recorded.",
    }),
    external_id: z.string().nullable(),
    metadata: Metadata,
    livemode: z.boolean(),
  }),
  "Raw per-source payloads, timings and attempts (scope detail:read).",
);

// ---- reports -------------------------------------------------------------------

export const ReportUrl = component(
  "ReportUrl",
  z.object({
    object: z.literal("report_url"),
    run_id: z.string(),
    mode: z.enum(REPORT_MODES),
    url: z.string().meta({ description: "The signed download URL of this API: GET it (no API key) for the PDF, identical bytes every time." }),
    expires_at: timestamp.meta({ description: "One hour after it was signed; later → 410 url_expired (ask for a new one)." }),
  }),
  "A signed download URL of a report (GET /runs/{id}/report?format=json).",
);

export const Report = component(
  "Report",
  z.object({
    object: z.literal("bureau_report"),
    run_id: z.string(),
    mode: z.enum(REPORT_MODES),
    pages: z.number().int(),
    bytes: z.number().int(),
    sha256: z.string(),
    created_at: timestamp,
  }),
  "A generated PDF report, stored once per (run, mode).",
);

// ---- templates a tenant can run (contract §19) -------------------------------------

export const PublicTemplate = component(
  "PublicTemplate",
  z.object({
    id: z.string().meta({ description: "What POST /runs takes as `template_id`." }),
    object: z.literal("template"),
    name: z.string(),
    subject_type: SubjectType.meta({ description: "`pf`: `parametros.cpf` (or `subject.type: pf`); `pj`: `parametros.cnpj`." }),
    version: z.number().int().meta({ description: "The newest published version: the one a new run uses." }),
    parametros_schema: z.record(z.string(), z.unknown()).meta({ description: "JSON Schema (2020-12) that `parametros` is validated against. A `format: date` field also takes DD/MM/AAAA." }),
    sources: z
      .array(z.object({ source: SourceKey, phase: Phase, on_hit: OnHit, tier: z.number().int().min(1).max(3) }))
      .meta({ description: "The data sources a run queries, in order: `critical` ones one at a time (an INVALID with `on_hit: block` stops the run), then `important` and `additional` together." }),
    partner_runs: z
      .object({ template_id: z.string(), max_partners: z.number().int(), require_full_cpf: z.boolean() })
      .nullable()
      .meta({
        description:
          "A company template: the template each PF partner of the QSA is run with, and how many at most. A partner known only by a masked CPF is screened on the lists instead; `require_full_cpf: true` puts the company on hold for the checks that need the full CPF.",
      }),
    global: z.boolean().meta({ description: "true: a standard template every tenant can run; false: your own." }),
    published_at: timestamp,
  }),
  "A template your key can run: its parameters' schema and the sources it queries.",
);

export const PublicTemplateList = component("PublicTemplateList", listPage(PublicTemplate), "The templates you can run, newest publication first.");

// ---- admin plane ---------------------------------------------------------------

export const Tenant = component(
  "Tenant",
  z.object({
    id: z.string(),
    object: z.literal("tenant"),
    name: z.string(),
    slug: z.string(),
    status: z.enum(["active", "suspended"]),
    credits: z.number().int(),
    case_sla_hours: z.number().int().meta({ description: "Review-case SLA in hours; default 48." }),
    monitoring_retention_days: z.number().int().meta({ description: "Days a stopped monitored subject's personal data is kept before it is erased; default 30." }),
    created_at: timestamp,
  }),
  "A customer account.",
);

export const ApiKeyCreated = component(
  "ApiKey",
  z.object({
    id: z.string(),
    object: z.literal("api_key"),
    key: z.string().meta({ description: "Shown only in this response; stored as a keyed hash." }),
    name: z.string(),
    environment: z.enum(["live", "test"]),
    scopes: z.array(z.enum(SCOPES)),
    tenant_id: z.string(),
    rate_limit_per_minute: z.number().int().nullable().meta({ description: "null: the configured default (RATE_LIMIT_PER_MINUTE)." }),
    created_at: timestamp,
  }),
  "A new API key.",
);

export const ApiKeyRevoked = component(
  "ApiKeyRevoked",
  z.object({ id: z.string(), object: z.literal("api_key"), revoked_at: timestamp }),
  "A revoked key: it stopped working at once.",
);

export const Template = component(
  "Template",
  z.object({
    id: z.string(),
    object: z.literal("template"),
    version: z.number().int(),
    status: z.enum(["draft", "published", "archived"]),
    name: z.string(),
    tenant_id: z.string().nullable(),
    subject_type: SubjectType,
    parametros_schema: z.record(z.string(), z.unknown()),
    sources: z.array(
      z.object({
        source: SourceKey,
        phase: Phase,
        on_hit: OnHit,
        tier: z.number().int().min(1).max(3),
        weight: z.number(),
        timeout_ms: z.number().int(),
      }),
    ),
    partner_runs: z.object({ template_id: z.string(), max_partners: z.number().int(), require_full_cpf: z.boolean() }).nullable(),
    thresholds: z.object({ medio: z.number(), alto: z.number() }),
    created_at: timestamp,
    published_at: nullableTimestamp,
  }),
  "A template version.",
);

export const TemplateList = component(
  "TemplateList",
  z.object({ object: z.literal("list"), data: z.array(Template) }),
  "Every template version.",
);

const webhookEndpointFields = {
  id: z.string(),
  object: z.literal("webhook_endpoint"),
  tenant_id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  environment: z.enum(["live", "test"]),
  livemode: z.boolean(),
  status: z.string().meta({ description: "active, or disabled (deleted, or the endpoint answered 410)." }),
  created_at: timestamp,
  disabled_at: nullableTimestamp,
  disabled_reason: z.string().nullable(),
};

export const WebhookEndpoint = component("WebhookEndpoint", z.object(webhookEndpointFields), "A tenant's webhook endpoint (never its secret).");

export const WebhookEndpointCreated = component(
  "WebhookEndpointCreated",
  z.object({ ...webhookEndpointFields, secret: z.string().meta({ description: "whsec_…, shown only in this response." }) }),
  "A new webhook endpoint with its signing secret.",
);

export const WebhookEndpointDeleted = component(
  "WebhookEndpointDeleted",
  z.object({ ...webhookEndpointFields, deleted: z.literal(true) }),
  "The endpoint is disabled: no new event targets it and pending retries stop.",
);

export const WebhookEndpointPage = component(
  "WebhookEndpointPage",
  listPage(WebhookEndpoint),
  "A page of the endpoints of your key's environment, newest first (never their secrets).",
);

export const WebhookEndpointList = component(
  "WebhookEndpointList",
  z.object({ object: z.literal("list"), data: z.array(WebhookEndpoint) }),
  "A tenant's webhook endpoints.",
);

export const WebhookOverrideSecret = component(
  "WebhookOverrideSecret",
  z.object({
    object: z.literal("webhook_override_secret"),
    tenant_id: z.string(),
    environment: z.enum(["live", "test"]),
    secret: z.string(),
  }),
  "The secret that signs deliveries to per-run `webhook_url` overrides of this tenant and environment.",
);

// ---- screening (contract §14) ---------------------------------------------------

const ListIdEnum = z.enum(LIST_IDS as [ListId, ...ListId[]]);

export const ScreeningResult = component(
  "ScreeningResult",
  z.object({
    object: z.literal("screening_result"),
    query: z.object({
      name: z.string().nullable().meta({ description: "null for a search by document alone." }),
      type: z.enum(["pf", "pj"]).nullable(),
      birth_date: z.string().nullable(),
      nationality: z.string().nullable(),
      gender: z.enum(["M", "F"]).nullable(),
      document: z.string().nullable().meta({ description: "CPF masked (***.456.789-**), CNPJ formatted." }),
      lists: z.array(ListIdEnum).meta({ description: "The lists searched (default: all)." }),
      threshold: z.number().min(0).max(1).meta({ description: `The threshold applied (default ${DEFAULT_THRESHOLD}).` }),
      limit: z.number().int().min(1).max(50),
    }),
    lists: z
      .array(z.object({ id: ListIdEnum, sha256: z.string(), fetched_at: timestamp }))
      .meta({ description: "The version of each list searched: a result can be reproduced from it." }),
    matches: z
      .array(
        z.object({
          list: ListIdEnum,
          entity_id: z.string().meta({ description: "Stable id within the list (OFAC ent_num, UN DATAID, EU logicalId, UK UniqueID; Brazilian lists: derived from the row)." }),
          entity_type: z.enum(["person", "organization", "vessel", "aircraft", "unknown"]),
          name: z.string().meta({ description: "Primary name as listed." }),
          matched_name: z.string().meta({ description: "The listed name (primary or alias) that matched best." }),
          score: z.number().min(0).max(1),
          strength: z.enum(["strong", "possible"]).meta({
            description:
              "`strong`: a hit — the name matches and an identifier corroborates it (the same CPF, a CNPJ of the same root, masked CPF digits, a birth date agreeing at the precision both sides have) with nothing contradicting. `possible`: the name matches and nothing corroborates (a name alone): to be reviewed, never a rejection by itself.",
          }),
          reasons: z.array(z.string()).meta({
            description:
              "What matched, what corroborated, what was missing. Name: exact, normalized, token_order, missing_middle, extra_tokens, initial, initials, typo, phonetic, nickname, transliteration, joined_tokens, particle, suffix, title, legal_form, alias, weak_alias. Evidence: cpf_match, cnpj_match, cnpj_root_match, document_match (a foreign identity document), masked_cpf_match, birth_date_match, birth_month_match, birth_year_match, birth_years_within_age_band, nationality_match, nationality_conflict, gender_match, gender_conflict. Missing: document_not_given, document_not_listed, birth_date_not_given, birth_date_not_listed.",
          }),
          programs: z.array(z.string()),
          listed_on: z.string().nullable(),
          birth_dates: z.array(z.string()),
          nationalities: z.array(z.string()),
        }),
      )
      .meta({ description: "Active listed entities at or above the threshold, best score first. Ended sanctions and PEPs past their grace period never match. Empty: screened, nothing found." }),
    cleared: z
      .array(
        z.object({
          list: ListIdEnum,
          entity_id: z.string(),
          matched_name: z.string(),
          reason: z.enum(["document_conflict", "birth_date_conflict", "entity_type_conflict"]),
          detail: z.string().meta({ description: "The contradiction in words (pt-BR), e.g. \"nascimento em 1985; a lista indica 1963\"." }),
        }),
      )
      .meta({ description: "Homonyms: candidates whose names matched but whose identifiers contradict the subject (another CPF or CNPJ root, other masked CPF digits, birth years more than one apart, a person against an organisation). Not matches; shown so an analyst sees what was ruled out and why." }),
    took_ms: z.number().int().min(0),
  }),
  "Result of POST /api/v1/screening/search.",
);

export const Health = component("Health", z.object({ status: z.literal("ok") }), "Liveness.");
