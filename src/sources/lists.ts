// List-backed sources (contract §14): in live mode, the catalogue sources below
// answer from the service's own copy of the official lists (src/screening)
// when no provider is configured for them — no outbound call at run time.
//
// Outcomes:
// - a document match (exact CPF/CNPJ; for masked lists the visible CPF digits
//   plus a name match) or a `strong` name match → INVALID: a hit, the
//   template's on_hit applies;
// - only `possible` name matches → INVALID with `possible_match`: the decision
//   caps its effect at review (src/domain/decision.ts `resultEffect`), the
//   finding lists the candidates;
// - nothing → VALID;
// - a list without a loaded version → ERROR (never VALID: nobody screened);
// - a person on a list that publishes CPFs masked (CEIS, CNEP) with no name →
//   ERROR (the six visible digits alone identify nobody); name-screened sources
//   without a name never get here (executor, NO_SUBJECT_NAME_REASON).
// Every answer records the list versions it used (`data.listas`: id, sha256,
// fetched_at), so a run can be replayed against exactly those versions.
import { DomainError } from "../domain/errors";
import type { AdapterAnswer, SourceDefinition, SourceKey, Subject } from "../domain/types";
import { searchListsInEngine, type ClearedMatch, type ScoredEntity, type SearchOutcome, type SearchQuery } from "../screening/client";
import { explainContradiction, explainReasons } from "../screening/match/explain";
import type { ListId } from "../screening/types";
import type { SourceAdapter } from "./adapter";
import { NO_SUBJECT_NAME_REASON } from "./catalog";

/** Which lists back which catalogue source (contract §14). */
export const LISTS_BY_SOURCE: Readonly<Partial<Record<SourceKey, readonly ListId[]>>> = {
  ofac_sdn: ["ofac_sdn", "ofac_cons"],
  un_sanctions: ["un_sc"],
  eu_sanctions: ["eu_fsf"],
  uk_sanctions: ["uk_fcdo"],
  cgu_ceis: ["cgu_ceis"],
  cgu_cnep: ["cgu_cnep"],
  pep_coaf: ["cgu_pep"],
  sit_trabalho_escravo: ["mte_empregadores"],
};

export const isListBacked = (key: SourceKey): boolean => Object.hasOwn(LISTS_BY_SOURCE, key);

/** Lists that publish persons' CPFs masked: a person is found there by name + visible digits only. */
const MASKED_CPF_SOURCES: ReadonlySet<SourceKey> = new Set<SourceKey>(["cgu_ceis", "cgu_cnep", "pep_coaf"]);

/** Candidates kept in a source result (the data budget is 8 KiB: src/domain/result-limits.ts). */
const MAX_MATCHES_IN_DATA = 5;

export const listNotReadyReason = (list: string): string =>
  `Lista ${list} sem versão carregada neste ambiente; a fonte não pôde ser consultada.`;

const STORE_FAILURE_REASON = "Falha ao consultar as listas de triagem.";

const correspondencia = (m: ScoredEntity) => (m.basis === "document" ? "documento" : m.strength === "strong" ? "forte" : "possivel");

/** A listed record as a source result shows it (pt-BR keys, like the other sources' data; no listed documents). */
const matchData = (m: ScoredEntity) => ({
  lista: m.list,
  entity_id: m.entity_id,
  tipo: m.entity_type,
  nome: m.name,
  nome_correspondente: m.matched_name,
  score: m.score,
  correspondencia: correspondencia(m),
  motivos: m.reasons,
  explicacao: explainReasons(m.reasons),
  programas: m.programs,
  listado_em: m.listed_on,
  ...(m.birth_dates.length ? { datas_nascimento: m.birth_dates } : {}),
  ...(m.nationalities.length ? { nacionalidades: m.nationalities } : {}),
  ...(Object.keys(m.entity.details).length ? { detalhes: m.entity.details } : {}),
});

/** A homonym the evidence ruled out, as /detail shows it (contract §14 `cleared`). */
const clearedData = (c: ClearedMatch) => ({
  lista: c.list,
  entity_id: c.entity_id,
  nome_correspondente: c.matched_name,
  motivo: c.reason,
  detalhe: explainContradiction(c.contradiction),
});

const detail = (m: ScoredEntity | undefined, key: string): string | null => m?.entity.details[key] ?? null;

/** The fields each source's findings read (src/domain/analysis.ts), from its confirmed hits. */
function sourceFields(key: SourceKey, hits: ScoredEntity[]): Record<string, unknown> {
  const first = hits[0];
  switch (key) {
    case "pep_coaf":
      return first
        ? {
            cargo: detail(first, "funcao"),
            orgao: detail(first, "orgao"),
            inicio_exercicio: detail(first, "inicio_exercicio"),
            fim_exercicio: detail(first, "fim_exercicio"),
            fim_carencia: detail(first, "fim_carencia"),
            registros: hits.length,
          }
        : {};
    case "cgu_ceis":
    case "cgu_cnep":
      return {
        sancoes: hits.map((m) => ({
          tipo: detail(m, "categoria"),
          orgao: detail(m, "orgao_sancionador"),
          processo: detail(m, "processo"),
          inicio: detail(m, "data_inicio"),
          fim: detail(m, "data_fim"),
        })),
      };
    case "sit_trabalho_escravo":
      return first
        ? {
            ano_acao_fiscal: detail(first, "ano_acao_fiscal"),
            uf: detail(first, "uf"),
            trabalhadores_envolvidos: detail(first, "trabalhadores_envolvidos"),
            inclusao_cadastro: first.listed_on,
          }
        : {};
    default:
      return {};
  }
}

