// A company as GET /api/v1/companies/{cnpj} shows it (contract §18), and as the
// registry-backed `receita_federal_cnpj` source reports it: the establishment
// asked for (a branch answers as itself) with its company's data, codes with
// their labels from the month's reference tables and the code tables. A code
// the tables do not have keeps its code with a null label (quirk 7).
import { formatCnpj } from "../domain/documents";
import { AGE_BANDS, PARTNER_TYPES, PORTE_LABELS, registryPartnerDocument, SITUACAO_LABELS } from "../domain/registry";
import type { BuildIndex, ReferenceTables } from "./build";
import type { ServingBuild } from "./reader";
import type { CompanyRecord, EstablishmentRow, PartnerRow } from "./record";

export interface Coded {
  code: string;
  label: string | null;
}

const coded = (code: string | null, labels: Readonly<Record<string, string>>): Coded | null =>
  code === null ? null : { code, label: labels[code] ?? null };

export interface PartnerView {
  nome: string | null;
  tipo: "pf" | "pj" | "estrangeiro" | null;
  documento: string | null;
  qualificacao: Coded | null;
  desde: string | null;
  faixa_etaria: Coded | null;
  pais: Coded | null;
}

export interface CompanyView {
  object: "company";
  cnpj: string;
  cnpj_root: string;
  matriz: boolean;
  razao_social: string | null;
  nome_fantasia: string | null;
  situacao_cadastral: { code: string | null; label: string | null; since: string | null; reason: Coded | null };
  data_abertura: string | null;
  natureza_juridica: Coded | null;
  porte: Coded | null;
  capital_social: number | null;
  cnae_principal: Coded | null;
  cnaes_secundarios: Coded[];
  endereco: {
    logradouro: string | null;
    numero: string | null;
    complemento: string | null;
    bairro: string | null;
    cep: string | null;
    municipio: Coded | null;
    uf: string | null;
    pais: Coded | null;
  };
  simples: { optante: boolean | null; desde: string | null; ate: string | null } | null;
  mei: { optante: boolean | null; desde: string | null; ate: string | null } | null;
  socios: PartnerView[];
  estabelecimentos: number;
  source: { month: string; extraction_date: string };
}

export function partnerView(p: PartnerRow, tables: ReferenceTables): PartnerView {
  const band = p[9] && p[9] !== "0" ? AGE_BANDS[p[9]] : undefined;
  return {
    nome: p[1],
    tipo: p[0] ? (PARTNER_TYPES[p[0]] ?? null) : null,
    documento: registryPartnerDocument(p[2]),
    qualificacao: coded(p[3], tables.qualificacoes),
    desde: p[4],
    faixa_etaria: p[9] && p[9] !== "0" ? { code: p[9], label: band?.label ?? null } : null,
    pais: coded(p[5], tables.paises),
  };
}

const option = (flag: string | null, from: string | null, to: string | null) =>
  flag === null && from === null && to === null ? null : { optante: flag === null ? null : flag === "S", desde: from, ate: to };


export function companyView(record: CompanyRecord, est: EstablishmentRow, index: BuildIndex, build: ServingBuild): CompanyView {
  const t = index.tables;
  const c = record.company;
  const s = record.simples;
  const street = [est[12], est[13]].filter(Boolean).join(" ");
  return {
    object: "company",
    cnpj: formatCnpj(`${record.root}${est[0]}${est[1]}`),
    cnpj_root: record.root,
    matriz: est[2] === "1",
    razao_social: c?.[0] ?? null,
    nome_fantasia: est[3],
    situacao_cadastral: {
      code: est[4],
      label: est[4] ? (SITUACAO_LABELS[est[4]] ?? null) : null,
      since: est[5],
      reason: coded(est[6], t.motivos),
    },
    data_abertura: est[9],
    natureza_juridica: coded(c?.[1] ?? null, t.naturezas),
    porte: coded(c?.[4] ?? null, PORTE_LABELS),
    capital_social: c?.[3] ?? null,
    cnae_principal: coded(est[10], t.cnaes),
    cnaes_secundarios: est[11].map((code) => ({ code, label: t.cnaes[code] ?? null })),
    endereco: {
      logradouro: street || null,
      numero: est[14],
      complemento: est[15],
      bairro: est[16],
      cep: est[17],
      municipio: coded(est[19], t.municipios),
      uf: est[18],
      pais: coded(est[8], t.paises),
    },
    simples: s ? option(s[0], s[1], s[2]) : null,
    mei: s ? option(s[3], s[4], s[5]) : null,
    socios: record.partners.map((p) => partnerView(p, t)),
    estabelecimentos: record.establishments.length,
    source: { month: build.month, extraction_date: build.extractionDate },
  };
}
