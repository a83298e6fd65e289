// Sandbox source adapter (reference/sandbox.md, contract §12). `sk_test_` keys run
// the real pipeline against this adapter: it waits the source's typical latency ×
// SANDBOX_LATENCY_FACTOR, then answers from a fixture table for the documented test
// documents, or a clean deterministic synthetic profile for any other document.
//
// Determinism: answers depend only on (source, subject type, document) — never on
// time, randomness or the optional subject name — so two runs of one document give
// byte-identical `data` and `raw`, hence identical analyses.
import { SANDBOX_TEST_DOCUMENTS, cpfCheckDigits, isSandboxTestDocument } from "../domain/documents";
import type { AdapterAnswer, CheckStatus, QsaPartner, SourceKey, Subject, SubjectType } from "../domain/types";
import type { SourceAdapter, SourceRequest } from "./adapter";
import { SOURCE_CATALOG, SOURCE_KEYS } from "./catalog";

/** What the sandbox does for one source. TIMEOUT = never answers; only the caller's abort ends the wait. */
export type SandboxOutcome = "VALID" | "INVALID" | "ERROR" | "TIMEOUT";

export interface SandboxFixture {
  type: SubjectType;
  /** Normalised document. */
  document: string;
  scenario: string;
  /** Sources that do not answer VALID; every other source answers VALID. */
  outcomes: Partial<Record<SourceKey, Exclude<SandboxOutcome, "VALID">>>;
  /** PJ only: the CPFs of the QSA's fixed partners (synthetic clean partners complete the list). */
  partners?: readonly string[];
  /** PJ only: how many PF partners the QSA has (default 2). */
  partnerCount?: number;
  /** PJ only: QSA entries after the PF partners that no partner run can screen (company, masked CPF, foreigner). */
  unscreenable?: readonly QsaPartner[];
}

/**
 * CNPJ 00.000.000/0020-54: an extra fixture (passes the check-digit rule) with exactly
 * 20 clean synthetic PF partners — the maximum number of partner runs — for benchmarks.
 */
export const SANDBOX_BIG_QSA_CNPJ = "00000000002054";

/** CNPJ 00.000.000/0005-15: one clean PF partner plus a company partner, a masked CPF and a foreign partner. */
export const SANDBOX_UNSCREENABLE_QSA_CNPJ = "00000000000515";

/** CNPJ 00.000.000/0006-04: 22 clean PF partners, two more than the standard template screens. */
export const SANDBOX_OVER_CAP_QSA_CNPJ = "00000000000604";

const all = (outcome: "INVALID" | "ERROR"): SandboxFixture["outcomes"] =>
  Object.fromEntries(SOURCE_KEYS.map((k) => [k, outcome]));

/** CNPJ 00.000.000/0007-87: a clean company whose first partner is the OFAC SDN fixture (CPF 000.000.005-44). */
export const SANDBOX_SANCTIONED_PARTNER_CNPJ = "00000000000787";

const [CPF_CLEAN, , , CPF_PEP, CPF_OFAC] = SANDBOX_TEST_DOCUMENTS.pf;

