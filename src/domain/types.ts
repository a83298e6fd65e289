// Shared vocabulary of the KYC domain. Pure types: no runtime, no I/O.

export type SubjectType = "pf" | "pj";

export type Phase = "critical" | "important" | "additional";
export type OnHit = "block" | "review" | "info";
export type Tier = 1 | 2 | 3;

/** 4-status model of a source answer (contract §5). */
export type SourceStatus = "VALID" | "INVALID" | "NO_DATA" | "ERROR";
export type CheckStatus = "VALID" | "INVALID";

export type Decision = "approved" | "rejected" | "review";
export type OperativeDecision = Decision | "hold";
export type RiskBand = "baixo" | "medio" | "alto";

export type RunStatus =
  | "queued"
  | "running"
  | "em_analise"
  | "completed"
  | "partial"
  | "failed"
  | "cancelado";

export const TERMINAL_STATUSES: readonly RunStatus[] = ["completed", "partial", "failed", "cancelado"];
export const isTerminal = (s: RunStatus): boolean => TERMINAL_STATUSES.includes(s);

export type Dimension =
  | "identidade"
  | "sancoes"
  | "pep"
  | "judicial"
  | "trabalhista"
  | "integridade"
  | "reputacional"
  | "societario";

export type SourceKey =
  | "receita_federal_cpf"
  | "receita_federal_cnpj"
  | "cnj_mandados_prisao"
  | "ofac_sdn"
  | "un_sanctions"
  | "eu_sanctions"
  | "uk_sanctions"
  | "pep_coaf"
  | "cgu_ceis"
  | "cgu_cnep"
  | "cgu_cnc"
  | "sit_trabalho_escravo"
  | "protestos"
  | "cnj_seeu_processos"
  | "trf_processos"
  | "tse_doadores"
  | "icij_offshore";

/** One catalogue entry (reference/sources.md). */
export interface SourceDefinition {
  key: SourceKey;
  /** pt-BR label for reports and findings. */
  label: string;
  subjects: readonly SubjectType[];
  checks: readonly string[];
  tier: Tier;
  typicalLatencyMs: number;
  defaultTimeoutMs: number;
  dimension: Dimension;
}

/** One source as configured in a template version. */
export interface TemplateSource {
  source: SourceKey;
  phase: Phase;
  on_hit: OnHit;
  tier: Tier;
  /** Score points an INVALID answer of this source is worth (0–100). */
  weight: number;
  timeout_ms: number;
}

export interface RiskThresholds {
  /** score ≥ medio → medio */
  medio: number;
  /** score ≥ alto → alto */
  alto: number;
}

export interface PartnerRunsConfig {
  template_id: string;
  max_partners: number;
  /**
   * Whether the partner template's checks that need a full CPF (those no list
   * backs: Receita CPF status, warrants, courts …) put the company on `hold`
   * when a partner is known only by a masked CPF. Absent = false.
   */
  require_full_cpf?: boolean;
}

/** Immutable snapshot of a published template version, stored with every run. */
export interface TemplateSnapshot {
  id: string;
  version: number;
  name: string;
  tenant_id: string | null;
  subject_type: SubjectType;
  parametros_schema: Record<string, unknown>;
  sources: TemplateSource[];
  partner_runs: PartnerRunsConfig | null;
  thresholds: RiskThresholds;
}

export interface Subject {
  type: SubjectType;
  /** Normalised document: 11 digits (CPF) or 14 characters (CNPJ). */
  document: string;
  name?: string;
  /**
   * What the run knows of its subject besides the document, for the list
   * searches to tell homonyms apart (contract §14): `parametros.data_nascimento`
   * or the Receita source's (YYYY-MM-DD); `parametros.nacionalidade` (ISO
   * 3166-1 alpha-2); the gender when a source knows it; for a QSA partner, the
   * birth years its age band allows.
   */
  birth_date?: string;
  nationality?: string;
  gender?: "M" | "F";
  birth_years?: { from: number; to: number };
  /**
   * The six visible digits (4–9) of a CPF the source gives only masked (a QSA
   * partner of the open CNPJ data): `document` is then empty, and the lists
   * compare these digits with the CPFs they publish masked the same way.
   */
  masked_cpf?: string;
}

