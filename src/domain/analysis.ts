// The analysis of a terminal bureau run (contract §8). Pure and deterministic:
// the same stored results give a deeply-equal object with byte-identical JSON —
// every object is built in a fixed key order, every list in template order, and
// nothing reads the clock or randomness.
import { SOURCE_CATALOG } from "../sources/catalog";
import {
  MISSING_DATA_FACTOR,
  bandFor,
  calledSources,
  invalidChecks,
  partnerContribution,
  finalizeScore,
  resultEffect,
  type CalledSource,
} from "./decision";
import { formatCnpj, maskCpf, maskVisibleCpf, normalizeDocument } from "./documents";
import { nameKey } from "./names";
import { partnerGap } from "./partners";
import type {
  BureauRunAnalysis,
  DecisionOutcome,
  Dimension,
  DimensionSummary,
  Finding,
  OnHit,
  PartnerListScreening,
  PartnerOutcome,
  Severity,
  SourceKey,
  SourceResult,
  SubjectProfilePF,
  SubjectProfilePJ,
  SubjectType,
  TemplateSnapshot,
  UnscreenedPartner,
} from "./types";

/** Version of the analysis rules; bumped whenever findings, titles or scores change. */
export const ANALYSIS_VERSION = "2026-12-07";

export const DIMENSIONS: readonly Dimension[] = [
  "identidade",
  "sancoes",
  "pep",
  "judicial",
  "trabalhista",
  "integridade",
  "reputacional",
  "societario",
];

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critico: 0, alto: 1, medio: 2, baixo: 3, info: 4 };
const SEVERITY_BY_EFFECT: Readonly<Record<OnHit, Severity>> = { block: "critico", review: "alto", info: "baixo" };

const CHECK_ERROR = "disponibilidade";
const CHECK_NO_DATA = "sem_dados";
const CHECK_PARTNER = "socio";
const CHECK_PARTNER_GAP = "socio_sem_triagem";
const CHECK_PARTNER_UNSCREENED = "socio_nao_analisado";
const CHECK_PARTNER_LISTS = "socio_listas";
const CHECK_PARTNER_FULL_CPF = "socio_sem_cpf_completo";

// ── Safe reading of stored `data` (may be missing, partial or of any shape) ──

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

const own = (obj: unknown, key: string): unknown =>
  isRecord(obj) && Object.hasOwn(obj, key) ? obj[key] : undefined;

const setOwn = (obj: Record<string, unknown>, key: string, value: unknown): void => {
  // defineProperty, not assignment: a stored key named "__proto__" must stay data.
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
};

const MAX_EVIDENCE_DEPTH = 8;

/** JSON-safe deep copy with JSON.stringify's semantics, so the result round-trips identically. */
const toJson = (v: unknown, depth = 0): Json | undefined => {
  if (v === null) return null;
  switch (typeof v) {
    case "string":
    case "boolean":
      return v;
    case "number":
      return Number.isFinite(v) ? (Object.is(v, -0) ? 0 : v) : null;
    case "object": {
      if (depth >= MAX_EVIDENCE_DEPTH) return null;
      if (Array.isArray(v)) return v.map((x) => toJson(x, depth + 1) ?? null);
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v as object)) {
        const j = toJson((v as Record<string, unknown>)[k], depth + 1);
        if (j !== undefined) setOwn(out, k, j);
      }
      return out as { [k: string]: Json };
    }
    default:
      return undefined;
  }
};