const FIXTURES: readonly SandboxFixture[] = [
  { type: "pf", document: "00000000191", scenario: "clean, no findings", outcomes: {} },
  { type: "pf", document: "00000000281", scenario: "CPF cancelled (critical block)", outcomes: { receita_federal_cpf: "INVALID" } },
  { type: "pf", document: "00000000372", scenario: "active arrest warrant", outcomes: { cnj_mandados_prisao: "INVALID" } },
  { type: "pf", document: "00000000453", scenario: "active PEP", outcomes: { pep_coaf: "INVALID" } },
  { type: "pf", document: "00000000544", scenario: "OFAC SDN match", outcomes: { ofac_sdn: "INVALID" } },
  { type: "pf", document: "00000000634", scenario: "protests on record", outcomes: { protestos: "INVALID" } },
  { type: "pf", document: "00000000725", scenario: "improbity conviction", outcomes: { cgu_cnc: "INVALID" } },
  {
    type: "pf",
    document: "00000000806",
    scenario: "three sources time out, one of them tier 1",
    outcomes: { cnj_mandados_prisao: "TIMEOUT", protestos: "TIMEOUT", trf_processos: "TIMEOUT" },
  },
  { type: "pf", document: "00000000987", scenario: "every negative flag at once", outcomes: all("INVALID") },
  { type: "pf", document: "00000001082", scenario: "every source ends in ERROR", outcomes: all("ERROR") },
  {
    type: "pj",
    document: "00000000000191",
    scenario: "clean company; QSA of two clean partners",
    outcomes: {},
    partners: [CPF_CLEAN],
  },
  { type: "pj", document: "00000000000276", scenario: "OFAC sanction on the company", outcomes: { ofac_sdn: "INVALID" } },
  {
    type: "pj",
    document: "00000000000357",
    scenario: "a partner in the QSA is a PEP",
    outcomes: {},
    partners: [CPF_PEP],
  },
  {
    type: "pj",
    document: "00000000000438",
    scenario: "employer on the slave-labour registry",
    outcomes: { sit_trabalho_escravo: "INVALID" },
  },
  {
    type: "pj",
    document: SANDBOX_BIG_QSA_CNPJ,
    scenario: "clean company; QSA of 20 clean partners (benchmarks)",
    outcomes: {},
    partnerCount: 20,
  },
  {
    type: "pj",
    document: SANDBOX_UNSCREENABLE_QSA_CNPJ,
    scenario: "QSA entries no partner run can screen (each a finding)",
    outcomes: {},
    partnerCount: 1,
    unscreenable: [
      { nome: "HOLDING EXEMPLO PARTICIPACOES LTDA", documento: "11.222.333/0001-81", tipo: "pj", qualificacao: "22-Sócio" },
      { nome: "JOANA PEREIRA SOUZA", documento: "***.456.789-**", tipo: "pf", qualificacao: "22-Sócio" },
      { nome: "JOHN SMITH", documento: "", tipo: "estrangeiro", qualificacao: "37-Sócio Pessoa Física Residente no Exterior" },
    ],
  },
  {
    type: "pj",
    document: SANDBOX_SANCTIONED_PARTNER_CNPJ,
    scenario: "clean company; a partner in the QSA is on the OFAC SDN list (partner run → rejected)",
    outcomes: {},
    partners: [CPF_OFAC],
  },
  {
    type: "pj",
    document: SANDBOX_OVER_CAP_QSA_CNPJ,
    scenario: "QSA of 22 clean partners: two past the template's cap of 20 (each a finding)",
    outcomes: {},
    partnerCount: 22,
  },
];

const FIXTURE_INDEX = new Map(FIXTURES.map((f) => [`${f.type}:${f.document}`, f]));

export const sandboxFixtureFor = (type: SubjectType, normalizedDocument: string): SandboxFixture | null =>
  FIXTURE_INDEX.get(`${type}:${normalizedDocument}`) ?? null;

export const sandboxOutcome = (source: SourceKey, subject: Subject): SandboxOutcome =>
  sandboxFixtureFor(subject.type, subject.document)?.outcomes[source] ?? "VALID";

// ---------------------------------------------------------------------------
// Deterministic synthetic profiles

/** FNV-1a 32-bit: small, stable, good enough to spread documents over word lists. */
const fnv1a = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
};
const pickIndex = (doc: string, salt: string, n: number): number => fnv1a(`${salt}:${doc}`) % n;
const pick = <T>(doc: string, salt: string, list: readonly T[]): T => list[pickIndex(doc, salt, list.length)];
const pad2 = (n: number) => String(n).padStart(2, "0");