/** A partner found in the QSA of a company (from receita_federal_cnpj data). */
export interface QsaPartner {
  nome: string;
  /** Full CPF for PF partners when the provider gives it; masked otherwise. */
  documento: string;
  tipo: "pf" | "pj" | "estrangeiro";
  qualificacao: string;
  /**
   * Receita's age band: its code (0 n/a, 1 = 0–12 … 9 = over 80), as most
   * providers give it, or the company registry's object with the birth years the
   * band allowed at the month's extraction date.
   */
  faixa_etaria?: string | number | { code: string; label: string | null; nascimento_de: number; nascimento_ate: number };
  /** The six visible digits (4–9) of a CPF the source only shows masked (the open CNPJ data). */
  cpf_visivel?: string;
  /** When the provider gives it (YYYY-MM-DD). */
  data_nascimento?: string;
}

/** What an adapter answers for one attempt. */
export type AdapterAnswer =
  | {
      status: "VALID" | "INVALID" | "NO_DATA";
      checks: Record<string, CheckStatus>;
      data?: Record<string, unknown>;
      /** Raw payload as received (already size-capped by the adapter). */
      raw?: string;
      /**
       * INVALID only: the hit is a possible match (a name that only resembles a
       * listed one, contract §14), so its effect is capped at `review` (decision.ts).
       */
      possible_match?: boolean;
    }
  | {
      status: "ERROR";
      reason: string;
      retryable: boolean;
      /** Server-requested delay before the next attempt (Retry-After). */
      retryAfterMs?: number;
      raw?: string;
    };

/** Final, persisted result of one source within a run. */
export interface SourceResult {
  source: SourceKey;
  phase: Phase;
  status: SourceStatus;
  checks: Record<string, CheckStatus>;
  data?: Record<string, unknown>;
  raw?: string;
  /** Why the source ended in ERROR. */
  reason?: string;
  /** INVALID only: a possible match, whose effect is capped at `review` (decision.ts `resultEffect`). */
  possible_match?: boolean;
  attempts: number;
  duration_ms: number;
  started_at: string;
  completed_at: string;
}

/**
 * How a partner known only by a masked CPF was screened on the lists: the
 * list-backed sources of the partner template, each as the lists answered it.
 * Matches and cleared candidates are in the list sources' data shape, with the
 * source (`fonte`) they came from.
 */
export interface PartnerListScreening {
  sources: { source: SourceKey; status: SourceStatus; possible_match?: boolean; reason?: string }[];
  /** Every list version searched (id, sha256, fetched_at). */
  lists: Record<string, unknown>[];
  matches: Record<string, unknown>[];
  cleared: Record<string, unknown>[];
  /** The partner template's sources that need the full CPF: not run for this partner. */
  checks_not_run: SourceKey[];
  /** The template's `partner_runs.require_full_cpf` when the partner was screened. */
  require_full_cpf: boolean;
}

/** What the parent run needs to know about a finished partner run (or a partner screened on the lists). */
export interface PartnerOutcome {
  /** Null for a partner screened on the lists: no run of its own. */
  run_id: string | null;
  /** Absent: a partner run (outcomes stored before list screening existed). */
  screened_by?: "run" | "lists";
  /** `screened_by: "lists"` only. */
  list_screening?: PartnerListScreening;
  name: string;
  documento_mascarado: string;
  qualificacao: string;
  status: RunStatus;
  decision: Decision | null;
  risk_band: RiskBand | null;
  operative_decision?: OperativeDecision | null;
  /** Why the partner could not be screened when its run never decided (e.g. no credits, deadline). */
  reason?: string;
}

/** A QSA entry that gets no partner run, and why (a finding each). */
export interface UnscreenedPartner {
  nome: string;
  /** Masked CPF, or the document as the source gave it (CNPJ, masked CPF, none). */
  documento: string;
  qualificacao: string;
  tipo: QsaPartner["tipo"];
  reason_code: "pessoa_juridica" | "estrangeiro" | "cpf_indisponivel" | "limite_de_socios";
  reason: string;
}

export interface TriggeredRule {
  source: SourceKey | "partner_runs";
  on_hit: OnHit;
  effect: "block" | "review" | "info" | "hold";
  check?: string;
}

