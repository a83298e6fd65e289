// Realistic ReportInput fixtures for the PDF renderer tests and benchmark:
// a clean PF run, a PF run with findings and a `hold`, a PJ run with 20
// partner runs, and a run full of hostile Unicode. Deterministic: no clock,
// no randomness.
import type {
  BureauRunAnalysis,
  CheckStatus,
  Finding,
  PartnerRunSummary,
  RunBody,
  SourceKey,
  SourceResult,
  SourceStatus,
  SubjectProfilePF,
  TemplateSnapshot,
} from "../../src/domain/types";
import { TPL_PF_PADRAO as TPL_PF_CURRENT, TPL_PJ_PADRAO } from "../../src/domain/standard-templates";

/**
 * The fixtures render tpl_pf_padrao as it was at version 1 (before
 * `nacionalidade`): the pinned hashes measure the renderer, not the standard
 * template's later versions, whose snapshot the completo report prints.
 */
const TPL_PF_PADRAO = {
  ...TPL_PF_CURRENT,
  version: 1,
  parametros_schema: {
    type: "object",
    properties: {
      cpf: { type: "string", minLength: 1, maxLength: 32 },
      nome: { type: "string", minLength: 1, maxLength: 200 },
      data_nascimento: { type: "string", format: "date" },
    },
    required: ["cpf"],
    additionalProperties: false,
  },
};
import { SOURCE_CATALOG } from "../../src/sources/catalog";
import type { ReportInput, ReportPartner } from "../../src/reports/types";

