/**
 * Match reasons and contradictions in words (pt-BR), for the people who read
 * them: the findings of a run, the case page, the console's search, the search
 * API's `cleared[].detail`. Derived from the reason codes alone, so a stored
 * result explains itself without the query. Pure.
 */
import type { Contradiction } from "./evidence";
import type { SearchReason } from "./search";

const NAME_DETAIL: Partial<Record<SearchReason, string>> = {
  token_order: "ordem dos nomes trocada",
  missing_middle: "nomes do meio ausentes",
  extra_tokens: "palavras a mais",
  initial: "inicial no lugar do nome",
  initials: "iniciais",
  typo: "grafia aproximada",
  phonetic: "grafia de mesma pronúncia",
  nickname: "apelido",
  transliteration: "transliterado de outro alfabeto",
  joined_tokens: "palavras juntas ou separadas",
  alias: "por um nome alternativo da lista",
  weak_alias: "nome alternativo de baixa qualidade",
};

const NAME_REASONS: ReadonlySet<SearchReason> = new Set<SearchReason>([
  "exact",
  "normalized",
  "token_order",
  "missing_middle",
  "extra_tokens",
  "initial",
  "initials",
  "typo",
  "phonetic",
  "nickname",
  "transliteration",
  "joined_tokens",
  "particle",
  "suffix",
  "title",
  "legal_form",
  "legal_form_conflict",
  "number",
  "conflict",
  "alias",
  "weak_alias",
]);

const EVIDENCE_TEXT: Partial<Record<SearchReason, string>> = {
  cpf_match: "CPF confere",
  cnpj_match: "CNPJ confere",
  cnpj_root_match: "mesma raiz de CNPJ (filial da empresa listada)",
  document_match: "documento de identidade confere",
  masked_cpf_match: "dígitos visíveis do CPF conferem",
  birth_date_match: "data de nascimento confere",
  birth_month_match: "mês e ano de nascimento conferem",
  birth_year_match: "ano de nascimento confere",
  birth_years_within_age_band: "ano de nascimento listado dentro da faixa etária",
  nationality_match: "nacionalidade confere",
  nationality_conflict: "nacionalidade diverge",
  gender_match: "sexo confere",
  gender_conflict: "sexo diverge",
  document_not_given: "documento não informado",
  document_not_listed: "a lista não traz documento comparável",
  birth_date_not_given: "data de nascimento não informada",
  birth_date_not_listed: "a lista não traz data de nascimento",
};

/** "nome confere (ordem dos nomes trocada); ano de nascimento confere; documento não informado". */
export function explainReasons(reasons: readonly string[]): string {
  const rs = reasons as readonly SearchReason[];
  const parts: string[] = [];
  const nameMatched = rs.some((r) => NAME_REASONS.has(r));
  if (nameMatched) {
    const exact = (rs.includes("exact") || rs.includes("normalized")) && !rs.some((r) => NAME_DETAIL[r]);
    const details = rs.map((r) => NAME_DETAIL[r]).filter((d): d is string => !!d);
    parts.push(exact ? "nome idêntico ao listado" : details.length ? `nome confere (${details.join(", ")})` : "nome confere");
  } else parts.push("nome diverge do listado");
  for (const r of rs) {
    const t = EVIDENCE_TEXT[r];
    if (t) parts.push(t);
  }
  return parts.join("; ");
}

const TYPE_TEXT: Record<string, string> = {
  person: "uma pessoa",
  organization: "uma organização",
  vessel: "uma embarcação",
  aircraft: "uma aeronave",
  unknown: "de tipo desconhecido",
};

/** Why a candidate was cleared: "nascimento em 1985-03-02; a lista indica 1963". */
export function explainContradiction(c: Contradiction): string {
  switch (c.kind) {
    case "document":
      return c.document === "cpf"
        ? "CPF diferente do listado"
        : c.document === "cnpj"
          ? "CNPJ de outra raiz: outra empresa"
          : "dígitos visíveis do CPF diferem dos listados";
    case "birth_date":
      return `nascimento em ${c.query}; a lista indica ${c.listed.join(", ")}`;
    case "birth_years":
      return `faixa etária indica nascimento entre ${c.from} e ${c.to}; a lista indica ${c.listed.join(", ")}`;
    case "entity_type":
      return `o titular é ${c.query === "pf" ? "pessoa física" : "pessoa jurídica"}; o registro listado é ${TYPE_TEXT[c.listed] ?? c.listed}`;
  }
}
