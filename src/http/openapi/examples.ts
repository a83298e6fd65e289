// One example per response component, by its name in the document: the
// generator (openapi/generate.ts) puts it on every response of that
// component, the reference page and generated clients show it, and
// test/node/openapi-examples.test.ts validates each one against its (closed)
// schema and checks that every operation has one. The values are those of a
// sandbox run of the PEP test document 000.000.004-53.
import { ANALYSIS_VERSION } from "../../domain/analysis";
import { TPL_PF_PADRAO } from "../../domain/standard-templates";
import type { WebhookEventType } from "../../domain/webhook-events";

const RUN_ID = "run_01JDQ4Z8X2M7N3P5R6S9T0V1W2";
const CASE_ID = "case_01JDQ4Z8X2M7N3P5R6S9T0V1W2";
const EVENT_ID = "evt_01JDQ4ZB7K3M5N7P9Q1R3S5T7V";
const ENDPOINT_ID = "whe_01JDQ3Y5A7B9C1D3E5F7G9H1J3";
const CREATED = "2026-11-26T20:44:07.120Z";
const STARTED = "2026-11-26T20:44:07.214Z";
const COMPLETED = "2026-11-26T20:44:12.388Z";

const source = (source: string, phase: string, checks: Record<string, string>, duration_ms: number, status = "VALID") => ({
  source,
  phase,
  status,
  checks,
  duration_ms,
  attempts: 1,
});

const SOURCES = [
  source("receita_federal_cpf", "critical", { situacao_cadastral: "VALID", registro_obito: "VALID", nome_confere: "VALID" }, 812),
  source("cnj_mandados_prisao", "critical", { mandados_ativos: "VALID" }, 1490),
  source("ofac_sdn", "critical", { sancoes_ofac: "VALID" }, 301),
  source("un_sanctions", "critical", { sancoes_onu: "VALID" }, 288),
  source("eu_sanctions", "critical", { sancoes_ue: "VALID" }, 297),
  source("uk_sanctions", "critical", { sancoes_uk: "VALID" }, 310),
  source("pep_coaf", "important", { pep_ativo: "INVALID" }, 504, "INVALID"),
  source("cgu_ceis", "important", { sancao_ativa: "VALID" }, 612),
  source("protestos", "important", { protestos_ativos: "VALID" }, 1502),
  source("trf_processos", "additional", { processos_criminais: "VALID" }, 1410),
];

const runFields = {
  id: RUN_ID,
  object: "bureau_run",
  status: "completed",
  decision: "review",
  operative_decision: "review",
  risk_band: "alto",
  template: { id: "tpl_pf_padrao", version: 1, name: "Pessoa física — padrão" },
  subject: { type: "pf", document: "***.000.004-**" },
  skipped_sources: [],
  triggered_rules: [{ source: "pep_coaf", on_hit: "review", effect: "review", check: "pep_ativo" }],
  partner_runs: [],
  unscreened_partners: [],
  parent_run_id: null,
  credits_used: 0,
  external_id: "cliente-42",
  flags: { external_id: "cliente-42" },
  metadata: { pedido: "A-1001" },
  created_at: CREATED,
  started_at: STARTED,
  completed_at: COMPLETED,
  failed_at: null,
  webhook_url: null,
  livemode: false,
  case_id: CASE_ID,
  final_decision: null,
};

const RUN = { ...runFields, sources: SOURCES };
const RUN_SUMMARY = runFields;
const FAILED_RUN = {
  ...runFields,
  id: "run_01JDQ5A1B2C3D4E5F6G7H8J9K0",
  status: "failed",
  decision: null,
  operative_decision: null,
  risk_band: null,
  subject: { type: "pf", document: "***.000.010-**" },
  triggered_rules: [],
  external_id: null,
  flags: {},
  metadata: {},
  failed_at: COMPLETED,
  case_id: null,
  sources: [{ ...source("receita_federal_cpf", "critical", {}, 6012, "ERROR"), attempts: 2, reason: "Tempo limite de 3000 ms excedido." }],
};

const CASE = {
  id: CASE_ID,
  object: "case",
  run_id: RUN_ID,
  alert_id: null,
  subject_id: null,
  status: "open",
  reason: "review",
  opened_at: COMPLETED,
  due_at: "2026-11-28T20:44:12.388Z",
  assignee: null,
  proposal: null,
  resolution: null,
  events: [
    {
      id: `cev_${CASE_ID.slice(5)}_1`,
      type: "opened",
      actor: "system",
      via: "system",
      key_id: null,
      user_id: null,
      at: COMPLETED,
      data: { run_id: RUN_ID, reason: "review", decision: "review", operative_decision: "review", due_at: "2026-11-28T20:44:12.388Z", sla_hours: 48 },
      prev_hash: "0".repeat(64),
      hash: "e3c3fbbe49c61048cf8a52a99c72795728fe9e0cea70d000461696aa135cfd13",
    },
  ],
  livemode: false,
};

