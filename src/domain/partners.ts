// QSA partners of a company (contract §5): which ones get a partner run, which
// cannot be screened and why, and when a partner's outcome leaves the company
// without the data it needs (tier-1 data missing for a beneficial owner).
import { maskCpf, maskVisibleCpf, normalizeDocument } from "./documents";
import { nameKey } from "./names";
import { birthYearRange, visibleCpfDigits } from "./registry";
import type { PartnerOutcome, PartnerRunsConfig, QsaPartner, SourceResult, Subject, TemplateSnapshot, UnscreenedPartner } from "./types";

/** A template's partner runs as the API shows them: `require_full_cpf` spelled out (absent in versions stored before it existed = false). */
export const partnerRunsView = (cfg: PartnerRunsConfig | null) =>
  cfg ? { template_id: cfg.template_id, max_partners: cfg.max_partners, require_full_cpf: cfg.require_full_cpf === true } : null;

const isQsaPartner = (p: unknown): p is QsaPartner =>
  !!p &&
  typeof p === "object" &&
  typeof (p as QsaPartner).nome === "string" &&
  typeof (p as QsaPartner).documento === "string" &&
  typeof (p as QsaPartner).tipo === "string";

/** The QSA as the identity source reported it (empty when it did not answer). */
export function qsaOf(results: readonly SourceResult[]): QsaPartner[] {
  const cnpj = results.find((r) => r.source === "receita_federal_cnpj");
  const qsa = cnpj?.status === "ERROR" ? undefined : cnpj?.data?.qsa;
  return Array.isArray(qsa) ? qsa.filter(isQsaPartner) : [];
}

/** A person the source gives only a masked CPF for, as its screening on the lists sees it (no full CPF exists here). */
export interface ListedPartner {
  nome: string;
  /** As shown: `***.456.789-**`, or `***.***.***-**` when the source shows no digits. */
  documento: string;
  qualificacao: string;
  /** The six visible digits (4–9), or null when the source shows none. */
  cpf_visivel: string | null;
  data_nascimento?: string;
  faixa_etaria?: QsaPartner["faixa_etaria"];
}

export interface PartnerPlan {
  /** People with a full CPF, each CPF once, in QSA order: each gets a run. */
  selected: QsaPartner[];
  /**
   * People the source gives only a masked CPF for (live runs), each once, in QSA
   * order: each is screened on the lists. With `selected`, at most `max_partners`.
   */
  listed: ListedPartner[];
  /** Every other QSA entry, with the reason it gets no run (a finding each, never dropped). */
  unscreened: UnscreenedPartner[];
}

/** The six visible digits of a masked CPF: the registry's `cpf_visivel`, or read off the mask (`***.456.789-**`, `***456789**`). */
const visibleDigitsOf = (p: QsaPartner): string | null =>
  typeof p.cpf_visivel === "string" && /^\d{6}$/.test(p.cpf_visivel) ? p.cpf_visivel : visibleCpfDigits(normalizeDocument(p.documento));

const listedPartner = (p: QsaPartner, visible: string | null): ListedPartner => ({
  nome: p.nome.trim(),
  documento: maskVisibleCpf(visible),
  qualificacao: p.qualificacao,
  cpf_visivel: visible,
  ...(p.data_nascimento && ISO_DATE.test(p.data_nascimento) ? { data_nascimento: p.data_nascimento } : {}),
  ...(p.faixa_etaria !== undefined ? { faixa_etaria: p.faixa_etaria } : {}),
});

export interface PartnerPlanOptions {
  /**
   * Screen people known only by a masked CPF on the lists (live runs: the
   * lists are the service's own). Otherwise they are unscreened, `cpf_indisponivel`.
   */
  screenMaskedOnLists?: boolean;
}