// Receita writes names in uppercase; accents are dropped as in its open data.
const FIRST_NAMES = [
  "MARIANA", "ANA", "JULIANA", "FERNANDA", "CAMILA", "BEATRIZ", "LARISSA", "PATRICIA", "ALINE", "LUCIANA",
  "GABRIELA", "RENATA", "VANESSA", "CAROLINA", "LETICIA", "AMANDA", "BRUNA", "SIMONE", "ADRIANA", "CLAUDIA",
  "HELENA", "MARIA", "JOAO", "PEDRO", "LUCAS", "GABRIEL", "RAFAEL", "GUSTAVO", "FELIPE", "RODRIGO",
  "BRUNO", "THIAGO", "MARCELO", "EDUARDO", "LEONARDO", "RICARDO", "ANDRE", "FABIO", "DIEGO", "VINICIUS",
  "MATEUS", "CARLOS", "JOSE", "ANTONIO", "PAULO", "FRANCISCO", "LUIZ", "SERGIO", "ROBERTO", "DANIEL",
] as const;
const SURNAMES = [
  "SILVA", "SANTOS", "OLIVEIRA", "SOUZA", "RODRIGUES", "FERREIRA", "ALVES", "PEREIRA", "LIMA", "GOMES",
  "COSTA", "RIBEIRO", "MARTINS", "CARVALHO", "ALMEIDA", "LOPES", "SOARES", "FERNANDES", "VIEIRA", "BARBOSA",
  "ROCHA", "DIAS", "NASCIMENTO", "ANDRADE", "MOREIRA", "NUNES", "MARQUES", "MACHADO", "MENDES", "FREITAS",
  "CARDOSO", "RAMOS", "GONCALVES", "SANTANA", "TEIXEIRA", "ARAUJO", "MOURA", "CAVALCANTI", "MONTEIRO", "BATISTA",
  "CAMPOS", "PINTO", "CORREIA", "AZEVEDO",
] as const;
const PARTICLE: Partial<Record<string, string>> = {
  SILVA: "DA SILVA",
  SANTOS: "DOS SANTOS",
  OLIVEIRA: "DE OLIVEIRA",
  SOUZA: "DE SOUZA",
  NASCIMENTO: "DO NASCIMENTO",
  ALMEIDA: "DE ALMEIDA",
  ARAUJO: "DE ARAUJO",
};

export interface SandboxPerson {
  nome: string;
  /** YYYY-MM-DD, between 1950 and 2004. */
  data_nascimento: string;
}

export const sandboxPersonFor = (cpf: string): SandboxPerson => {
  const first = pick(cpf, "first", FIRST_NAMES);
  const s1 = pick(cpf, "s1", SURNAMES);
  const s2Options = SURNAMES.filter((s) => s !== s1);
  const s2raw = pick(cpf, "s2", s2Options);
  const s2 = pickIndex(cpf, "particle", 3) === 0 ? (PARTICLE[s2raw] ?? s2raw) : s2raw;
  const year = 1950 + pickIndex(cpf, "year", 55);
  const month = 1 + pickIndex(cpf, "month", 12);
  const day = 1 + pickIndex(cpf, "day", 28);
  return { nome: `${first} ${s1} ${s2}`, data_nascimento: `${year}-${pad2(month)}-${pad2(day)}` };
};