const str = (v: unknown): string | null => {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return null;
};

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** `1234.5` → `1.234,50` (fixed pt-BR format, independent of the runtime's Intl data). */
const brl = (n: number): string => {
  const [int, dec] = Math.abs(n).toFixed(2).split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${n < 0 ? "-" : ""}${grouped},${dec}`;
};

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

// ── Documents of QSA partners ───────────────────────────────────────────────

/** Digits 4–9 of a CPF, from a full CPF or from any mask that shows them. */
const cpfVisibleKey = (raw: string): string => {
  const n = normalizeDocument(raw);
  if (/^\d{11}$/.test(n)) return n.slice(3, 9);
  if (n.includes("*")) {
    const digits = n.replace(/\D/g, "");
    if (digits.length === 6) return digits;
  }
  return "";
};

/** A QSA partner's document as the analysis may show it: CPF masked, CNPJ formatted. */
const displayPartnerDocument = (tipo: unknown, raw: unknown): string => {
  const s = typeof raw === "string" ? raw : "";
  const n = normalizeDocument(s);
  if (n === "") return "";
  if (tipo === "pj" || (tipo !== "pf" && /^[0-9A-Z]{12}\d{2}$/.test(n))) return formatCnpj(n);
  if (/^\d{11}$/.test(n)) return maskCpf(n);
  const key = cpfVisibleKey(n);
  if (key) return maskVisibleCpf(key);
  // Anything else (a foreign document, a malformed value) is personal data we cannot mask reliably.
  return tipo === "pf" ? "***.***.***-**" : "***";
};

/** A total order on partner outcomes (run id first), so their input order never shows. */
const partnerKey = (p: PartnerOutcome): string =>
  JSON.stringify([p.run_id, p.decision, p.risk_band, p.status, p.name, p.documento_mascarado, p.qualificacao]);
const byPartnerKey = (a: PartnerOutcome, b: PartnerOutcome) => {
  const ka = partnerKey(a);
  const kb = partnerKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/**
 * The partner run of a QSA entry: by the visible CPF digits when both sides have
 * them (name breaks ties), else by normalised name. Company partners get no run.
 */
const matchPartnerRun = (entry: Record<string, unknown>, partners: readonly PartnerOutcome[]): string | null => {
  if (own(entry, "tipo") === "pj") return null;
  const docKey = cpfVisibleKey(str(own(entry, "documento")) ?? "");
  const name = nameKey(str(own(entry, "nome")) ?? "");
  const keyOf = (p: PartnerOutcome) => cpfVisibleKey(str(p.documento_mascarado) ?? "");
  // Different visible digits on both sides: a homonym, never a match.
  const compatible = partners.filter((p) => !docKey || !keyOf(p) || keyOf(p) === docKey);
  const byDoc = docKey ? compatible.filter((p) => keyOf(p) === docKey) : [];
  if (byDoc.length > 0) return (byDoc.find((p) => nameKey(p.name) === name) ?? byDoc[0]).run_id;
  if (!name) return null;
  return compatible.find((p) => nameKey(p.name) === name)?.run_id ?? null;
};

const qsaEntries = (data: unknown): Record<string, unknown>[] => {
  const qsa = own(data, "qsa");
  return Array.isArray(qsa) ? qsa.filter(isRecord) : [];
};

// ── Evidence ────────────────────────────────────────────────────────────────

// List-backed sources (src/sources/lists.ts) add `matches` (the listed records
// found, or the candidates of a possible match) and `listas` (the list versions used).
const LIST_KEYS = ["matches", "listas"] as const;
const SANCTION_KEYS = ["sancoes"] as const;
const CGU_LIST_KEYS = ["sancoes", "matches", "listas"] as const;
const PROCESS_KEYS = ["processos"] as const;

/** The part of each source's `data` that supports a finding (per check where it differs). */
const EVIDENCE_KEYS: Readonly<Record<SourceKey, Readonly<Record<string, readonly string[]>> | readonly string[]>> = {
  receita_federal_cpf: {
    situacao_cadastral: ["situacao_cadastral", "situacao_codigo"],
    registro_obito: ["obito"],
    nome_confere: ["nome", "nome_confere"],
  },
  receita_federal_cnpj: {
    situacao_cadastral: ["razao_social", "situacao_cadastral"],
    qsa: ["qsa"],
  },
  cnj_mandados_prisao: ["mandados"],
  ofac_sdn: LIST_KEYS,
  un_sanctions: LIST_KEYS,
  eu_sanctions: LIST_KEYS,
  uk_sanctions: LIST_KEYS,
  icij_offshore: LIST_KEYS,
  pep_coaf: ["cargo", "orgao", "inicio_exercicio", "fim_carencia", "matches", "listas"],
  cgu_ceis: CGU_LIST_KEYS,
  cgu_cnep: CGU_LIST_KEYS,
  cgu_cnc: SANCTION_KEYS,
  sit_trabalho_escravo: ["ano_acao_fiscal", "uf", "trabalhadores_envolvidos", "inclusao_cadastro", "matches", "listas"],
  protestos: ["quantidade", "valor_total", "cartorios"],
  cnj_seeu_processos: PROCESS_KEYS,
  trf_processos: PROCESS_KEYS,
  tse_doadores: ["doacoes"],
};

const evidenceKeys = (source: SourceKey, check: string | null): readonly string[] => {
  const spec = EVIDENCE_KEYS[source];
  if (Array.isArray(spec)) return spec;
  const perCheck = spec as Readonly<Record<string, readonly string[]>>;
  if (check !== null && Object.hasOwn(perCheck, check)) return perCheck[check];
  // No specific check (NO_DATA): the union of the source's keys, in declaration order.
  return [...new Set(Object.values(perCheck).flat())];
};

/**
 * The relevant keys of `data`, in a fixed order; QSA documents are masked. When
 * none of the expected keys is present, the whole (JSON-safe) data is the evidence
 * — except for the Receita sources, whose data holds the QSA's documents.
 */
const sourceEvidence = (source: SourceKey, check: string | null, data: unknown): Record<string, unknown> => {
  if (!isRecord(data)) return {};
  const out: Record<string, unknown> = {};
  for (const key of evidenceKeys(source, check)) {
    if (!Object.hasOwn(data, key)) continue;
    if (key === "qsa") {
      setOwn(
        out,
        "qsa",
        qsaEntries(data).map((e) => ({
          nome: str(own(e, "nome")) ?? "",
          documento: displayPartnerDocument(own(e, "tipo"), own(e, "documento")),
          tipo: str(own(e, "tipo")),
          qualificacao: str(own(e, "qualificacao")) ?? "",
        })),
      );
      continue;
    }
    const j = toJson(data[key]);
    if (j !== undefined) setOwn(out, key, j);
  }
  if (Object.keys(out).length > 0 || !Array.isArray(EVIDENCE_KEYS[source])) return out;
  const whole = toJson(data);
  return isRecord(whole) ? whole : {};
};

// ── Titles and descriptions (pt-BR) ─────────────────────────────────────────

const TITLES: Readonly<Partial<Record<SourceKey, string | Readonly<Record<string, string>>>>> = {
  receita_federal_cpf: {
    situacao_cadastral: "CPF com situação cadastral irregular",
    registro_obito: "Registro de óbito vinculado ao CPF",
    nome_confere: "Nome não confere com o CPF",
  },
  receita_federal_cnpj: {
    situacao_cadastral: "CNPJ com situação cadastral irregular",
    qsa: "Irregularidade no quadro societário (QSA)",
  },
  cnj_mandados_prisao: "Mandado de prisão ativo",
  ofac_sdn: "Correspondência na lista OFAC SDN",
  un_sanctions: "Correspondência na lista de sanções da ONU",
  eu_sanctions: "Correspondência na lista de sanções da União Europeia",
  uk_sanctions: "Correspondência na lista de sanções do Reino Unido",
  pep_coaf: "Pessoa exposta politicamente (PEP)",
  cgu_ceis: "Sanção ativa no CEIS",
  cgu_cnep: "Punição ativa no CNEP (Lei Anticorrupção)",
  cgu_cnc: "Condenação por improbidade administrativa",
  sit_trabalho_escravo: "Empregador na lista de trabalho escravo",
  protestos: "Protestos em cartório",
  cnj_seeu_processos: "Execução penal em andamento",
  trf_processos: "Processo criminal na Justiça Federal",
  tse_doadores: "Doações de campanha eleitoral",
  icij_offshore: "Vínculo com entidade offshore (ICIJ)",
};

const invalidTitle = (source: SourceKey, check: string): string => {
  const t = TITLES[source];
  if (typeof t === "string") return t;
  if (t && Object.hasOwn(t, check)) return t[check];
  return `Apontamento em ${SOURCE_CATALOG[source].label}`;
};

/** "(similaridade 0,95; nome confere; ano de nascimento confere)": the score and, from the self-hosted lists, the evidence in words. */
const matchNote = (m: unknown): string => {
  const score = num(own(m, "score"));
  const parts = [score === null ? null : `similaridade ${score.toFixed(2).replace(".", ",")}`, str(own(m, "explicacao"))].filter((x): x is string => !!x);
  return parts.length ? ` (${parts.join("; ")})` : "";
};

const firstMatch = (data: unknown): string => {
  const matches = own(data, "matches");
  const m = Array.isArray(matches) ? matches[0] : undefined;
  const nome = str(own(m, "nome"));
  if (!nome) return "o nome do titular corresponde a um registro da lista";
  return `o nome do titular corresponde ao registro "${nome}"${matchNote(m)}`;
};

/** A possible match's title: "Possível correspondência na lista OFAC SDN". */
const possibleTitle = (source: SourceKey, check: string): string => {
  const t = invalidTitle(source, check);
  return `Possível ${t.charAt(0).toLowerCase()}${t.slice(1)}`;
};

const MAX_CANDIDATES_NAMED = 3;

/** A possible match, as a clause: the candidates it rests on (at most three named). */
const possibleClause = (data: unknown): string => {
  const matches = own(data, "matches");
  const named = (Array.isArray(matches) ? matches : [])
    .map((m) => {
      const nome = str(own(m, "nome"));
      return nome ? `"${nome}"${matchNote(m)}` : null;
    })
    .filter((x): x is string => x !== null);
  if (named.length === 0) return "o nome do titular se parece com um registro da lista, sem confirmação";
  const shown = named.slice(0, MAX_CANDIDATES_NAMED).join(", ");
  const more = named.length > MAX_CANDIDATES_NAMED ? ` e mais ${named.length - MAX_CANDIDATES_NAMED}` : "";
  return `o nome do titular se parece com ${plural(named.length, "o registro", "os registros")} ${shown}${more} da lista, sem confirmação (correspondência possível, não forte)`;
};

const countOf = (data: unknown, key: string): number | null => {
  const v = own(data, key);
  return Array.isArray(v) ? v.length : null;
};

/** What an INVALID check means, as a clause (no leading capital, no final period). */
const invalidClause = (source: SourceKey, check: string, data: unknown): string => {
  switch (source) {
    case "receita_federal_cpf":
    case "receita_federal_cnpj": {
      const doc = source === "receita_federal_cpf" ? "CPF" : "CNPJ";
      if (check === "situacao_cadastral") {
        const sit = str(own(data, "situacao_cadastral"));
        return `o ${doc} consta com situação cadastral ${sit ? `"${sit}"` : "irregular"}`;
      }
      if (check === "registro_obito") return "há registro de óbito vinculado ao CPF";
      if (check === "nome_confere") return "o nome informado não confere com o nome registrado para o CPF";
      if (check === "qsa") return "o quadro de sócios e administradores (QSA) apresenta irregularidade";
      break;
    }
    case "cnj_mandados_prisao": {
      const n = countOf(data, "mandados");
      return n && n > 0
        ? `${plural(n, "consta 1 mandado", `constam ${n} mandados`)} de prisão em aberto contra o titular`
        : "consta mandado de prisão em aberto contra o titular";
    }
    case "ofac_sdn":
    case "un_sanctions":
    case "eu_sanctions":
    case "uk_sanctions":
      return firstMatch(data);
    case "icij_offshore":
      return `${firstMatch(data)} de entidades offshore`;
    case "pep_coaf": {
      const cargo = str(own(data, "cargo"));
      const orgao = str(own(data, "orgao"));
      const detail = cargo ? ` (${cargo}${orgao ? `, ${orgao}` : ""})` : "";
      return `o titular é pessoa exposta politicamente${detail}`;
    }
    case "cgu_ceis":
      return "há sanção ativa registrada no Cadastro de Empresas Inidôneas e Suspensas";
    case "cgu_cnep":
      return "há punição ativa registrada no Cadastro Nacional de Empresas Punidas";
    case "cgu_cnc":
      return "há condenação por improbidade administrativa registrada em nome do titular";
    case "sit_trabalho_escravo": {
      const ano = str(own(data, "ano_acao_fiscal"));
      const when = ano ? ` (ação fiscal de ${ano})` : "";
      return `o titular consta no cadastro de empregadores que submeteram trabalhadores a condições análogas à de escravo${when}`;
    }
    case "protestos": {
      const q = num(own(data, "quantidade"));
      const v = num(own(data, "valor_total"));
      const base =
        q !== null && q > 0
          ? `${plural(q, "consta 1 protesto", `constam ${q} protestos`)} em cartório`
          : "constam protestos em cartório";
      return v !== null ? `${base}, no valor total de R$ ${brl(v)}` : base;
    }
    case "cnj_seeu_processos":
      return "há execução penal em andamento em nome do titular";
    case "trf_processos": {
      const n = countOf(data, "processos");
      return n && n > 0
        ? `${plural(n, "consta 1 processo criminal", `constam ${n} processos criminais`)} na Justiça Federal`
        : "consta processo criminal na Justiça Federal";
    }
    case "tse_doadores":
      return "constam doações de campanha eleitoral em nome do titular";
  }
  return `a verificação "${check}" foi apontada como irregular`;
};

const EFFECT_SENTENCE: Readonly<Record<OnHit, string>> = {
  block: "Apontamento bloqueante: a análise é reprovada.",
  review: "O apontamento exige revisão manual.",
  info: "Apontamento informativo, sem efeito na decisão.",
};

// ── Findings ────────────────────────────────────────────────────────────────

interface Ranked {
  finding: Finding;
  dimension: Dimension;
  order: number;
}

const dimensionOfCheck = (source: SourceKey, check: string): Dimension =>
  source === "receita_federal_cnpj" && check === "qsa" ? "societario" : SOURCE_CATALOG[source].dimension;

const roundWeight = (w: number): number => (Number.isFinite(w) ? Math.round(Math.round(w * 1e6) / 1e6) : 0);

type FindingBody = Omit<Finding, "id" | "source">;

const sourceFindings = ({ src, result }: CalledSource, order: number): Ranked[] => {
  const source = src.source;
  const label = SOURCE_CATALOG[source].label;
  const data: unknown = result.data;
  const make = (body: FindingBody, o = order): Ranked => ({
    finding: {
      id: `fnd_${source}_${body.check}`,
      source,
      check: body.check,
      severity: body.severity,
      weight: body.weight,
      title: body.title,
      description: body.description,
      evidence: body.evidence,
    },
    dimension: dimensionOfCheck(source, body.check),
    order: o,
  });

  switch (result.status) {
    case "INVALID": {
      // A possible list match is worded as such and never blocks (decision.ts).
      const effect = resultEffect(src, result);
      const possible = result.possible_match === true;
      const checks = invalidChecks(result);
      // An INVALID answer without an INVALID check still gets one finding, on its first catalogue check.
      const list = checks.length > 0 ? checks : [SOURCE_CATALOG[source].checks[0]];
      return list.map((check, i) =>
        make(
          {
            check,
            severity: SEVERITY_BY_EFFECT[effect],
            weight: src.weight,
            title: possible ? possibleTitle(source, check) : invalidTitle(source, check),
            description: `Segundo a fonte "${label}", ${possible ? possibleClause(data) : invalidClause(source, check, data)}. ${EFFECT_SENTENCE[effect]}`,
            evidence: sourceEvidence(source, check, data),
          },
          order + i / 100,
        ),
      );
    }
    case "ERROR": {
      const reason = str(result.reason) ?? "motivo não informado";
      const tier1 =
        src.tier === 1 ? " Por ser uma fonte de nível 1, a decisão operacional fica em espera até nova consulta." : "";
      return [
        make({
          check: CHECK_ERROR,
          severity: src.tier === 1 ? "medio" : "baixo",
          weight: roundWeight(src.weight * MISSING_DATA_FACTOR),
          title: "Fonte sem resposta",
          description: `A fonte "${label}" não respondeu (${reason}); seus dados não entraram na análise.${tier1}`,
          evidence: { reason, attempts: num(result.attempts) ?? 0 },
        }),
      ];
    }
    case "NO_DATA":
      return [
        make({
          check: CHECK_NO_DATA,
          severity: "info",
          weight: roundWeight(src.weight * MISSING_DATA_FACTOR),
          title: "Fonte sem dados sobre o titular",
          description: `A fonte "${label}" respondeu, mas não retornou dados sobre o titular.`,
          evidence: sourceEvidence(source, null, data),
        }),
      ];
    default:
      return [];
  }
};

/** "***.456.789-**, 49-Sócio-Administrador": how a partner is named in findings. */
const partnerWho = (p: PartnerOutcome): string => [p.documento_mascarado, p.qualificacao].filter((x) => typeof x === "string" && x !== "").join(", ");

/** A finding's id for a partner: its run's, or (screened on the lists, no run) its position among the partners. */
const partnerFindingId = (base: string, p: PartnerOutcome, order: number, usedIds: Set<string>): string =>
  uniqueId(p.run_id ? `${base}_${p.run_id}` : `${base}_lists_${order}`, usedIds);

/** A finding about a partner: source `partner_runs`, dimension `societario`. */
const partnerRanked = (id: string, body: FindingBody, order: number): Ranked => ({
  finding: { id, source: "partner_runs", check: body.check, severity: body.severity, weight: body.weight, title: body.title, description: body.description, evidence: body.evidence },
  dimension: "societario",
  order,
});

/** Who a partner is, first in the evidence of the findings about a partner screened on the lists. */
const partnerEvidence = (p: PartnerOutcome) => ({ nome: p.name, documento: p.documento_mascarado, qualificacao: p.qualificacao });

const partnerFinding = (p: PartnerOutcome, order: number, usedIds: Set<string>): Ranked | null => {
  if (p.decision !== "rejected" && p.decision !== "review") return null;
  if (p.list_screening) return partnerListsFinding(p, p.list_screening, order, usedIds);
  const rejected = p.decision === "rejected";
  const id = partnerFindingId("fnd_partner", p, order, usedIds);
  const who = partnerWho(p);
  return {
    finding: {
      id,
      source: "partner_runs",
      check: CHECK_PARTNER,
      severity: rejected ? "alto" : "medio",
      weight: partnerContribution(p),
      title: rejected ? "Sócio com análise reprovada" : "Sócio com análise em revisão",
      description:
        `A análise do sócio ${p.name}${who ? ` (${who})` : ""} resultou em ${rejected ? "reprovação" : "revisão"}. ` +
        "Por isso, a empresa exige no mínimo revisão manual.",
      evidence: {
        run_id: p.run_id,
        nome: p.name,
        documento: p.documento_mascarado,
        qualificacao: p.qualificacao,
        decision: p.decision,
        risk_band: p.risk_band,
      },
    },
    dimension: "societario",
    order,
  };
};

const uniqueId = (base: string, usedIds: Set<string>): string => {
  let id = base;
  for (let n = 2; usedIds.has(id); n++) id = `${base}_${n}`;
  usedIds.add(id);
  return id;
};

/** A partner run that left its beneficial owner unscreened: the reason the company is on hold. */
const partnerGapFinding = (p: PartnerOutcome, order: number, usedIds: Set<string>): Ranked | null => {
  const gap = partnerGap(p);
  if (gap === null) return null;
  const who = partnerWho(p);
  return {
    finding: {
      id: partnerFindingId("fnd_partner_gap", p, order, usedIds),
      source: "partner_runs",
      check: CHECK_PARTNER_GAP,
      severity: "alto",
      weight: 0,
      title: "Sócio sem triagem concluída",
      description:
        `${p.list_screening ? `A triagem do sócio ${p.name}${who ? ` (${who})` : ""} não foi concluída` : `O sócio ${p.name}${who ? ` (${who})` : ""} não foi triado`}: ${gap}. ` +
        "Faltam dados essenciais de um beneficiário final, por isso a empresa fica em espera (hold).",
      evidence: {
        run_id: p.run_id,
        nome: p.name,
        documento: p.documento_mascarado,
        qualificacao: p.qualificacao,
        status: p.status,
        motivo: gap,
      },
    },
    dimension: "societario",
    order,
  };
};

/** "ONU — …: "ABDUL HAI SALEK" (nome idêntico ao listado; …)": a partner's list match in words. */
const partnerMatchClause = (m: Record<string, unknown>): string => {
  const fonte = str(own(m, "fonte"));
  const where = fonte && Object.hasOwn(SOURCE_CATALOG, fonte) ? `${SOURCE_CATALOG[fonte as SourceKey].label}: ` : "";
  const nome = str(own(m, "nome")) ?? "registro da lista";
  const kind = str(own(m, "correspondencia")) === "possivel" ? "possível correspondência com " : "";
  return `${where}${kind}"${nome}"${matchNote(m)}`;
};

/** A partner known by a masked CPF whose screening on the lists found someone: what matched, with the evidence in words. */
const partnerListsFinding = (p: PartnerOutcome, screening: PartnerListScreening, order: number, usedIds: Set<string>): Ranked => {
  const rejected = p.decision === "rejected";
  const who = partnerWho(p);
  const named = screening.matches.slice(0, MAX_CANDIDATES_NAMED).map(partnerMatchClause);
  const more = screening.matches.length > MAX_CANDIDATES_NAMED ? `; e mais ${screening.matches.length - MAX_CANDIDATES_NAMED}` : "";
  return partnerRanked(
    partnerFindingId("fnd_partner", p, order, usedIds),
    {
      check: CHECK_PARTNER_LISTS,
      severity: rejected ? "alto" : "medio",
      weight: partnerContribution(p),
      title: rejected ? "Sócio encontrado nas listas de triagem" : "Sócio com correspondência nas listas de triagem",
      description:
        `O sócio ${p.name}${who ? ` (${who})` : ""}, com CPF mascarado na fonte, foi triado nas listas pelo nome, pelos dígitos visíveis do CPF e pela faixa etária: ` +
        `${named.length ? named.join("; ") + more : "correspondência sem registro detalhado"}. ` +
        `A triagem do sócio resultou em ${rejected ? "reprovação" : "revisão"}; por isso, a empresa exige no mínimo revisão manual.`,
      evidence: {
        ...partnerEvidence(p),
        decision: p.decision,
        risk_band: p.risk_band,
        matches: toJson(screening.matches) ?? [],
        listas: toJson(screening.lists) ?? [],
      },
    },
    order,
  );
};

/** A partner known by a masked CPF: the partner template's checks that need the full CPF were not run for it. */
const partnerFullCpfFinding = (p: PartnerOutcome, order: number, usedIds: Set<string>): Ranked | null => {
  const screening = p.list_screening;
  if (!screening || screening.checks_not_run.length === 0) return null;
  const who = partnerWho(p);
  const required = screening.require_full_cpf;
  return partnerRanked(
    partnerFindingId("fnd_partner_full_cpf", p, order, usedIds),
    {
      check: CHECK_PARTNER_FULL_CPF,
      severity: required ? "medio" : "info",
      weight: 0,
      title: "Verificações do sócio que exigem CPF completo não executadas",
      description:
        `O CPF do sócio ${p.name}${who ? ` (${who})` : ""} é mascarado na fonte; as verificações que exigem o CPF completo não foram executadas para ele: ` +
        `${screening.checks_not_run.map((k) => SOURCE_CATALOG[k]?.label ?? k).join(", ")}. ` +
        (required
          ? "O template exige essas verificações: a empresa fica em espera (hold) até que sejam feitas com o CPF completo."
          : "O template não as exige: a decisão da empresa considera a triagem do sócio nas listas."),
      evidence: { ...partnerEvidence(p), verificacoes_nao_executadas: [...screening.checks_not_run], cpf_completo_exigido: required },
    },
    order,
  );
};

/** A QSA entry that got no partner run (company partner, masked CPF, over the cap): said, never dropped. */
const unscreenedFinding = (u: UnscreenedPartner, order: number, usedIds: Set<string>): Ranked => ({
  finding: {
    id: uniqueId(`fnd_partner_unscreened_${order}`, usedIds),
    source: "partner_runs",
    check: CHECK_PARTNER_UNSCREENED,
    severity: "medio",
    weight: 0,
    title: "Sócio do QSA não analisado",
    description: `O sócio ${u.nome}${u.documento ? ` (${u.documento}${u.qualificacao ? `, ${u.qualificacao}` : ""})` : ""} não teve análise própria: ${u.reason}.`,
    evidence: { nome: u.nome, documento: u.documento, qualificacao: u.qualificacao, tipo: u.tipo, motivo: u.reason_code },
  },
  dimension: "societario",
  order,
});

// ── Subject profile ─────────────────────────────────────────────────────────

const profilePF = (data: unknown): SubjectProfilePF => {
  const obito = own(data, "obito");
  return {
    type: "pf",
    nome: str(own(data, "nome")),
    data_nascimento: str(own(data, "data_nascimento")),
    situacao_cadastral: str(own(data, "situacao_cadastral")),
    obito: typeof obito === "boolean" ? obito : null,
  };
};

const cnae = (v: unknown): string | null => {
  const s = str(v);
  if (s !== null) return s;
  const codigo = str(own(v, "codigo"));
  const descricao = str(own(v, "descricao"));
  if (codigo && descricao) return `${codigo} - ${descricao}`;
  return codigo ?? descricao;
};

const profilePJ = (data: unknown, partners: readonly PartnerOutcome[]): SubjectProfilePJ => ({
  type: "pj",
  razao_social: str(own(data, "razao_social")),
  nome_fantasia: str(own(data, "nome_fantasia")),
  situacao_cadastral: str(own(data, "situacao_cadastral")),
  data_abertura: str(own(data, "data_abertura")),
  cnae_principal: cnae(own(data, "cnae_principal")),
  qsa: qsaEntries(data).map((e) => ({
    nome: str(own(e, "nome")) ?? "",
    documento: displayPartnerDocument(own(e, "tipo"), own(e, "documento")),
    qualificacao: str(own(e, "qualificacao")) ?? "",
    run_id: matchPartnerRun(e, partners),
  })),
});

// ── analyze ─────────────────────────────────────────────────────────────────

export interface AnalyzeInput {
  snapshot: TemplateSnapshot;
  subjectType: SubjectType;
  results: SourceResult[];
  partners: PartnerOutcome[];
  /** QSA entries that got no partner run (absent in analyses stored before they were recorded). */
  unscreened?: UnscreenedPartner[];
  outcome: DecisionOutcome;
}

/**
 * Findings: one per INVALID check (severity by effective on_hit: block → critico,
 * review → alto, info → baixo; weight = template weight), one per ERROR source
 * (`disponibilidade`, medio for tier 1 else baixo, weight × 0.25), one per NO_DATA
 * source (`sem_dados`, info, weight × 0.25), one per partner run rejected (alto) /
 * review (medio), one per partner left unscreened by its run (alto: failed, cancelled,
 * on hold, not finished in time, refused), one per QSA entry that got no run (medio:
 * company partner, masked CPF in a sandbox run, over the template's cap). A partner
 * known only by a masked CPF and screened on the lists instead of a run gets, in place
 * of the partner run's finding, one per hit (`socio_listas`, medio for review, alto
 * for rejected, with each match's explanation), and one naming the checks that need
 * the full CPF (`socio_sem_cpf_completo`: info, or medio when the template requires
 * them). Sorted by severity, then template order, partners last.
 *
 * Dimensions: all eight, fixed order. A source's points (the decision's rules) go to
 * its catalogue dimension; receita_federal_cnpj's INVALID `qsa` check and partner
 * runs go to `societario` (which also lists receita_federal_cnpj as its source, the
 * origin of the QSA). A dimension holding a blocking finding is always `alto`.
 */
export const analyze = (input: AnalyzeInput): BureauRunAnalysis => {
  const { snapshot, subjectType, outcome } = input;
  const called = calledSources(snapshot, input.results);
  const partners = [...input.partners].sort(byPartnerKey);

  // Findings, with their dimension and template position.
  const ranked: Ranked[] = [];
  called.forEach((c) => {
    const idx = snapshot.sources.indexOf(c.src);
    ranked.push(...sourceFindings(c, idx));
  });
  const usedIds = new Set(ranked.map((r) => r.finding.id));
  partners.forEach((p, i) => {
    const f = partnerFinding(p, snapshot.sources.length + i, usedIds);
    if (f) ranked.push(f);
    const gap = partnerGapFinding(p, snapshot.sources.length + i, usedIds);
    if (gap) ranked.push(gap);
    const notRun = partnerFullCpfFinding(p, snapshot.sources.length + i, usedIds);
    if (notRun) ranked.push(notRun);
  });
  (input.unscreened ?? []).forEach((u, i) => {
    ranked.push(unscreenedFinding(u, snapshot.sources.length + partners.length + i, usedIds));
  });
  ranked.sort(
    (a, b) => SEVERITY_RANK[a.finding.severity] - SEVERITY_RANK[b.finding.severity] || a.order - b.order,
  );

  // Dimension points, with the decision's contribution rules.
  const points = new Map<Dimension, number>(DIMENSIONS.map((d) => [d, 0]));
  const add = (d: Dimension, n: number) => points.set(d, (points.get(d) ?? 0) + n);
  const weightOf = (w: number) => (Number.isFinite(w) ? Math.max(0, w) : 0);
  for (const { src, result } of called) {
    const home = SOURCE_CATALOG[src.source].dimension;
    if (result.status === "INVALID") {
      const dims = new Set(invalidChecks(result).map((c) => dimensionOfCheck(src.source, c)));
      if (dims.size === 0) dims.add(home);
      for (const d of dims) add(d, weightOf(src.weight));
    } else if (result.status === "ERROR" || result.status === "NO_DATA") {
      add(home, weightOf(src.weight) * MISSING_DATA_FACTOR);
    }
  }
  for (const p of partners) add("societario", partnerContribution(p));

  const dimensions: DimensionSummary[] = DIMENSIONS.map((dimension) => {
    const inDim = ranked.filter((r) => r.dimension === dimension);
    const score = finalizeScore(points.get(dimension) ?? 0);
    const blocking = inDim.some((r) => r.finding.severity === "critico");
    const sources = snapshot.sources
      .filter(
        (s) =>
          SOURCE_CATALOG[s.source].dimension === dimension ||
          (dimension === "societario" && s.source === "receita_federal_cnpj"),
      )
      .map((s) => s.source);
    return {
      dimension,
      risk_band: blocking ? "alto" : bandFor(score, snapshot.thresholds),
      score,
      sources,
      findings_count: inDim.length,
    };
  });

  const identity = called.find(
    (c) => c.src.source === (subjectType === "pf" ? "receita_federal_cpf" : "receita_federal_cnpj"),
  );
  const subject_profile =
    subjectType === "pf" ? profilePF(identity?.result.data) : profilePJ(identity?.result.data, partners);

  const incomplete_sources = called
    .filter((c) => c.result.status === "ERROR")
    .map((c) => ({ source: c.src.source, reason: str(c.result.reason) ?? "motivo não informado" }));

  return {
    decision: outcome.decision,
    operative_decision: outcome.operative_decision,
    risk_band: outcome.risk_band,
    score: outcome.score,
    dimensions,
    findings: ranked.map((r) => r.finding),
    subject_profile,
    incomplete_sources,
  };
};
