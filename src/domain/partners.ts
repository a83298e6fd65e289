// QSA partners of a company (contract §5): which ones get a partner run, which
// cannot be screened and why, and when a partner's outcome leaves the company
// without the data it needs (tier-1 data missing for a beneficial owner).
import { maskCpf } from "./documents";
import type { PartnerOutcome, QsaPartner, SourceResult, Subject, TemplateSnapshot, UnscreenedPartner } from "./types";

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

export interface PartnerPlan {
  /** People with a full CPF, each CPF once, in QSA order, at most `max_partners`: each gets a run. */
  selected: QsaPartner[];
  /** Every other QSA entry, with the reason it gets no run (a finding each, never dropped). */
  unscreened: UnscreenedPartner[];
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
 * The same CPF twice in the QSA is one partner, not a gap.
 */
export function planPartners(snapshot: TemplateSnapshot, results: readonly SourceResult[], blocked: boolean): PartnerPlan {
  const plan: PartnerPlan = { selected: [], unscreened: [] };
  if (!snapshot.partner_runs || snapshot.subject_type !== "pj" || blocked) return plan;
  const seen = new Set<string>();
  for (const p of qsaOf(results)) {
    if (p.tipo === "pj") {
      plan.unscreened.push(unscreened(p, "pessoa_juridica"));
      continue;
    }
    const doc = p.documento.replace(/[.\-/\s]/g, "");
    if (!/^\d{11}$/.test(doc)) {
      plan.unscreened.push(unscreened(p, p.tipo === "estrangeiro" ? "estrangeiro" : "cpf_indisponivel"));
      continue;
    }
    if (seen.has(doc)) continue;
    seen.add(doc);
    if (plan.selected.length >= snapshot.partner_runs.max_partners) {
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
 * Ages of Receita's age bands (the `faixa_etaria` of the QSA: 1 = 0–12, 2 =
 * 13–20, 3 = 21–30 … 8 = 71–80, 9 = over 80; 0 = not applicable).
 */
const AGE_BANDS: Record<number, [number, number]> = {
  1: [0, 12],
  2: [13, 20],
  3: [21, 30],
  4: [31, 40],
  5: [41, 50],
  6: [51, 60],
  7: [61, 70],
  8: [71, 80],
  9: [81, 130],
};

/**
 * The birth years an age band allows in `year` (the year the band was given:
 * someone 31–40 in 2026 was born 1985–1995; the band is computed on a date inside
 * the year, so one more year each side is possible and left to the evidence's
 * slack). Null for 0, unknown codes, or no band.
 */
export function birthYearsOfAgeBand(band: QsaPartner["faixa_etaria"], year: number): { from: number; to: number } | null {
  // The registry computed the years at its month's extraction date: better than the run's year.
  if (band && typeof band === "object") return Number.isInteger(band.nascimento_de) && Number.isInteger(band.nascimento_ate) ? { from: band.nascimento_de, to: band.nascimento_ate } : null;
  const code = typeof band === "number" ? band : typeof band === "string" && /^\d$/.test(band.trim()) ? Number(band.trim()) : NaN;
  const ages = AGE_BANDS[code];
  return ages ? { from: year - ages[1] - 1, to: year - ages[0] } : null;
}

/**
 * A partner run's subject: its CPF and name, and what the company's QSA says of
 * it — its birth date when the provider gives one, else the years its age band
 * allows (as of `year`, the company run's): a listed person born outside them is
 * another person (contract §14).
 */
export function partnerSubject(p: { document: string; name: string }, qsa: readonly QsaPartner[], year: number): Subject {
  const subject: Subject = { type: "pf", document: p.document, name: p.name };
  const entry = qsa.find((q) => q.documento.replace(/[.\-/\s]/g, "") === p.document);
  if (entry?.data_nascimento && ISO_DATE.test(entry.data_nascimento)) subject.birth_date = entry.data_nascimento;
  else {
    const years = birthYearsOfAgeBand(entry?.faixa_etaria, year);
    if (years) subject.birth_years = years;
  }
  return subject;
}