const COMPANY_CORES = [
  "AURORA", "HORIZONTE", "ATLANTICO", "PIONEIRA", "CRISTAL", "SERRA AZUL", "VALE VERDE", "PRIMAVERA",
  "MERIDIANO", "ESTRELA DO SUL", "NOVA ERA", "TRIUNFO", "IPE AMARELO", "BANDEIRANTE", "CORAL", "PLANALTO",
] as const;
const ACTIVITIES = [
  { ramo: "TECNOLOGIA", cnae: "6201-5/01 — Desenvolvimento de programas de computador sob encomenda" },
  { ramo: "SUPERMERCADOS", cnae: "4711-3/02 — Comércio varejista de mercadorias em geral, com predominância de produtos alimentícios - supermercados" },
  { ramo: "TRANSPORTES", cnae: "4930-2/02 — Transporte rodoviário de carga, exceto produtos perigosos e mudanças, intermunicipal, interestadual e internacional" },
  { ramo: "ENGENHARIA", cnae: "7112-0/00 — Serviços de engenharia" },
  { ramo: "RESTAURANTE", cnae: "5611-2/01 — Restaurantes e similares" },
  { ramo: "CONSTRUTORA", cnae: "4120-4/00 — Construção de edifícios" },
  { ramo: "CONTABILIDADE", cnae: "6920-6/01 — Atividades de contabilidade" },
  { ramo: "CLINICA MEDICA", cnae: "8630-5/03 — Atividade médica ambulatorial restrita a consultas" },
  { ramo: "MATERIAIS DE CONSTRUCAO", cnae: "4744-0/99 — Comércio varejista de materiais de construção em geral" },
  { ramo: "PANIFICADORA", cnae: "1091-1/02 — Fabricação de produtos de padaria e confeitaria com predominância de produção própria" },
  { ramo: "AGRONEGOCIOS", cnae: "0115-6/00 — Cultivo de soja" },
  { ramo: "MARKETING", cnae: "7319-0/02 — Promoção de vendas" },
] as const;
const LEGAL_FORMS = [
  { sufixo: "LTDA", natureza: "206-2 — Sociedade Empresária Limitada" },
  { sufixo: "LTDA", natureza: "206-2 — Sociedade Empresária Limitada" },
  { sufixo: "LTDA", natureza: "206-2 — Sociedade Empresária Limitada" },
  { sufixo: "S.A.", natureza: "205-4 — Sociedade Anônima Fechada" },
] as const;
const CITIES = [
  { municipio: "SAO PAULO", uf: "SP" },
  { municipio: "CAMPINAS", uf: "SP" },
  { municipio: "RIO DE JANEIRO", uf: "RJ" },
  { municipio: "BELO HORIZONTE", uf: "MG" },
  { municipio: "CURITIBA", uf: "PR" },
  { municipio: "PORTO ALEGRE", uf: "RS" },
  { municipio: "FLORIANOPOLIS", uf: "SC" },
  { municipio: "SALVADOR", uf: "BA" },
  { municipio: "RECIFE", uf: "PE" },
  { municipio: "FORTALEZA", uf: "CE" },
  { municipio: "GOIANIA", uf: "GO" },
  { municipio: "BRASILIA", uf: "DF" },
  { municipio: "MANAUS", uf: "AM" },
  { municipio: "BELEM", uf: "PA" },
  { municipio: "VITORIA", uf: "ES" },
] as const;

export interface SandboxCompany {
  razao_social: string;
  nome_fantasia: string;
  data_abertura: string;
  cnae_principal: string;
  natureza_juridica: string;
  endereco: { municipio: string; uf: string };
}

export const sandboxCompanyFor = (cnpj: string): SandboxCompany => {
  const core = pick(cnpj, "core", COMPANY_CORES);
  const activity = pick(cnpj, "activity", ACTIVITIES);
  const form = pick(cnpj, "form", LEGAL_FORMS);
  const city = pick(cnpj, "city", CITIES);
  const year = 1990 + pickIndex(cnpj, "year", 34);
  return {
    razao_social: `${core} ${activity.ramo} ${form.sufixo}`,
    nome_fantasia: `${core} ${activity.ramo}`,
    data_abertura: `${year}-${pad2(1 + pickIndex(cnpj, "month", 12))}-${pad2(1 + pickIndex(cnpj, "day", 28))}`,
    cnae_principal: activity.cnae,
    natureza_juridica: form.natureza,
    endereco: { municipio: city.municipio, uf: city.uf },
  };
};