const RESOLVED_CASE = {
  ...CASE,
  status: "resolved",
  resolution: {
    outcome: "approved",
    reason_code: "false_positive",
    note: "Homônimo: data de nascimento diverge do registro.",
    resolved_by: "ana@empresa.com.br",
    approved_by: null,
    resolved_at: "2026-11-27T13:05:09.000Z",
    evidence_sha256: "3b7e0c9d1f5a2e8b4c6d0a7f3e9b1c5d8a2f6e0b4d7c1a9e3f5b8d2c6a0e4f7b",
  },
};

const SUBJECT_ID = "mon_01JDQ2F4H7K9M2P5R8T1V4X7Z0";

const SUBJECT = {
  id: SUBJECT_ID,
  object: "monitored_subject",
  document: "***.456.789-**",
  name: "JOAO CARLOS PEREIRA DA SILVA",
  birth_date: "1971-05-09",
  nationality: "BR",
  gender: "M",
  external_id: "cliente-42",
  lists: ["ofac_sdn", "ofac_cons", "un_sc", "eu_fsf", "uk_fcdo", "cgu_ceis", "cgu_cnep", "cgu_pep", "mte_empregadores"],
  status: "active",
  created_at: "2026-11-20T14:02:11.204Z",
  last_screened_at: "2026-11-26T20:30:41.118Z",
  open_alerts: 1,
  stopped_at: null,
  erased_at: null,
  livemode: false,
};

const IMPORT = {
  id: "imp_01JDQ1C9V3B7N5M2K8J4H6G0F1",
  object: "monitoring_import",
  status: "completed",
  rows_total: 120000,
  rows_enrolled: 119874,
  rows_updated: 96,
  rows_rejected: 30,
  alerts_opened: 3,
  error: null,
  created_at: "2026-11-20T14:00:02.881Z",
  completed_at: "2026-11-20T14:03:47.502Z",
  livemode: false,
};

const ALERT = {
  id: "alr_01JDQ3M8X2V7R4T9K5N1B6C3D8",
  object: "monitoring_alert",
  subject_id: SUBJECT_ID,
  kind: "match_created",
  list: "un_sc",
  entity_id: "QDi.431",
  entity_name: "JOAO CARLOS PEREIRA DA SILVA",
  matched_name: "JOAO CARLOS PEREIRA DA SILVA",
  score: 0.97,
  strength: "strong",
  reasons: ["nome confere", "data de nascimento confere (1971-05-09)"],
  list_version: { sha256: "5f2a9c1e7b3d8f04a6c2e9b1d7f3a5c8e0b4d6f2a8c1e3b5d7f9a2c4e6b8d0f1", fetched_at: "2026-11-26T20:30:00.000Z" },
  status: "open",
  case_id: "case_01JDQ3M8X2V7R4T9K5N1B6C3D8",
  created_at: "2026-11-26T20:30:41.118Z",
  closed_at: null,
  livemode: false,
};

const PAYLOADS: Record<WebhookEventType, { object: unknown; at: string }> = {
  "run.completed": { object: RUN, at: COMPLETED },
  "run.failed": { object: FAILED_RUN, at: COMPLETED },
  "case.opened": { object: CASE, at: COMPLETED },
  "case.resolved": { object: RESOLVED_CASE, at: "2026-11-27T13:05:09.000Z" },
  "monitoring.alert": { object: ALERT, at: ALERT.created_at },
};

/** The body POSTed for one event type. */
export function webhookExample(type: WebhookEventType) {
  const p = PAYLOADS[type];
  return { id: EVENT_ID, object: "event", event: type, created: Math.floor(Date.parse(p.at) / 1000), livemode: false, data: { object: p.object } };
}

const TARGET = { endpoint_id: ENDPOINT_ID, url: "https://hooks.example.com.br/kycert", attempts: 1, last_outcome: "delivered", last_attempt_at: "2026-11-26T20:44:13.020Z" };
const EVENT_SUMMARY = { ...webhookExample("run.completed"), run_id: RUN_ID, delivery_status: "delivered", targets: [TARGET] };