/** The adapter answer for a search outcome. */
export function answerFromOutcome(def: SourceDefinition, name: string | undefined, out: SearchOutcome): AdapterAnswer {
  const hits = out.matches.filter((m) => m.basis === "document" || m.strength === "strong");
  const possible = out.matches.filter((m) => !hits.includes(m));
  const shown = (hits.length > 0 ? hits : possible).slice(0, MAX_MATCHES_IN_DATA);
  const data: Record<string, unknown> = {
    listas: out.lists,
    consulta: { nome: name ?? null, limiar: out.threshold },
    ...sourceFields(def.key, hits),
    matches: shown.map(matchData),
  };
  if (out.cleared.length > 0) data.descartados = out.cleared.slice(0, MAX_MATCHES_IN_DATA).map(clearedData);
  if (out.inactive.length > 0) {
    // Ended sanctions, PEPs past grace: shown as information, never a hit.
    data.inativos = out.inactive.slice(0, MAX_MATCHES_IN_DATA).map(matchData);
  }
  const check = def.checks[0];
  if (hits.length > 0) return { status: "INVALID", checks: { [check]: "INVALID" }, data };
  if (possible.length > 0) return { status: "INVALID", checks: { [check]: "INVALID" }, data, possible_match: true };
  return { status: "VALID", checks: { [check]: "VALID" }, data };
}

/** Everything the run knows of its subject goes into its list searches (contract §14 "Runs"). */
export function searchQueryOf(subject: Subject, name: string | undefined, lists: readonly ListId[]): SearchQuery {
  return {
    name,
    type: subject.type,
    // A partner known only by a masked CPF has no document: its six visible digits stand in for it.
    ...(subject.document ? { document: subject.document } : subject.masked_cpf ? { masked_cpf: subject.masked_cpf } : {}),
    lists,
    ...(subject.birth_date ? { birth_date: subject.birth_date } : subject.birth_years ? { birth_years: subject.birth_years } : {}),
    ...(subject.nationality ? { nationality: subject.nationality } : {}),
    ...(subject.gender ? { gender: subject.gender } : {}),
  };
}

export interface ListAdapterOptions {
  /** "Today" for entities whose end date passed after their list was loaded (tests pin it). */
  today?: () => string;
}

/** The adapter of one list-backed catalogue source: searches in kycert-edge-engine, read from the primary (the newest versions). */
export function createListAdapter(engine: Pick<Env, "ENGINE">, def: SourceDefinition, opts: ListAdapterOptions = {}): SourceAdapter {
  const lists = LISTS_BY_SOURCE[def.key];
  if (!lists) throw new Error(`${def.key} is not backed by a list`);
  return {
    async query({ subject }) {
      if (!def.subjects.includes(subject.type)) {
        const who = subject.type === "pf" ? "pessoa física" : "pessoa jurídica";
        return { status: "ERROR", reason: `Fonte não se aplica a ${who}.`, retryable: false };
      }
      const name = subject.name?.trim() || undefined;
      if (!name && subject.type === "pf" && MASKED_CPF_SOURCES.has(def.key)) {
        return { status: "ERROR", reason: NO_SUBJECT_NAME_REASON, retryable: false };
      }
      let out: SearchOutcome;
      try {
        out = await searchListsInEngine(engine, searchQueryOf(subject, name, lists), { today: opts.today?.() });
      } catch (err) {
        if (err instanceof DomainError && err.code === "list_not_ready") {
          return { status: "ERROR", reason: listNotReadyReason(err.param ?? lists.join(", ")), retryable: false };
        }
        // D1 or engine hiccups are transient: worth the executor's retry.
        return { status: "ERROR", reason: STORE_FAILURE_REASON, retryable: true };
      }
      return answerFromOutcome(def, name, out);
    },
  };
}

/**
 * Live resolution with the lists: a list-backed source without a configured
 * provider answers from the lists; everything else (and a list-backed source
 * whose provider is configured: SOURCE_URL_<KEY> wins) goes to `live`.
 */
export function withListBackedSources(
  live: (def: SourceDefinition) => SourceAdapter,
  hasProvider: (key: SourceKey) => boolean,
  engine: Pick<Env, "ENGINE">,
): (def: SourceDefinition) => SourceAdapter {
  const cache = new Map<SourceKey, SourceAdapter>();
  return (def) => {
    if (!isListBacked(def.key) || hasProvider(def.key)) return live(def);
    let adapter = cache.get(def.key);
    if (!adapter) cache.set(def.key, (adapter = createListAdapter(engine, def)));
    return adapter;
  };
}