/**
 * A valid, clean CPF derived from (cnpj, index): never a fixture document (those carry
 * scenarios), never repeated digits, never one already used in the same QSA.
 */
const syntheticPartnerCpf = (cnpj: string, index: number, taken: ReadonlySet<string>): string => {
  for (let salt = 0; ; salt++) {
    const base = String(fnv1a(`socio:${cnpj}:${index}:${salt}`) % 1_000_000_000).padStart(9, "0");
    const cpf = base + cpfCheckDigits(base);
    if (!/^(\d)\1{10}$/.test(cpf) && !isSandboxTestDocument("pf", cpf) && !taken.has(cpf)) return cpf;
  }
};

/** The QSA the sandbox reports for a CNPJ: PF partners with their full normalised CPF, then any entries no partner run can screen. */
export const sandboxQsaFor = (cnpj: string): QsaPartner[] => {
  const fixture = sandboxFixtureFor("pj", cnpj);
  const fixed = fixture?.partners ?? [];
  const count = Math.max(fixture?.partnerCount ?? 2, fixed.length);
  const cpfs: string[] = [...fixed];
  const taken = new Set(cpfs);
  for (let i = cpfs.length; i < count; i++) {
    const cpf = syntheticPartnerCpf(cnpj, i, taken);
    taken.add(cpf);
    cpfs.push(cpf);
  }
  const people: QsaPartner[] = cpfs.map((cpf, i) => ({
    nome: sandboxPersonFor(cpf).nome,
    documento: cpf,
    tipo: "pf",
    qualificacao: i === 0 ? "49-Sócio-Administrador" : "22-Sócio",
  }));
  return [...people, ...(fixture?.unscreenable ?? [])];
};

// ---------------------------------------------------------------------------
// Answers per source

type Body = { data: Record<string, unknown>; raw: Record<string, unknown> };

const SCREENING_LISTS = {
  ofac_sdn: { lista: "OFAC SDN", data_lista: "2026-10-28", programa: "SDNTK" },
  un_sanctions: { lista: "ONU — Lista consolidada do Conselho de Segurança", data_lista: "2026-10-21", programa: "Resolução 1267 (1999)" },
  eu_sanctions: { lista: "UE — Financial Sanctions Files (FSF)", data_lista: "2026-10-30", programa: "Regulamento (UE) 2016/1686" },
  uk_sanctions: { lista: "UK Sanctions List (FCDO)", data_lista: "2026-10-29", programa: "Global Anti-Corruption" },
  // Offshore Leaks is matched by name only, like the sanctions lists; "programa" names the leak.
  icij_offshore: { lista: "ICIJ Offshore Leaks", data_lista: "2026-09-30", programa: "Pandora Papers" },
} as const;

const subjectName = (subject: Subject): string =>
  subject.type === "pf" ? sandboxPersonFor(subject.document).nome : sandboxCompanyFor(subject.document).razao_social;

/** `***982247**`, the form Receita's open data and most providers use for partners' CPFs. */
const providerMaskedCpf = (cpf: string) => `***${cpf.slice(3, 9)}**`;

const receitaCpf = (subject: Subject, invalid: boolean): Body => {
  const p = sandboxPersonFor(subject.document);
  const [y, m, d] = p.data_nascimento.split("-");
  return {
    data: {
      nome: p.nome,
      data_nascimento: p.data_nascimento,
      situacao_cadastral: invalid ? "CANCELADA" : "REGULAR",
      situacao_codigo: invalid ? "5" : "0",
      obito: false,
      nome_confere: true,
    },
    // Serpro "Consulta CPF" shape.
    raw: {
      ni: subject.document,
      nome: p.nome,
      situacao: invalid ? { codigo: "5", descricao: "Cancelada" } : { codigo: "0", descricao: "Regular" },
      nascimento: `${d}${m}${y}`,
    },
  };
};