export const GENERATED_AT = "2026-11-26T20:44:12.000Z";
const T0 = Date.parse("2026-11-26T20:40:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

type Override = {
  status: SourceStatus;
  reason?: string;
  data?: Record<string, unknown>;
  attempts?: number;
  duration_ms?: number;
};

/** Default provider data for a VALID answer of each source. */
const validData = (key: SourceKey, name: string): Record<string, unknown> | undefined => {
  switch (key) {
    case "receita_federal_cpf":
      return { nome: name, situacao_cadastral: "REGULAR", codigo_situacao: 0, data_nascimento: "1984-03-12", ano_obito: null, nome_confere: true };
    case "receita_federal_cnpj":
      return undefined; // set by the PJ fixture
    case "ofac_sdn":
    case "un_sanctions":
    case "eu_sanctions":
    case "uk_sanctions":
      return {
        lista: { ofac_sdn: "OFAC SDN", un_sanctions: "UN Consolidated", eu_sanctions: "EU FSF", uk_sanctions: "UK Sanctions List" }[key],
        data_lista: "2026-11-25",
        melhor_correspondencia: null,
        score_maximo: 0.41,
        limiar: 0.88,
        nomes_comparados: 1,
      };
    case "pep_coaf":
      return { pep: false, base: "CGU PEP 2026-10" };
    case "protestos":
      return { protestos: 0, cartorios_consultados: 27 };
    case "tse_doadores":
      return { doacoes: [] };
    case "icij_offshore":
      return { entidades: [] };
    default:
      return { registros: 0, consultado_em: "2026-11-26" };
  }
};

const rawFor = (key: SourceKey, status: SourceStatus, data: Record<string, unknown> | undefined, reason?: string) =>
  status === "ERROR"
    ? reason?.includes("timeout")
      ? undefined
      : `<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>upstream ${key} overloaded</p></body></html>`
    : JSON.stringify({ fonte: key, status, consulta: { protocolo: `P-${key.length}${status.length}-0042`, versao_api: "2.3" }, resultado: data ?? {} });

/** Builds results in execution order for a template, all VALID unless overridden. */
export function buildResults(
  tpl: TemplateSnapshot,
  name: string,
  overrides: Partial<Record<SourceKey, Override>> = {},
  opts: { stopAtBlock?: boolean; offsetMs?: number } = {},
): SourceResult[] {
  const out: SourceResult[] = [];
  let t = T0 + (opts.offsetMs ?? 0);
  let blocked = false;
  for (const s of tpl.sources) {
    if (blocked) break;
    const def = SOURCE_CATALOG[s.source];
    const o = overrides[s.source];
    const status = o?.status ?? "VALID";
    const checks: Record<string, CheckStatus> = {};
    if (status === "VALID" || status === "INVALID") {
      def.checks.forEach((c, i) => (checks[c] = status === "INVALID" && i === 0 ? "INVALID" : "VALID"));
    }
    const data = status === "ERROR" ? undefined : (o?.data ?? validData(s.source, name));
    const duration = o?.duration_ms ?? def.typicalLatencyMs + (s.source.length * 37) % 200;
    const start = t;
    if (s.phase === "critical") t += duration + 5;
    out.push({
      source: s.source,
      phase: s.phase,
      status,
      checks,
      ...(data ? { data } : {}),
      ...(rawFor(s.source, status, data, o?.reason) ? { raw: rawFor(s.source, status, data, o?.reason) } : {}),
      ...(o?.reason ? { reason: o.reason } : {}),
      attempts: o?.attempts ?? 1,
      duration_ms: duration,
      started_at: iso(start),
      completed_at: iso(start + duration),
    });
    if (opts.stopAtBlock && s.phase === "critical" && status === "INVALID" && s.on_hit === "block") blocked = true;
  }
  return out;
}

const finding = (
  source: Finding["source"],
  check: string,
  severity: Finding["severity"],
  weight: number,
  title: string,
  description: string,
  evidence: Record<string, unknown> = {},
): Finding => ({ id: `fnd_${source}_${check}`, source, check, severity, weight, title, description, evidence });

const emptyDims = (): BureauRunAnalysis["dimensions"] =>
  (["identidade", "sancoes", "pep", "judicial", "trabalhista", "integridade", "reputacional", "societario"] as const).map((d) => ({
    dimension: d,
    risk_band: "baixo",
    score: 0,
    sources: (Object.values(SOURCE_CATALOG).filter((s) => s.dimension === d).map((s) => s.key) as SourceKey[]).slice(0, 4),
    findings_count: 0,
  }));

function runBody(args: {
  id: string;
  tpl: TemplateSnapshot;
  document: string;
  results: SourceResult[];
  analysis: BureauRunAnalysis;
  status: RunBody["status"];
  livemode: boolean;
  partners?: PartnerRunSummary[];
  triggered?: RunBody["triggered_rules"];
  externalId?: string | null;
  metadata?: Record<string, string>;
  parent?: string | null;
}): RunBody {
  const executed = new Set(args.results.map((r) => r.source));
  const last = args.results.reduce((m, r) => Math.max(m, Date.parse(r.completed_at)), T0);
  return {
    id: args.id,
    object: "bureau_run",
    status: args.status,
    decision: args.analysis.decision,
    operative_decision: args.analysis.operative_decision,
    risk_band: args.analysis.risk_band,
    template: { id: args.tpl.id, version: args.tpl.version, name: args.tpl.name },
    subject: { type: args.tpl.subject_type, document: args.document },
    sources: args.results.map((r) => ({
      source: r.source,
      phase: r.phase,
      status: r.status,
      checks: r.checks,
      duration_ms: r.duration_ms,
      attempts: r.attempts,
      ...(r.reason ? { reason: r.reason } : {}),
    })),
    skipped_sources: args.tpl.sources.map((s) => s.source).filter((s) => !executed.has(s)),
    triggered_rules: args.triggered ?? [],
    partner_runs: args.partners ?? [],
    unscreened_partners: [],
    parent_run_id: args.parent ?? null,
    credits_used: args.livemode ? args.results.filter((r) => r.status !== "ERROR").length : 0,
    external_id: args.externalId ?? null,
    flags: args.externalId ? { external_id: args.externalId } : {},
    metadata: args.metadata ?? {},
    created_at: iso(T0 - 1200),
    started_at: iso(T0 - 300),
    completed_at: iso(last + 800),
    livemode: args.livemode,
  };
}

const pfProfile = (nome: string, extra: Partial<SubjectProfilePF> = {}): SubjectProfilePF => ({
  type: "pf",
  nome,
  data_nascimento: "1984-03-12",
  situacao_cadastral: "REGULAR",
  obito: false,
  ...extra,
});

// ------------------------------------------------------------------ PF clean

export function pfCleanInput(opts: { mode?: ReportInput["mode"]; livemode?: boolean } = {}): ReportInput {
  const name = "MARIA APARECIDA DOS SANTOS CONCEIÇÃO";
  const results = buildResults(TPL_PF_PADRAO, name);
  const analysis: BureauRunAnalysis = {
    decision: "approved",
    operative_decision: "approved",
    risk_band: "baixo",
    score: 0,
    dimensions: emptyDims(),
    findings: [],
    subject_profile: pfProfile(name),
    incomplete_sources: [],
  };
  const livemode = opts.livemode ?? false;
  return {
    mode: opts.mode ?? "completo",
    tenantName: "Banco Exemplo S.A. — Onboarding Varejo",
    generatedAt: GENERATED_AT,
    run: runBody({
      id: "run_01JDPFCLEAN0000000000000001",
      tpl: TPL_PF_PADRAO,
      document: "***.000.001-**",
      results,
      analysis,
      status: "completed",
      livemode,
      externalId: "cliente-778812",
      metadata: { canal: "app", agencia: "0001" },
    }),
    results,
    analysis,
    template: TPL_PF_PADRAO,
    partners: [],
    resultHash: "9f2c4b1e7a05d3c8b6e1f0a9d2c7b4e3f1a8d5c2b9e6f3a0d7c4b1e8f5a2d9c6",
    analysisVersion: "2026-11-01.1",
  };
}

// ------------------------------------------------------- PF findings + hold

export const HOLD_FINDING_TITLES = [
  "Consulta de mandados de prisão indisponível",
  "Doações eleitorais registradas no TSE",
  "Protestos em cartório: fonte sem resposta",
  "Processos na Justiça Federal: fonte sem resposta",
  "Sem dados no cadastro de offshores (ICIJ)",
];

export function pfHoldInput(opts: { mode?: ReportInput["mode"]; livemode?: boolean } = {}): ReportInput {
  const name = "JOÃO BATISTA D'ÁVILA FERNANDES";
  const results = buildResults(TPL_PF_PADRAO, name, {
    cnj_mandados_prisao: { status: "ERROR", reason: "timeout após 6000 ms (2 tentativas)", attempts: 2, duration_ms: 12004 },
    protestos: { status: "ERROR", reason: "timeout após 4800 ms", attempts: 2, duration_ms: 9610 },
    trf_processos: { status: "ERROR", reason: "HTTP 503 do provedor", attempts: 2, duration_ms: 2231 },
    tse_doadores: {
      status: "INVALID",
      data: {
        doacoes: [
          { eleicao: 2022, candidato: "FULANO DE TAL", partido: "PXX", valor: 15000, uf: "SP" },
          { eleicao: 2024, candidato: "BELTRANA SILVA", partido: "PYY", valor: 3200.5, uf: "SP" },
        ],
        total: 18200.5,
      },
    },
    icij_offshore: { status: "NO_DATA", data: { motivo: "nome não encontrado na base" } },
  });
  const findings: Finding[] = [
    finding("tse_doadores", "doacoes", "info", 10, HOLD_FINDING_TITLES[1], "Duas doações de campanha (2022 e 2024) somando R$ 18.200,50. Informativo; não altera a decisão.", { total: 18200.5, eleicoes: [2022, 2024] }),
    finding("protestos", "protestos_ativos", "medio", 20, HOLD_FINDING_TITLES[2], "A consulta a protestos não respondeu dentro do prazo; a existência de protestos não pôde ser verificada."),
    finding("cnj_mandados_prisao", "mandados_ativos", "alto", 25, HOLD_FINDING_TITLES[0], "O BNMP (CNJ) não respondeu após 2 tentativas. Fonte de nível 1: a decisão operacional fica retida até nova consulta.", { tentativas: 2, motivo: "timeout" }),
    finding("trf_processos", "processos_criminais", "baixo", 5, HOLD_FINDING_TITLES[3], "O provedor da Justiça Federal respondeu HTTP 503."),
    finding("icij_offshore", "entidades_offshore", "info", 0, HOLD_FINDING_TITLES[4], "A base ICIJ não tem registros para o nome."),
  ];
  const analysis: BureauRunAnalysis = {
    decision: "approved",
    operative_decision: "hold",
    risk_band: "medio",
    score: 27,
    dimensions: emptyDims().map((d) =>
      d.dimension === "judicial" ? { ...d, risk_band: "medio", score: 30, findings_count: 2 } : d.dimension === "reputacional" ? { ...d, risk_band: "medio", score: 22, findings_count: 3 } : d,
    ),
    findings,
    subject_profile: pfProfile(name),
    incomplete_sources: [
      { source: "cnj_mandados_prisao", reason: "timeout após 6000 ms (2 tentativas)" },
      { source: "protestos", reason: "timeout após 4800 ms" },
      { source: "trf_processos", reason: "HTTP 503 do provedor" },
    ],
  };
  const livemode = opts.livemode ?? false;
  return {
    mode: opts.mode ?? "completo",
    tenantName: "Cooperativa de Crédito Horizonte",
    generatedAt: GENERATED_AT,
    run: runBody({
      id: "run_01JDPFHOLD00000000000000008",
      tpl: TPL_PF_PADRAO,
      document: "***.000.008-**",
      results,
      analysis,
      status: "partial",
      livemode,
      triggered: [{ source: "cnj_mandados_prisao", on_hit: "block", effect: "hold", check: "mandados_ativos" }],
      externalId: "proposta-2026-11-0042",
      metadata: { produto: "credito_pessoal", origem: "parceiro_xyz" },
    }),
    results,
    analysis,
    template: TPL_PF_PADRAO,
    partners: [],
    resultHash: "3b7e0c9d1f5a2e8b4c6d0a7f3e9b1c5d8a2f6e0b4d7c1a9e3f5b8d2c6a0e4f7b",
    analysisVersion: "2026-11-01.1",
  };
}

// ------------------------------------------------------------ PJ, 20 partners

export const PARTNER_NAMES = [
  "ANA BEATRIZ MONTEIRO DE ALBUQUERQUE",
  "CARLOS EDUARDO PEREIRA LIMA",
  "FERNANDA OLIVEIRA GONÇALVES",
  "RICARDO TADEU MAGALHÃES FILHO",
  "PATRÍCIA HELENA NOGUEIRA",
  "LUIZ FERNANDO DA SILVA SAURO",
  "JOSÉ AUGUSTO BRANDÃO",
  "MARCELA CRISTINA RIBEIRO",
  "ANTÔNIO CARLOS DE OLIVEIRA NETO",
  "JULIANA MENDES CAVALCANTI",
  "PAULO ROBERTO ASSUNÇÃO",
  "BEATRIZ FONSECA LEITÃO",
  "GUSTAVO HENRIQUE TAVARES",
  "LETÍCIA BARBOSA DE MORAES",
  "RODRIGO ALVES PINHEIRO",
  "CAMILA DUARTE FRANÇA",
  "EDUARDO SEBASTIÃO QUEIROZ",
  "VANESSA CORRÊA LOPES",
  "MAURÍCIO DE ASSIS VALENTE",
  "ISABELA CHAVES DE SOUZA E CASTRO PRADO",
];
const QUALIFICACOES = ["Sócio-Administrador", "Sócio", "Administrador", "Diretor", "Presidente", "Conselheiro de Administração"];

function partner(i: number): ReportPartner {
  const name = PARTNER_NAMES[i];
  const runId = `run_01JDPARTNER${String(i + 1).padStart(2, "0")}00000000000000`;
  const document = `***.${String(100 + i * 7).padStart(3, "0")}.${String(200 + i * 13).padStart(3, "0")}-**`;
  let overrides: Partial<Record<SourceKey, Override>> = {};
  let findings: Finding[] = [];
  let decision: BureauRunAnalysis["decision"] = "approved";
  let operative: BureauRunAnalysis["operative_decision"] = "approved";
  let band: BureauRunAnalysis["risk_band"] = "baixo";
  let score = 0;
  let incomplete: BureauRunAnalysis["incomplete_sources"] = [];
  let stop = false;
  let status: RunBody["status"] = "completed";
  if (i === 2) {
    overrides = { pep_coaf: { status: "INVALID", data: { pep: true, funcao: "Secretário Municipal de Fazenda", orgao: "Prefeitura de Campinas", inicio: "2021-01-01", fim_carencia: "2029-12-31" } } };
    findings = [finding("pep_coaf", "pep_ativo", "alto", 40, "Pessoa exposta politicamente (PEP) ativa", "Secretário Municipal de Fazenda (Prefeitura de Campinas) desde 2021; carência até 2029.", { funcao: "Secretário Municipal de Fazenda" })];
    decision = operative = "review";
    band = "alto";
    score = 40;
  } else if (i === 6) {
    overrides = {
      cnj_mandados_prisao: {
        status: "INVALID",
        data: {
          mandados: [
            { numero: "0001234-56.2025.8.26.0050.01.0001-07", tipo: "Prisão preventiva", orgao: "1ª Vara Criminal de São Paulo/SP", data_expedicao: "2025-08-14", situacao: "Pendente de cumprimento" },
          ],
        },
      },
    };
    stop = true;
    findings = [finding("cnj_mandados_prisao", "mandados_ativos", "critico", 50, "Mandado de prisão ativo (BNMP)", "Mandado de prisão preventiva pendente de cumprimento expedido pela 1ª Vara Criminal de São Paulo/SP.", { numero: "0001234-56.2025.8.26.0050.01.0001-07" })];
    decision = operative = "rejected";
    band = "alto";
    score = 100;
  } else if (i === 11) {
    overrides = { receita_federal_cpf: { status: "ERROR", reason: "timeout após 3200 ms (2 tentativas)", attempts: 2, duration_ms: 6420 } };
    findings = [finding("receita_federal_cpf", "situacao_cadastral", "alto", 25, "Situação do CPF não verificada", "A Receita Federal não respondeu; fonte de nível 1 — decisão retida.")];
    operative = "hold";
    band = "medio";
    score = 25;
    status = "partial";
    incomplete = [{ source: "receita_federal_cpf", reason: "timeout após 3200 ms (2 tentativas)" }];
  } else if (i === 15) {
    overrides = {
      protestos: { status: "INVALID", data: { protestos: 2, valor_total: 48211.9, cartorios: ["2º Tabelionato de Protesto de Curitiba/PR", "1º Tabelionato de Protesto de Londrina/PR"] } },
    };
    findings = [finding("protestos", "protestos_ativos", "medio", 40, "Protestos em cartório", "Dois protestos ativos somando R$ 48.211,90.", { quantidade: 2 })];
    decision = operative = "review";
    band = "alto";
    score = 40;
  }
  const results = buildResults(TPL_PF_PADRAO, name, overrides, { stopAtBlock: stop, offsetMs: 9000 + i * 50 });
  const analysis: BureauRunAnalysis = {
    decision,
    operative_decision: operative,
    risk_band: band,
    score,
    dimensions: emptyDims(),
    findings,
    subject_profile: pfProfile(name),
    incomplete_sources: incomplete,
  };
  const summary: PartnerRunSummary = {
    run_id: runId,
    screened_by: "run",
    name,
    document,
    qualificacao: QUALIFICACOES[i % QUALIFICACOES.length],
    status,
    decision,
    operative_decision: operative,
    risk_band: band,
  };
  return { summary, analysis, results };
}

export function pj20Input(opts: { mode?: ReportInput["mode"]; livemode?: boolean; partners?: number } = {}): ReportInput {
  const livemode = opts.livemode ?? false;
  const id = "run_01JDPJ20PARTNERS00000000003";
  const n = opts.partners ?? 20;
  const partners = Array.from({ length: n }, (_, i) => partner(i));
  const razao = "CONSTRUTORA E INCORPORADORA HORIZONTE AZUL LTDA";
  const qsa = partners.map((p) => ({ nome: p.summary.name, documento: p.summary.document, qualificacao: p.summary.qualificacao, run_id: p.summary.run_id }));
  const results = buildResults(TPL_PJ_PADRAO, razao, {
    receita_federal_cnpj: {
      status: "VALID",
      data: {
        razao_social: razao,
        nome_fantasia: "HORIZONTE AZUL",
        situacao_cadastral: "ATIVA",
        data_situacao: "2005-04-18",
        data_abertura: "2005-04-18",
        cnae_principal: "4120-4/00 — Construção de edifícios",
        natureza_juridica: "206-2 — Sociedade Empresária Limitada",
        capital_social: 12500000,
        endereco: { logradouro: "AV PAULISTA", numero: "1578", complemento: "CONJ 142", municipio: "SAO PAULO", uf: "SP", cep: "01310-200" },
        qsa: qsa.map((q) => ({ nome: q.nome, documento: q.documento, qualificacao: q.qualificacao })),
      },
    },
    trf_processos: {
      status: "INVALID",
      data: {
        processos: [
          { numero: "5001234-12.2024.4.03.6100", classe: "Ação Penal", assunto: "Crimes contra a ordem tributária", tribunal: "TRF3", vara: "2ª Vara Federal Criminal de São Paulo", data_distribuicao: "2024-02-19", polo: "réu", situacao: "em andamento" },
          { numero: "0009876-45.2019.4.03.6181", classe: "Inquérito Policial", assunto: "Lavagem de dinheiro (Lei 9.613/98)", tribunal: "TRF3", vara: "6ª Vara Federal Criminal de São Paulo", data_distribuicao: "2019-10-02", polo: "investigado", situacao: "arquivado" },
        ],
      },
    },
  });
  const findings: Finding[] = [
    finding("partner_runs", "partner_decision", "alto", 40, "Sócio com mandado de prisão ativo", `${PARTNER_NAMES[6]} (Sócio) teve execução reprovada por mandado de prisão ativo; a empresa vai para revisão manual.`, { run_id: partners[6]?.summary.run_id }),
    finding("trf_processos", "processos_criminais", "info", 10, "Processos criminais na Justiça Federal", "Ação penal por crime contra a ordem tributária em andamento (TRF3) e um inquérito arquivado.", { quantidade: 2 }),
    finding("partner_runs", "partner_pep", "medio", 20, "Sócio é pessoa exposta politicamente", `${PARTNER_NAMES[2]} é PEP ativo (Secretário Municipal de Fazenda).`, { run_id: partners[2]?.summary.run_id }),
  ].filter((f) => n > 6 || f.source !== "partner_runs");
  const analysis: BureauRunAnalysis = {
    decision: "review",
    operative_decision: "review",
    risk_band: "medio",
    score: 34,
    dimensions: emptyDims().map((d) =>
      d.dimension === "societario" ? { ...d, risk_band: "alto", score: 60, findings_count: 2, sources: [] } : d.dimension === "judicial" ? { ...d, risk_band: "baixo", score: 10, findings_count: 1 } : d,
    ),
    findings,
    subject_profile: {
      type: "pj",
      razao_social: razao,
      nome_fantasia: "HORIZONTE AZUL",
      situacao_cadastral: "ATIVA",
      data_abertura: "2005-04-18",
      cnae_principal: "4120-4/00 — Construção de edifícios",
      qsa,
    },
    incomplete_sources: [],
  };
  return {
    mode: opts.mode ?? "completo",
    tenantName: "Banco Exemplo S.A. — Crédito Empresas",
    generatedAt: GENERATED_AT,
    run: runBody({
      id,
      tpl: TPL_PJ_PADRAO,
      document: "00.000.000/0001-91",
      results,
      analysis,
      status: "completed",
      livemode,
      partners: partners.map((p) => p.summary),
      triggered: [
        { source: "partner_runs", on_hit: "review", effect: "review", check: "partner_decision" },
        { source: "trf_processos", on_hit: "info", effect: "info", check: "processos_criminais" },
      ],
      externalId: "empresa-CNPJ-00000000000191",
      metadata: { segmento: "construcao_civil", gerente: "Equipe Sudeste" },
    }),
    results,
    analysis,
    template: TPL_PJ_PADRAO,
    partners,
    resultHash: "c0ffee0b5e1f2a3d4c5b6a7980e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d",
    analysisVersion: "2026-11-01.1",
  };
}

// ------------------------------------------------------------ hostile Unicode

export const UNICODE_SAMPLES = {
  cyrillic: "Дмитрий Иванович Петров",
  arabic: "محمد بن سلمان",
  cjk: "株式会社東京商事 王小明",
  emoji: "Zé 😀👨‍👩‍👧 ❤️ 🇧🇷",
  control: "linha1\nlinha2\ttab\u0000nul\u0007bel\u001b[31mansi\u007f\u0085",
  bidi: "abc\u202Eevil\u202Cdef",
  lone: "x\uD800y\uDFFFz",
  combining: "Jose\u0301 Conceic\u0327a\u0303o",
};

export function unicodeInput(mode: ReportInput["mode"] = "completo"): ReportInput {
  const base = pj20Input({ mode, partners: 3 });
  const u = UNICODE_SAMPLES;
  const hostile = Object.values(u).join(" | ");
  base.tenantName = `Tenant ${u.cjk} ${u.emoji} ${u.control}`;
  base.run.external_id = `ext-${u.arabic}-${u.emoji}-${u.control}`;
  base.run.flags = { external_id: base.run.external_id };
  base.run.metadata = { nome: u.cyrillic, arabe: u.arabic, cjk: u.cjk, emoji: u.emoji, ctrl: u.control, bidi: u.bidi, lone: u.lone, comb: u.combining };
  const p = base.analysis.subject_profile;
  if (p.type === "pj") {
    p.razao_social = `${u.cjk} ${u.cyrillic} LTDA ${u.emoji}`;
    p.nome_fantasia = u.arabic;
    p.qsa = p.qsa.map((q, i) => ({ ...q, nome: [u.cyrillic, u.arabic, u.combining][i] ?? q.nome }));
  }
  base.partners.forEach((pp, i) => {
    pp.summary.name = [u.cyrillic, u.arabic + " " + u.emoji, u.combining + u.lone][i] ?? pp.summary.name;
  });
  base.results[0].data = { ...base.results[0].data, razao_social: p.type === "pj" ? p.razao_social : "", observacao: hostile };
  base.results[0].raw = JSON.stringify({ nome: hostile, lixo: "\u0000\u0001\u0002" }) + "\n\u0000binary\uFFFE\uFFFF";
  base.analysis.findings.push({
    id: "fnd_unicode",
    source: "ofac_sdn",
    check: "sancoes_ofac",
    severity: "baixo",
    weight: 1,
    title: `Homônimo parcial: ${u.cyrillic} ${u.emoji}`,
    description: `Correspondência abaixo do limiar com ${u.arabic} / ${u.cjk} ${u.bidi} ${u.control}`,
    evidence: { nome: u.lone, alias: u.combining },
  });
  return base;
}

/** A PJ run that failed before any decision: no analysis, errored sources, a partner without analysis or results. */
export function failedPjInput(): ReportInput {
  const input = pj20Input({ mode: "completo", partners: 2 });
  const empty: BureauRunAnalysis = {
    decision: null,
    operative_decision: null,
    risk_band: null,
    score: 0,
    dimensions: [],
    findings: [],
    subject_profile: { type: "pj", razao_social: null, nome_fantasia: null, situacao_cadastral: null, data_abertura: null, cnae_principal: null, qsa: [] },
    incomplete_sources: [{ source: "receita_federal_cnpj", reason: "timeout" }],
  };
  input.analysis = empty;
  input.run = { ...input.run, status: "failed", decision: null, operative_decision: null, risk_band: null, started_at: null, completed_at: null };
  input.results = input.results.map((r) => ({ ...r, status: "ERROR", checks: {}, data: undefined, raw: undefined, reason: "timeout" }));
  input.partners[0].analysis = null;
  input.partners[1].results = [];
  return input;
}