const ENDPOINT = {
  id: ENDPOINT_ID,
  object: "webhook_endpoint",
  tenant_id: "ten_01JDQ0A1B2C3D4E5F6G7H8J9K0",
  url: "https://hooks.example.com.br/kycert",
  events: ["run.completed", "run.failed", "case.opened", "case.resolved"],
  environment: "test",
  livemode: false,
  status: "active",
  created_at: "2026-11-26T18:02:40.512Z",
  disabled_at: null,
  disabled_reason: null,
};
const SECRET = "whsec_9f8Kq2LxV3mN7pR5tW1yZ4bC6dF0hJ8k";

const TEMPLATE_SOURCES = [
  { source: "receita_federal_cpf", phase: "critical", on_hit: "block", tier: 1 },
  { source: "cnj_mandados_prisao", phase: "critical", on_hit: "block", tier: 1 },
  { source: "ofac_sdn", phase: "critical", on_hit: "block", tier: 1 },
  { source: "pep_coaf", phase: "important", on_hit: "review", tier: 2 },
  { source: "protestos", phase: "important", on_hit: "review", tier: 2 },
  { source: "trf_processos", phase: "additional", on_hit: "info", tier: 3 },
];
const PARAMETROS_SCHEMA = TPL_PF_PADRAO.parametros_schema;
const PUBLIC_TEMPLATE = {
  id: "tpl_pf_padrao",
  object: "template",
  name: "Pessoa física — padrão",
  subject_type: "pf",
  version: 1,
  parametros_schema: PARAMETROS_SCHEMA,
  sources: TEMPLATE_SOURCES,
  partner_runs: null,
  global: true,
  published_at: "2026-11-01T00:00:00.000Z",
};
const ADMIN_TEMPLATE = {
  id: "tpl_01JDQ0C3D4E5F6G7H8J9K0M1N2",
  object: "template",
  version: 1,
  status: "draft",
  name: "PF — onboarding varejo",
  tenant_id: "ten_01JDQ0A1B2C3D4E5F6G7H8J9K0",
  subject_type: "pf",
  parametros_schema: PARAMETROS_SCHEMA,
  sources: TEMPLATE_SOURCES.map((s) => ({ ...s, weight: s.phase === "critical" ? 50 : s.phase === "important" ? 40 : 10, timeout_ms: 3000 })),
  partner_runs: null,
  thresholds: { medio: 20, alto: 40 },
  created_at: "2026-11-20T12:00:00.000Z",
  published_at: null,
};

const LIST = {
  id: "un_sc",
  name: "UN Security Council Consolidated List",
  status: "ready",
  source_url: "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
  version: { sha256: "5d1c0b8e6f2a4c9e7b3d1f5a8c2e6b0d4f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e", fetched_at: "2026-11-26T18:00:04.000Z", entities: 1002, names: 2540 },
  loading_since: null,
  last_error: null,
};

const USER = {
  id: "usr_01JDQ0E5F6G7H8J9K0M1N2P3Q4",
  object: "console_user",
  tenant_id: "ten_01JDQ0A1B2C3D4E5F6G7H8J9K0",
  email: "ana@empresa.com.br",
  name: "Ana Souza",
  role: "approver",
  created_at: "2026-11-20T12:00:00.000Z",
};

const page = (data: unknown[]) => ({ object: "list", data, has_more: false, livemode: false });