const receitaCnpj = (subject: Subject, invalid: boolean): Body => {
  const c = sandboxCompanyFor(subject.document);
  const qsa = sandboxQsaFor(subject.document);
  const situacao = invalid ? "INAPTA" : "ATIVA";
  return {
    data: {
      razao_social: c.razao_social,
      nome_fantasia: c.nome_fantasia,
      situacao_cadastral: situacao,
      data_abertura: c.data_abertura,
      cnae_principal: c.cnae_principal,
      natureza_juridica: c.natureza_juridica,
      endereco: { ...c.endereco },
      qsa,
    },
    // Receita open-data / BrasilAPI-like shape.
    raw: {
      cnpj: subject.document,
      razao_social: c.razao_social,
      nome_fantasia: c.nome_fantasia,
      situacao_cadastral: invalid ? 4 : 2,
      descricao_situacao_cadastral: situacao,
      data_inicio_atividade: c.data_abertura,
      cnae_fiscal: c.cnae_principal.slice(0, 9).replace(/\D/g, ""),
      cnae_fiscal_descricao: c.cnae_principal.split(" — ")[1],
      codigo_natureza_juridica: c.natureza_juridica.slice(0, 5).replace(/\D/g, ""),
      natureza_juridica: c.natureza_juridica.split(" — ")[1],
      municipio: c.endereco.municipio,
      uf: c.endereco.uf,
      qsa: qsa.map((s) => ({
        // Receita's codes: 1 company, 2 person, 3 foreigner.
        identificador_de_socio: s.tipo === "pj" ? 1 : s.tipo === "estrangeiro" ? 3 : 2,
        nome_socio: s.nome,
        cnpj_cpf_do_socio: /^\d{11}$/.test(s.documento) ? providerMaskedCpf(s.documento) : s.documento,
        qualificacao_socio: s.qualificacao.split("-").slice(1).join("-"),
        codigo_qualificacao_socio: Number(s.qualificacao.split("-")[0]),
      })),
    },
  };
};

const screening = (key: keyof typeof SCREENING_LISTS, subject: Subject, invalid: boolean): Body => {
  const list = SCREENING_LISTS[key];
  const nome = subjectName(subject);
  if (!invalid) {
    return {
      data: { matches: [], lista: list.lista, data_lista: list.data_lista },
      raw: { query: nome, list: list.lista, list_date: list.data_lista, threshold: 0.88, results: [] },
    };
  }
  return {
    data: { matches: [{ nome, score: 0.97, limiar: 0.88, lista: list.lista, data_lista: list.data_lista, programa: list.programa }] },
    raw: {
      query: nome,
      list: list.lista,
      list_date: list.data_lista,
      threshold: 0.88,
      results: [{ name: nome, score: 0.97, program: list.programa, entity_type: subject.type === "pf" ? "individual" : "entity" }],
    },
  };
};

const processosBody = (invalid: boolean, processo: Record<string, unknown>): Body =>
  invalid
    ? { data: { processos: [processo] }, raw: { total: 1, itens: [processo] } }
    : { data: { processos: [] }, raw: { total: 0, itens: [] } };

const sancoesBody = (invalid: boolean, sancao: Record<string, unknown>): Body =>
  invalid
    ? { data: { sancoes: [sancao] }, raw: { total: 1, registros: [sancao] } }
    : { data: { sancoes: [] }, raw: { total: 0, registros: [] } };

