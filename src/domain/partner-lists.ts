// A partner known only by a masked CPF (the open CNPJ data masks every
// partner's; some providers do too) screened on the lists (contract §18,
// "Runs"): its name, the six visible digits and its age band's birth years
// against the lists that back the partner template's list-backed sources.
// That screening is the partner's: it reads like a partner run's outcome for
// the company's decision. Pure: the run object searches, this decides.
//
// - The partner's decision is the partner template's decision rules applied to
//   the list-backed sources alone (a strong or document hit on a `block` source
//   → rejected; a hit on a `review` source, or any possible match → review;
//   nothing → approved).
// - A list that did not answer (not loaded, the engine down past the retries)
//   leaves the partner's screening incomplete: the outcome carries the reason,
//   and the company holds, as for a partner run that failed.
// - The partner template's other sources need the full CPF: they are named as
//   not run; they hold the company only when the company's template sets
//   `partner_runs.require_full_cpf`.
import { SOURCE_CATALOG } from "../sources/catalog";
import { decide } from "./decision";
import type { ListedPartner } from "./partners";
import type { PartnerListScreening, PartnerOutcome, SourceKey, SourceResult, TemplateSnapshot, TemplateSource } from "./types";

/** Matches and cleared candidates kept per partner (the company's stored result stays bounded: up to 20 partners). */
export const MAX_PARTNER_LIST_ITEMS = 5;

const label = (key: SourceKey) => SOURCE_CATALOG[key]?.label ?? key;

/** Why a partner template with no list-backed source cannot screen a masked partner. */
export const NO_LIST_SOURCES_REASON =
  "o template de sócios não tem fontes de listas: o sócio, conhecido só pelo CPF mascarado, não pôde ser triado";

/** The reason a partner with a masked CPF holds its company when its template asks for the checks that need the full CPF. */
export const fullCpfRequiredReason = (notRun: readonly SourceKey[]): string =>
  `o template exige as verificações que dependem do CPF completo (require_full_cpf), não executadas para este sócio: ${notRun.map(label).join(", ")}`;

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Items of an array in a list source's `data` (matches, descartados, listas), each tagged with its source. */
const itemsOf = (r: SourceResult, key: string, tag: boolean): Record<string, unknown>[] => {
  const v = r.data?.[key];
  return Array.isArray(v) ? v.filter(isRecord).map((x) => (tag ? { fonte: r.source, ...x } : x)) : [];
};

export interface ListScreeningInput {
  partner: ListedPartner;
  /** The partner template: its decision rules read the list-backed sources' answers. */
  template: TemplateSnapshot;
  /** One result per list-backed source of the partner template, as the lists answered. */
  results: SourceResult[];
  /** The partner template's sources that need a full CPF. */
  notRun: SourceKey[];
  requireFullCpf: boolean;
}

/** The partner template's sources split into those the lists back and those that need the full CPF. */
export function splitPartnerSources(template: TemplateSnapshot, isListBacked: (key: SourceKey) => boolean): { lists: TemplateSource[]; notRun: SourceKey[] } {
  return {
    lists: template.sources.filter((s) => isListBacked(s.source)),
    notRun: template.sources.filter((s) => !isListBacked(s.source)).map((s) => s.source),
  };
}

const listedBase = (partner: ListedPartner) => ({
  run_id: null,
  screened_by: "lists" as const,
  name: partner.nome,
  documento_mascarado: partner.documento,
  qualificacao: partner.qualificacao,
});

/** A masked partner the lists could not screen at all (no partner template, none with list-backed sources): a gap, with its reason. */
export const unscreenedListedOutcome = (partner: ListedPartner, reason: string): PartnerOutcome => ({
  ...listedBase(partner),
  status: "failed",
  decision: null,
  risk_band: null,
  operative_decision: null,
  reason,
});

/** The outcome of a masked partner's screening on the lists, as the company's decision, analysis and body read it. */
export function listScreenedOutcome(input: ListScreeningInput): PartnerOutcome {
  const { partner, template, results, notRun, requireFullCpf } = input;
  const base = listedBase(partner);
  const screening: PartnerListScreening = {
    sources: results.map((r) => ({
      source: r.source,
      status: r.status,
      ...(r.possible_match ? { possible_match: true } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
    })),
    lists: uniqueLists(results.flatMap((r) => itemsOf(r, "listas", false))),
    matches: results.filter((r) => r.status === "INVALID").flatMap((r) => itemsOf(r, "matches", true)).slice(0, MAX_PARTNER_LIST_ITEMS),
    cleared: results.flatMap((r) => itemsOf(r, "descartados", true)).slice(0, MAX_PARTNER_LIST_ITEMS),
    checks_not_run: notRun,
    require_full_cpf: requireFullCpf,
  };
  if (results.length === 0) return { ...unscreenedListedOutcome(partner, NO_LIST_SOURCES_REASON), list_screening: screening };
  const listSources = new Set(results.map((r) => r.source));
  const outcome = decide({
    snapshot: { ...template, sources: template.sources.filter((s) => listSources.has(s.source)), partner_runs: null },
    results,
    partners: [],
    livemode: true,
  });
  const errors = results.filter((r) => r.status === "ERROR");
  const reason =
    errors.length > 0
      ? `a triagem do sócio nas listas ficou incompleta: ${errors.map((r) => `${label(r.source)} (${r.reason ?? "sem resposta"})`).join("; ")}`
      : requireFullCpf && notRun.length > 0
        ? fullCpfRequiredReason(notRun)
        : null;
  return {
    ...base,
    status: outcome.status,
    decision: outcome.decision,
    risk_band: outcome.risk_band,
    operative_decision: outcome.status === "failed" ? null : reason ? "hold" : outcome.operative_decision,
    ...(reason ? { reason } : {}),
    list_screening: screening,
  };
}

/** List versions, each once (two sources never share a list; a defensive dedupe by id). */
function uniqueLists(items: Record<string, unknown>[]): Record<string, unknown>[] {
  const seen = new Set<unknown>();
  return items.filter((v) => !seen.has(v.id) && seen.add(v.id));
}