export interface DecisionOutcome {
  status: Extract<RunStatus, "completed" | "partial" | "failed">;
  decision: Decision | null;
  operative_decision: OperativeDecision | null;
  risk_band: RiskBand | null;
  score: number;
  triggered_rules: TriggeredRule[];
  credits_used: number;
}

export type Severity = "info" | "baixo" | "medio" | "alto" | "critico";

export interface Finding {
  id: string;
  source: SourceKey | "partner_runs";
  check: string;
  severity: Severity;
  weight: number;
  title: string;
  description: string;
  evidence: Record<string, unknown>;
}

export interface DimensionSummary {
  dimension: Dimension;
  risk_band: RiskBand;
  score: number;
  sources: SourceKey[];
  findings_count: number;
}

export interface SubjectProfilePF {
  type: "pf";
  nome: string | null;
  data_nascimento: string | null;
  situacao_cadastral: string | null;
  obito: boolean | null;
}

export interface SubjectProfilePJ {
  type: "pj";
  razao_social: string | null;
  nome_fantasia: string | null;
  situacao_cadastral: string | null;
  data_abertura: string | null;
  cnae_principal: string | null;
  qsa: { nome: string; documento: string; qualificacao: string; run_id: string | null }[];
}

export interface BureauRunAnalysis {
  decision: Decision | null;
  operative_decision: OperativeDecision | null;
  risk_band: RiskBand | null;
  score: number;
  dimensions: DimensionSummary[];
  findings: Finding[];
  subject_profile: SubjectProfilePF | SubjectProfilePJ;
  incomplete_sources: { source: SourceKey; reason: string }[];
}

/** A source as the public run body shows it (contract §7). */
export interface PublicSourceResult {
  source: SourceKey;
  phase: Phase;
  status: SourceStatus;
  checks: Record<string, CheckStatus>;
  duration_ms: number;
  attempts: number;
  reason?: string;
}

export interface PartnerRunSummary {
  /** Null for a partner screened on the lists (a CPF the source gives only masked). */
  run_id: string | null;
  screened_by: "run" | "lists";
  name: string;
  document: string;
  qualificacao: string;
  status: RunStatus;
  decision: Decision | null;
  operative_decision: OperativeDecision | null;
  risk_band: RiskBand | null;
  /** Why the partner was left unscreened (the company is then on hold). */
  reason?: string;
  /** `screened_by: "lists"` only: what the lists answered and which checks did not run. */
  sources?: PartnerListScreening["sources"];
  lists?: PartnerListScreening["lists"];
  matches?: PartnerListScreening["matches"];
  cleared?: PartnerListScreening["cleared"];
  checks_not_run?: SourceKey[];
}

/** A QSA entry without a partner run, as the run body shows it. */
export interface UnscreenedPartnerSummary {
  name: string;
  document: string;
  qualificacao: string;
  reason_code: UnscreenedPartner["reason_code"];
  reason: string;
}

/** The terminal run body of GET /runs/{id} (contract §7). */
export interface RunBody {
  id: string;
  object: "bureau_run";
  status: RunStatus;
  decision: Decision | null;
  operative_decision: OperativeDecision | null;
  risk_band: RiskBand | null;
  template: { id: string; version: number; name: string };
  subject: { type: SubjectType; document: string };
  sources: PublicSourceResult[];
  /** Sources never called because a critical block stopped the run. */
  skipped_sources: SourceKey[];
  triggered_rules: TriggeredRule[];
  partner_runs: PartnerRunSummary[];
  unscreened_partners: UnscreenedPartnerSummary[];
  parent_run_id: string | null;
  credits_used: number;
  external_id: string | null;
  flags: { external_id?: string };
  metadata: Record<string, string>;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  /** When a `failed` run failed (its completion time, as `run.failed` says); null otherwise. */
  failed_at?: string | null;
  /** The per-run webhook URL given at creation (its events go there only); null when none. */
  webhook_url?: string | null;
  livemode: boolean;
  /**
   * The review case the run opened and its resolution (contract §15). Not part
   * of the stored (immutable) body: merged from the D1 row when the run is read.
   */
  case_id?: string | null;
  final_decision?: Decision | null;
}