const bodyFor = (key: SourceKey, subject: Subject, invalid: boolean): Body => {
  switch (key) {
    case "receita_federal_cpf":
      return receitaCpf(subject, invalid);
    case "receita_federal_cnpj":
      return receitaCnpj(subject, invalid);
    case "ofac_sdn":
    case "un_sanctions":
    case "eu_sanctions":
    case "uk_sanctions":
    case "icij_offshore":
      return screening(key, subject, invalid);
    case "cnj_mandados_prisao": {
      const mandado = {
        numero: "0004521-18.2025.8.26.0050.01.0001-23",
        orgao: "1ª Vara Criminal do Foro Central da Comarca de São Paulo/SP",
        data_expedicao: "2025-08-14",
        tipo: "Mandado de prisão preventiva",
      };
      return invalid
        ? { data: { mandados: [mandado] }, raw: { total: 1, mandados: [{ ...mandado, status: "Pendente de cumprimento" }] } }
        : { data: { mandados: [] }, raw: { total: 0, mandados: [] } };
    }
    case "pep_coaf": {
      const base = "2026-10-31";
      if (!invalid) return { data: { consultado_em_base: base }, raw: { base_referencia: base, registros: [] } };
      const pep = {
        cargo: "Secretário Municipal",
        orgao: "Prefeitura Municipal de Campinas",
        inicio_exercicio: "2021-01-01",
        fim_carencia: "2029-12-31",
      };
      return {
        data: pep,
        raw: {
          base_referencia: base,
          registros: [
            {
              CPF: providerMaskedCpf(subject.document),
              Nome_PEP: subjectName(subject),
              Sigla_Funcao: "SEC-MUN",
              Descricao_Funcao: pep.cargo,
              Nivel_Funcao: "Municipal",
              Nome_Orgao: pep.orgao,
              Data_Inicio_Exercicio: "01/01/2021",
              Data_Fim_Exercicio: "31/12/2024",
              Data_Fim_Carencia: "31/12/2029",
            },
          ],
        },
      };
    }
    case "cgu_ceis":
      return sancoesBody(invalid, {
        tipo: "Impedimento/proibição de contratar com prazo determinado",
        orgao: "Ministério da Saúde",
        processo: "25000.123456/2024-11",
        inicio: "2024-03-01",
        fim: "2027-02-28",
      });
    case "cgu_cnep":
      return sancoesBody(invalid, {
        tipo: "Multa — Lei Anticorrupção (Lei nº 12.846/2013)",
        orgao: "Controladoria-Geral da União",
        processo: "00190.104512/2023-71",
        inicio: "2024-06-10",
        fim: "2029-06-09",
      });
    case "cgu_cnc":
      return sancoesBody(invalid, {
        tipo: "Condenação por ato de improbidade administrativa — suspensão dos direitos políticos",
        orgao: "Tribunal de Justiça do Estado de São Paulo",
        processo: "1004567-89.2019.8.26.0053",
        inicio: "2022-09-15",
        fim: "2030-09-14",
      });
    case "sit_trabalho_escravo": {
      const base = "2026-10-06";
      if (!invalid) return { data: { consultado_em_base: base }, raw: { publicacao: base, registros: [] } };
      const entry = { ano_acao_fiscal: 2023, uf: "PA", trabalhadores_envolvidos: 12, inclusao_cadastro: "2024-10-07" };
      return {
        data: entry,
        raw: {
          publicacao: base,
          registros: [
            {
              "Ano da ação fiscal": "2023",
              UF: "PA",
              Empregador: subjectName(subject),
              "Trabalhadores envolvidos": "12",
              CNAE: "0151-2/01",
              "Inclusão no Cadastro": "07/10/2024",
            },
          ],
        },
      };
    }
    case "protestos": {
      if (!invalid) return { data: { quantidade: 0, valor_total: 0, cartorios: [] }, raw: { protestos: 0, valor: "0,00", cartorios: [] } };
      const cartorios = [
        { nome: "1º Tabelião de Protesto de Letras e Títulos de São Paulo", municipio: "SAO PAULO", uf: "SP", quantidade: 2, valor: 12300.5 },
        { nome: "Tabelionato de Protesto de Títulos de Campinas", municipio: "CAMPINAS", uf: "SP", quantidade: 1, valor: 6149.82 },
      ];
      return {
        data: { quantidade: 3, valor_total: 18450.32, cartorios },
        raw: { protestos: 3, valor: "18.450,32", cartorios },
      };
    }
    case "cnj_seeu_processos":
      return processosBody(invalid, {
        numero: "7001234-55.2022.8.26.0041",
        tribunal: "TJSP",
        classe: "Execução da Pena",
        assunto: "Pena Privativa de Liberdade",
        data_distribuicao: "2022-05-19",
      });
    case "trf_processos":
      return processosBody(invalid, {
        numero: "5012345-67.2023.4.03.6181",
        tribunal: "TRF3",
        classe: "Ação Penal — Procedimento Ordinário",
        assunto: "Crimes contra o Sistema Financeiro Nacional",
        data_distribuicao: "2023-02-08",
      });
    case "tse_doadores": {
      if (!invalid) return { data: { doacoes: [] }, raw: { total: 0, receitas: [] } };
      const doacao = { eleicao: 2022, candidato: "CANDIDATO FICTICIO DA SILVA", partido: "PARTIDO FICTICIO", cargo: "Deputado Federal", uf: "SP", valor: 50000 };
      return { data: { doacoes: [doacao] }, raw: { total: 1, receitas: [doacao] } };
    }
  }
};