const UNSCREENED_REASON: Record<UnscreenedPartner["reason_code"], string> = {
  pessoa_juridica: "sócio pessoa jurídica: a análise de sócios cobre pessoas físicas; analise a empresa sócia com um template PJ",
  estrangeiro: "sócio estrangeiro sem CPF: não há documento brasileiro para consultar",
  cpf_indisponivel: "CPF mascarado ou incompleto na fonte: não pode ser consultado",
  limite_de_socios: "além do limite de sócios analisados do template",
};

const unscreened = (p: QsaPartner, code: UnscreenedPartner["reason_code"], cpf?: string): UnscreenedPartner => ({
  nome: p.nome,
  // A full CPF never leaves the run object in clear; masked or company documents are shown as given.
  documento: cpf ? maskCpf(cpf) : p.documento,
  qualificacao: p.qualificacao,
  tipo: p.tipo,
  reason_code: code,
  reason: UNSCREENED_REASON[code],
});

/**
 * The partner plan of a company. Empty when the template has no partner runs
 * or the company was already rejected by a critical block (nothing to decide).
 * The same CPF twice in the QSA is one partner, not a gap; so is the same
 * masked CPF (visible digits) under the same name.
 */
export function planPartners(
  snapshot: TemplateSnapshot,
  results: readonly SourceResult[],
  blocked: boolean,
  opts: PartnerPlanOptions = {},
): PartnerPlan {
  const plan: PartnerPlan = { selected: [], listed: [], unscreened: [] };
  if (!snapshot.partner_runs || snapshot.subject_type !== "pj" || blocked) return plan;
  const max = snapshot.partner_runs.max_partners;
  const seen = new Set<string>();
  const full = () => plan.selected.length + plan.listed.length >= max;
  for (const p of qsaOf(results)) {
    if (p.tipo === "pj") {
      plan.unscreened.push(unscreened(p, "pessoa_juridica"));
      continue;
    }
    const doc = p.documento.replace(/[.\-/\s]/g, "");
    if (!/^\d{11}$/.test(doc)) {
      // A person without a full CPF is still a name (and often six digits and an age band) the lists can screen.
      if (p.tipo === "pf" && opts.screenMaskedOnLists && p.nome.trim() !== "") {
        const visible = visibleDigitsOf(p);
        const key = `masked:${visible ?? ""}:${nameKey(p.nome)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (full()) plan.unscreened.push({ ...unscreened(p, "limite_de_socios"), documento: maskVisibleCpf(visible) });
        else plan.listed.push(listedPartner(p, visible));
        continue;
      }
      plan.unscreened.push(unscreened(p, p.tipo === "estrangeiro" ? "estrangeiro" : "cpf_indisponivel"));
      continue;
    }
    if (seen.has(doc)) continue;
    seen.add(doc);
    if (full()) {
      plan.unscreened.push(unscreened(p, "limite_de_socios", doc));
      continue;
    }
    plan.selected.push({ ...p, documento: doc });
  }
  return plan;
}

/** Why a partner run never gave an outcome, when the parent records it itself (the outcome's `reason`). */
export const PARTNER_GAP_REASONS = {
  noCredits: "a análise do sócio não foi iniciada: créditos insuficientes",
  templateUnavailable: "a análise do sócio não foi iniciada: template de sócios indisponível",
  deadlinePassed: "a análise do sócio não terminou dentro do prazo de espera da empresa",
} as const;

/**
 * Why a partner run leaves its company without a beneficial owner's screening
 * (pt-BR), or null when the partner was screened. A partner that failed, was
 * cancelled, ended on hold, or had not ended when the parent stopped waiting
 * counts as missing tier-1 data: the company goes at least to `hold`.
 */
export function partnerGap(p: PartnerOutcome): string | null {
  if (p.reason) return p.reason;
  switch (p.status) {
    case "failed":
      return "a análise do sócio falhou sem decisão";
    case "cancelado":
      return "a análise do sócio foi cancelada";
    case "completed":
    case "partial":
      return p.operative_decision === "hold" ? "a análise do sócio ficou em espera (hold): faltam dados de fontes essenciais" : null;
    default:
      return "a análise do sócio não terminou no prazo";
  }
}

/**
 * The subject as sources after the identity source see it: when the request
 * gave no name, the name the Receita source returned (name-based lists need one);
 * when it gave no birth date, the Receita source's (the lists need it to tell
 * homonyms apart, contract §14); the gender when the source gives one.
 */
export function subjectWithIdentity(subject: Subject, results: readonly SourceResult[]): Subject {
  const identity = results.find((r) => r.source === (subject.type === "pf" ? "receita_federal_cpf" : "receita_federal_cnpj"));
  if (!identity || identity.status === "ERROR") return subject;
  const out = { ...subject };
  if (!out.name?.trim()) {
    const raw = subject.type === "pf" ? identity.data?.nome : (identity.data?.razao_social ?? identity.data?.nome);
    if (typeof raw === "string" && raw.trim() !== "") out.name = raw.trim();
  }
  if (subject.type === "pf") {
    const born = identity.data?.data_nascimento;
    if (!out.birth_date && typeof born === "string" && ISO_DATE.test(born)) out.birth_date = born;
    const gender = genderOf(identity.data?.sexo);
    if (!out.gender && gender) out.gender = gender;
  }
  return out;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** "M" / "F" from the ways providers write it ("M", "Masculino", 1 …), or null. */
function genderOf(v: unknown): "M" | "F" | null {
  const s = typeof v === "string" ? v.trim().toUpperCase() : "";
  if (s === "M" || s === "MASCULINO" || s === "MALE") return "M";
  if (s === "F" || s === "FEMININO" || s === "FEMALE") return "F";
  return null;
}

/**
 * The birth years an age band allows in `year` (the year the band was given:
 * someone 31–40 in 2026 was born 1985–1995; the band is computed on a date inside
 * the year, so one more year each side is possible and left to the evidence's
 * slack). Null for 0, unknown codes, or no band.
 */
export function birthYearsOfAgeBand(band: QsaPartner["faixa_etaria"], year: number): { from: number; to: number } | null {
  // The registry computed the years at its month's extraction date: better than the run's year.
  if (band && typeof band === "object") return Number.isInteger(band.nascimento_de) && Number.isInteger(band.nascimento_ate) ? { from: band.nascimento_de, to: band.nascimento_ate } : null;
  const code = typeof band === "number" ? String(band) : typeof band === "string" ? band.trim() : null;
  return birthYearRange(code, String(year));
}

/**
 * A partner run's subject: its CPF and name, and what the company's QSA says of
 * it — its birth date when the provider gives one, else the years its age band
 * allows (as of `year`, the company run's): a listed person born outside them is
 * another person (contract §14).
 */
export function partnerSubject(p: { document: string; name: string }, qsa: readonly QsaPartner[], year: number): Subject {
  const entry = qsa.find((q) => q.documento.replace(/[.\-/\s]/g, "") === p.document);
  return withQsaAge({ type: "pf", document: p.document, name: p.name }, entry, year);
}

/**
 * A partner known only by a masked CPF, as its list searches see it: its name,
 * the six visible digits (`document` stays empty: there is no full CPF), and
 * its birth date or the years its age band allows.
 */
export function listedPartnerSubject(p: ListedPartner, year: number): Subject {
  const subject: Subject = { type: "pf", document: "", name: p.nome };
  if (p.cpf_visivel) subject.masked_cpf = p.cpf_visivel;
  return withQsaAge(subject, p, year);
}

/** What the QSA says of a partner's age, on its subject: the birth date when given, else its age band's years. */
function withQsaAge(subject: Subject, entry: Pick<QsaPartner, "data_nascimento" | "faixa_etaria"> | undefined, year: number): Subject {
  if (entry?.data_nascimento && ISO_DATE.test(entry.data_nascimento)) return { ...subject, birth_date: entry.data_nascimento };
  const years = birthYearsOfAgeBand(entry?.faixa_etaria, year);
  return years ? { ...subject, birth_years: years } : subject;
}