/** Response examples by component name. */
export const RESPONSE_EXAMPLES: Record<string, unknown> = {
  RunAccepted: {
    run_id: RUN_ID,
    object: "bureau_run",
    status: "queued",
    estimated_seconds: 5,
    livemode: false,
    external_id: "cliente-42",
    metadata: { pedido: "A-1001" },
    webhook_url: null,
    template: { id: "tpl_pf_padrao", version: 1 },
    created_at: CREATED,
  },
  RunPending: {
    id: RUN_ID,
    object: "bureau_run",
    status: "running",
    retry_after_seconds: 4,
    created_at: CREATED,
    livemode: false,
    external_id: "cliente-42",
    metadata: { pedido: "A-1001" },
    webhook_url: null,
  },
  Run: RUN,
  RunList: { ...page([RUN_SUMMARY]), has_more: true, next_cursor: "WyIyMDI2LTExLTI2VDIwOjQ0OjA3LjEyMFoiLCJydW5fMDFKRCJd.3f9c2a1b7e5d4c8a" },
  Analysis: {
    object: "bureau_run_analysis",
    meta: { run_id: RUN_ID, generated_at: COMPLETED, analysis_version: ANALYSIS_VERSION, template: { id: "tpl_pf_padrao", version: 1 }, livemode: false },
    external_id: "cliente-42",
    metadata: { pedido: "A-1001" },
    analysis: {
      decision: "review",
      operative_decision: "review",
      risk_band: "alto",
      score: 40,
      dimensions: [
        { dimension: "identidade", risk_band: "baixo", score: 0, sources: ["receita_federal_cpf"], findings_count: 0 },
        { dimension: "pep", risk_band: "alto", score: 40, sources: ["pep_coaf"], findings_count: 1 },
      ],
      findings: [
        {
          id: "fnd_pep_coaf_pep_ativo",
          source: "pep_coaf",
          check: "pep_ativo",
          severity: "alto",
          weight: 40,
          title: "Pessoa exposta politicamente (PEP)",
          description: "Segundo a fonte \"Pessoa exposta politicamente (PEP)\", o titular é pessoa exposta politicamente (Secretário Municipal, Prefeitura Municipal de Campinas). O apontamento exige revisão manual.",
          evidence: { cargo: "Secretário Municipal", orgao: "Prefeitura Municipal de Campinas", inicio_exercicio: "2021-01-01", fim_carencia: "2029-12-31" },
        },
      ],
      subject_profile: { type: "pf", nome: "DANIEL ARAUJO MONTEIRO", data_nascimento: "1970-04-16", situacao_cadastral: "REGULAR", obito: false },
      incomplete_sources: [],
    },
  },
  RunDetail: {
    object: "bureau_run_detail",
    run_id: RUN_ID,
    status: "completed",
    sources: [
      {
        source: "pep_coaf",
        phase: "important",
        status: "INVALID",
        checks: { pep_ativo: "INVALID" },
        reason: null,
        attempts: 1,
        duration_ms: 504,
        started_at: "2026-11-26T20:44:11.870Z",
        completed_at: "2026-11-26T20:44:12.374Z",
        data: { cargo: "Secretário Municipal", orgao: "Prefeitura Municipal de Campinas", inicio_exercicio: "2021-01-01", fim_carencia: "2029-12-31" },
        raw: "{\"base_referencia\":\"2026-10-31\",\"registros\":[{\"CPF\":\"***.000.004-**\",\"Descricao_Funcao\":\"Secretário Municipal\"}]}",
      },
    ],
    calls: [{ source: "pep_coaf", attempt: 1, at: "2026-11-26T20:44:11.870Z" }],
    key_id: "key_01JDQ0B2C3D4E5F6G7H8J9K0M1",
    external_id: "cliente-42",
    metadata: { pedido: "A-1001" },
    livemode: false,
  },
  Report: {
    object: "bureau_report",
    run_id: RUN_ID,
    mode: "completo",
    pages: 11,
    bytes: 187342,
    sha256: "9c2e4a6b8d0f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c",
    created_at: "2026-11-26T20:45:02.511Z",
  },
  ReportUrl: {
    object: "report_url",
    run_id: RUN_ID,
    mode: "completo",
    url: `https://api.kycert.example/downloads/reports/${RUN_ID}?tenant=ten_01JDQ0A1B2C3D4E5F6G7H8J9K0&mode=completo&exp=1795732000&sig=4b1f9e2c7a5d3b8e6f0a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f`,
    expires_at: "2026-11-26T21:46:40.000Z",
  },
  PublicTemplate: PUBLIC_TEMPLATE,
  PublicTemplateList: page([PUBLIC_TEMPLATE]),
  Event: {
    ...EVENT_SUMMARY,
    deliveries: [
      {
        attempt: 1,
        endpoint_id: ENDPOINT_ID,
        url: "https://hooks.example.com.br/kycert",
        manual: false,
        outcome: "delivered",
        status_code: 200,
        error: null,
        duration_ms: 143,
        attempted_at: "2026-11-26T20:44:13.020Z",
        next_attempt_at: null,
      },
    ],
  },
  EventList: page([EVENT_SUMMARY]),
  EventRedelivery: { id: EVENT_ID, object: "event", event: "run.completed", redelivery: true, targets: [{ endpoint_id: ENDPOINT_ID, url: "https://hooks.example.com.br/kycert" }] },
  WebhookEndpoint: ENDPOINT,
  WebhookEndpointCreated: { ...ENDPOINT, secret: SECRET },
  WebhookEndpointDeleted: { ...ENDPOINT, status: "disabled", disabled_at: "2026-11-27T09:10:00.000Z", disabled_reason: "deleted", deleted: true },
  WebhookEndpointPage: page([ENDPOINT]),
  WebhookEndpointList: { object: "list", data: [ENDPOINT] },
  WebhookOverrideSecret: { object: "webhook_override_secret", tenant_id: "ten_01JDQ0A1B2C3D4E5F6G7H8J9K0", environment: "test", secret: "whsec_Ov3rR1d3S3cr3tD3r1v3dFr0mS3rv3r" },
  Case: {
    ...CASE,
    chain: { length: 1, head: "e3c3fbbe49c61048cf8a52a99c72795728fe9e0cea70d000461696aa135cfd13", verified: true, problem: null, anchor: null },
  },
  CaseList: page([CASE]),
  RegistryStatus: {
    status: "ready",
    version: { month: "2026-08", extraction_date: "2026-08-08", companies: 63_104_554, establishments: 68_977_190, partners: 27_501_226, built_at: "2026-08-09T04:12:51.000Z" },
    building_since: null,
    last_error: null,
  },
  AuditAnchorRun: {
    object: "audit_anchor_run",
    anchors: [
      {
        id: "anc_01JDQ5A2B4C6D8E0F2G4H6J8K0",
        object: "audit_anchor",
        key: "audit/anchors/2026-11-27/anc_01JDQ5A2B4C6D8E0F2G4H6J8K0.json",
        sha256: "5f0c2a7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a",
        chains: 12,
        created_at: "2026-11-27T03:07:00.412Z",
      },
    ],
  },
  ScreeningResult: {
    object: "screening_result",
    query: { name: "Abdul Hai Salek", type: "pf", birth_date: "1968", nationality: null, gender: null, document: null, lists: ["ofac_sdn", "un_sc"], threshold: 0.8, limit: 10 },
    lists: [
      { id: "ofac_sdn", sha256: "8a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c", fetched_at: "2026-11-26T18:00:02.000Z" },
      { id: "un_sc", sha256: LIST.version.sha256, fetched_at: LIST.version.fetched_at },
    ],
    matches: [
      {
        list: "un_sc",
        entity_id: "6908425",
        entity_type: "person",
        name: "ABDUL HAI SALEK",
        matched_name: "ABDUL HAI SALEK",
        score: 1,
        strength: "strong",
        reasons: ["exact", "birth_year_match", "document_not_given"],
        programs: ["TA"],
        listed_on: "2001-01-25",
        birth_dates: ["1968"],
        nationalities: ["AF"],
      },
    ],
    cleared: [],
    took_ms: 18,
  },
  Tenant: { id: "ten_01JDQ0A1B2C3D4E5F6G7H8J9K0", object: "tenant", name: "Banco Exemplo", slug: "banco-exemplo", status: "active", credits: 5000, case_sla_hours: 48, monitoring_retention_days: 30, created_at: "2026-11-20T11:58:00.000Z" },
  ApiKey: {
    id: "key_01JDQ0B2C3D4E5F6G7H8J9K0M1",
    object: "api_key",
    key: "sk_test_7hQ2mV9xK4pL8rN3tW6yB1cF5gJ0dS2aZ4eU7iO9",
    name: "backend",
    environment: "test",
    scopes: ["runs:write", "runs:read", "webhooks:write"],
    tenant_id: "ten_01JDQ0A1B2C3D4E5F6G7H8J9K0",
    rate_limit_per_minute: 120,
    created_at: "2026-11-20T12:01:00.000Z",
  },
  ApiKeyRevoked: { id: "key_01JDQ0B2C3D4E5F6G7H8J9K0M1", object: "api_key", revoked_at: "2026-11-27T09:00:00.000Z" },
  Template: ADMIN_TEMPLATE,
  TemplateList: { object: "list", data: [ADMIN_TEMPLATE] },
  ScreeningList: LIST,
  ScreeningListCollection: { object: "list", data: [LIST] },
  ConsoleUser: USER,
  ConsoleUserList: { object: "list", data: [USER] },
  ConsoleUserDeleted: { id: USER.id, object: "console_user", deleted: true },
  MonitoredSubject: SUBJECT,
  MonitoredSubjectList: page([SUBJECT]),
  MonitoringImport: IMPORT,
  MonitoringImportList: page([IMPORT]),
  MonitoringAlert: ALERT,
  MonitoringAlertList: page([ALERT]),
  Health: { status: "ok" },
};

/** Examples of the responses that are no JSON component, by operation id. */
export const OTHER_RESPONSE_EXAMPLES: Record<string, unknown> = {
  getOpenApiDocument: { openapi: "3.1.1", info: { title: "kycert bureau runs API", version: "2026-11-01" }, paths: {} },
  getApiReference: "<!doctype html><html lang=\"en\"><head><title>kycert bureau runs API</title>…",
  downloadReport: "%PDF-1.7 … (the report's bytes)",
};