/** Checks whose INVALID a hit of each source reports; the source's other checks stay VALID. */
const HIT_CHECK: Partial<Record<SourceKey, string>> = {
  receita_federal_cpf: "situacao_cadastral",
  receita_federal_cnpj: "situacao_cadastral",
};

const checksFor = (key: SourceKey, invalid: boolean): Record<string, CheckStatus> => {
  const checks = SOURCE_CATALOG[key].checks;
  const hit = HIT_CHECK[key] ?? checks[0];
  return Object.fromEntries(checks.map((c) => [c, invalid && c === hit ? "INVALID" : "VALID"]));
};

/**
 * The sandbox's answer for one source, without the simulated latency.
 * `null` = the TIMEOUT scenario: the source never answers.
 */
export const sandboxAnswer = (source: SourceKey, subject: Subject): AdapterAnswer | null => {
  if (!SOURCE_CATALOG[source].subjects.includes(subject.type)) {
    return {
      status: "ERROR",
      reason: `Fonte não se aplica a pessoa ${subject.type === "pf" ? "física" : "jurídica"}.`,
      retryable: false,
    };
  }
  const outcome = sandboxOutcome(source, subject);
  if (outcome === "TIMEOUT") return null;
  if (outcome === "ERROR") {
    return {
      status: "ERROR",
      reason: "Fonte simulada indisponível (HTTP 503).",
      retryable: true,
      raw: JSON.stringify({ status: 503, error: "Service Unavailable" }),
    };
  }
  const invalid = outcome === "INVALID";
  const body = bodyFor(source, subject, invalid);
  return { status: invalid ? "INVALID" : "VALID", checks: checksFor(source, invalid), data: body.data, raw: JSON.stringify(body.raw) };
};

// ---------------------------------------------------------------------------
// The adapter

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
const abortableDelay = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    if (ms <= 0) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });

/** Never resolves; rejects with the signal's reason when the caller's timeout (or a cancel) aborts it. */
const untilAborted = (signal: AbortSignal): Promise<never> =>
  new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });

export const createSandboxAdapter = (opts: { latencyFactor: number }): SourceAdapter => {
  const { latencyFactor } = opts;
  if (!Number.isFinite(latencyFactor) || latencyFactor < 0) {
    throw new RangeError(`sandbox latencyFactor must be a finite number ≥ 0 (got ${latencyFactor})`);
  }
  return {
    async query(req: SourceRequest): Promise<AdapterAnswer> {
      const answer = sandboxAnswer(req.source.key, req.subject);
      if (answer === null) return untilAborted(req.signal);
      await abortableDelay(req.source.typicalLatencyMs * latencyFactor, req.signal);
      return answer;
    },
  };
};
