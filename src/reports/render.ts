// The compliance report renderer (contract §9, issue 3): data in, PDF bytes
// out. No I/O, no clock: the generation time comes in with the input, and the
// same input always gives byte-identical output (fixed metadata, dates from
// `generatedAt`, pdf-lib's seeded name suffixes, no random ids).
import fontkit from "@pdf-lib/fontkit";
import { type Color, PDFDocument } from "pdf-lib";
import type {
  Dimension,
  Finding,
  OnHit,
  OperativeDecision,
  Phase,
  RiskBand,
  RunStatus,
  Severity,
  SourceResult,
  SourceStatus,
  SubjectProfilePJ,
  TemplateSource,
} from "../domain/types";
import { SOURCE_CATALOG } from "../sources/catalog";
import { reportFonts } from "./font";
import {
  C,
  type Canvas,
  CONTENT_W,
  type Cell,
  GlyphEncoder,
  Layout,
  MARGIN_X,
  PAGE_H,
  sanitize,
  writePages,
} from "./layout";
import type { RenderedReport, ReportInput, ReportPartner } from "./types";

export type { RenderedReport, ReportInput } from "./types";

/** Bumped whenever the layout or content of reports changes. */
export const REPORT_RENDERER_VERSION = "1";

// ---------------------------------------------------------------- pt-BR labels

const DECISION: Record<OperativeDecision, string> = {
  approved: "Aprovado",
  rejected: "Reprovado",
  review: "Revisão manual",
  hold: "Retido (hold)",
};
const BAND: Record<RiskBand, string> = { baixo: "Baixo", medio: "Médio", alto: "Alto" };
const RUN_STATUS: Record<RunStatus, string> = {
  queued: "Na fila",
  running: "Em execução",
  em_analise: "Em análise",
  completed: "Concluída",
  partial: "Parcial",
  failed: "Falhou",
  cancelado: "Cancelada",
};
const PHASE: Record<Phase, string> = { critical: "Crítica", important: "Importante", additional: "Adicional" };
const ON_HIT: Record<OnHit, string> = { block: "Bloqueia", review: "Revisão", info: "Informativo" };
const EFFECT: Record<string, string> = {
  block: "Bloqueio (reprovação)",
  review: "Revisão manual",
  info: "Informativo",
  hold: "Retenção (hold)",
};
const SEVERITY: Record<Severity, string> = {
  critico: "Crítica",
  alto: "Alta",
  medio: "Média",
  baixo: "Baixa",
  info: "Informativa",
};
const SEVERITY_RANK: Record<Severity, number> = { critico: 4, alto: 3, medio: 2, baixo: 1, info: 0 };
const DIMENSION: Record<Dimension, string> = {
  identidade: "Identidade",
  sancoes: "Sanções",
  pep: "Pessoa exposta politicamente",
  judicial: "Judicial",
  trabalhista: "Trabalhista",
  integridade: "Integridade",
  reputacional: "Reputacional",
  societario: "Societário",
};
const SUBJECT_TYPE: Record<string, string> = { pf: "Pessoa física", pj: "Pessoa jurídica" };

type Tone = { fg: Color; bg: Color };
function toneOf(kind: "good" | "warn" | "bad" | "hold" | "none"): Tone {
  switch (kind) {
    case "good":
      return { fg: C.green, bg: C.greenBg };
    case "warn":
      return { fg: C.amber, bg: C.amberBg };
    case "bad":
      return { fg: C.red, bg: C.redBg };
    case "hold":
      return { fg: C.orange, bg: C.orangeBg };
    default:
      return { fg: C.gray, bg: C.grayBg };
  }
}
const decisionTone = (d: OperativeDecision | null | undefined): Tone =>
  toneOf(d === "approved" ? "good" : d === "review" ? "warn" : d === "rejected" ? "bad" : d === "hold" ? "hold" : "none");
const bandTone = (b: RiskBand | null | undefined): Tone =>
  toneOf(b === "baixo" ? "good" : b === "medio" ? "warn" : b === "alto" ? "bad" : "none");
const statusTone = (s: string): Tone =>
  toneOf(s === "VALID" ? "good" : s === "INVALID" ? "bad" : s === "ERROR" ? "hold" : "none");
const severityTone = (s: Severity): Tone =>
  toneOf(s === "critico" || s === "alto" ? "bad" : s === "medio" ? "warn" : "none");

/** Label from a table; unknown values are shown as they are, null/undefined as the fallback. */
const lookup = <T extends string>(table: Record<T, string>, key: unknown, fallback = "—"): string =>
  typeof key === "string" && Object.hasOwn(table, key) ? table[key as T] : key == null ? fallback : String(key);

const decisionLabel = (d: OperativeDecision | null | undefined) => lookup(DECISION, d, "Sem decisão");
const bandLabel = (b: RiskBand | null | undefined) => lookup(BAND, b, "—");
const statusCode = (s: SourceStatus | string | undefined) => (s ? String(s) : "—");

const sourceLabel = (key: string): string =>
  key === "partner_runs"
    ? "Execuções dos sócios (QSA)"
    : Object.hasOwn(SOURCE_CATALOG, key)
      ? SOURCE_CATALOG[key as keyof typeof SOURCE_CATALOG].label
      : key;

const chip = (text: string, tone: Tone): Cell => ({ text, bold: true, chip: { fill: tone.bg, color: tone.fg } });

// ---------------------------------------------------------------- formatting

const pad2 = (n: number) => String(n).padStart(2, "0");

/** "2026-11-26T20:44:12.000Z" gives "26/11/2026 20:44:12 UTC"; anything else is shown as given. */
const fmtDate = (iso: unknown): string => {
  if (typeof iso !== "string" || !iso) return "—";
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(iso);
  if (!m) return iso;
  const date = `${m[3]}/${m[2]}/${m[1]}`;
  if (m[4] === undefined) return date;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return `${date} ${m[4]}:${m[5]}:${m[6] ?? "00"}`;
  const d = new Date(ms);
  return `${pad2(d.getUTCDate())}/${pad2(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad2(d.getUTCHours())}:${pad2(
    d.getUTCMinutes(),
  )}:${pad2(d.getUTCSeconds())} UTC`;
};

const fmtInt = (n: unknown): string => {
  if (typeof n !== "number" || !Number.isFinite(n)) return n == null ? "—" : String(n);
  const s = String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return n < 0 ? "-" + s : s;
};

const fmtMs = (ms: unknown): string => {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "—";
  return ms < 1000 ? `${fmtInt(ms)} ms` : `${(ms / 1000).toFixed(2).replace(".", ",")} s`;
};

const fmtBytes = (n: number): string =>
  n < 1024
    ? `${n} B`
    : n < 1048576
      ? `${(n / 1024).toFixed(1).replace(".", ",")} KiB`
      : `${(n / 1048576).toFixed(2).replace(".", ",")} MiB`;

const MAX_VALUE_CHARS = 400;
const cap = (s: string) => (s.length > MAX_VALUE_CHARS ? s.slice(0, MAX_VALUE_CHARS) + "…" : s);

/** A readable one-line rendering of any JSON-ish value. */
const fmtValue = (v: unknown, depth = 0): string => {
  if (v === null || v === undefined) return "—";
  if (typeof v === "boolean") return v ? "sim" : "não";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(v).replace(".", ",");
  if (typeof v === "string") return cap(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return "(vazio)";
    if (depth > 1) return `[${v.length} itens]`;
    return cap(v.map((x) => fmtValue(x, depth + 1)).join("; "));
  }
  if (typeof v === "object") {
    if (depth > 1) return "{…}";
    return cap(
      Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => `${k}: ${fmtValue(x, depth + 1)}`)
        .join(", "),
    );
  }
  return String(v);
};

/** Keys of `data` that have their own report section (only counted in the source block). */
const SECTIONED_KEYS: Record<string, string> = {
  processos: "seção Processos judiciais e mandados",
  mandados: "seção Processos judiciais e mandados",
  qsa: "seção Quadro societário",
};
const MAX_DATA_ROWS = 40;

/** Flattens `data` into readable key/value rows (nested objects as dotted paths). */
const dataRows = (data: Record<string, unknown>): [string, string][] => {
  const rows: [string, string][] = [];
  const walk = (prefix: string, v: unknown, depth: number) => {
    if (rows.length > MAX_DATA_ROWS) return;
    if (v && typeof v === "object" && !Array.isArray(v) && depth < 3) {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length === 0) rows.push([prefix, "(vazio)"]);
      for (const [k, x] of entries) walk(prefix ? `${prefix}.${k}` : k, x, depth + 1);
      return;
    }
    if (Array.isArray(v) && v.length <= 5 && depth < 2 && v.some((x) => x && typeof x === "object")) {
      v.forEach((x, i) => walk(`${prefix}[${i + 1}]`, x, depth + 1));
      return;
    }
    rows.push([prefix, fmtValue(v)]);
  };
  for (const [k, v] of Object.entries(data)) {
    if (Object.hasOwn(SECTIONED_KEYS, k) && Array.isArray(v)) {
      rows.push([k, `${v.length} registro(s), detalhados na ${SECTIONED_KEYS[k]}`]);
      continue;
    }
    walk(k, v, 0);
  }
  if (rows.length > MAX_DATA_ROWS) {
    const extra = rows.length - MAX_DATA_ROWS;
    rows.length = MAX_DATA_ROWS;
    rows.push(["…", `mais ${extra}+ campo(s) omitidos neste resumo`]);
  }
  return rows;
};

const RAW_MAX_CHARS = 1200;
const RAW_MAX_LINES = 12;
/** Wrapped lines of a raw excerpt shown at most. */
const RAW_MAX_ROWS = 12;

/** A size-capped excerpt of a raw payload, as received (no reformatting: it is evidence). */
const rawExcerpt = (raw: string): { lines: string[]; note: string } => {
  const size = new TextEncoder().encode(raw).length;
  let text = raw.replace(/\r\n?/g, "\n");
  let cut = false;
  if (text.length > RAW_MAX_CHARS) {
    text = text.slice(0, RAW_MAX_CHARS);
    cut = true;
  }
  let lines = text.split("\n");
  if (lines.length > RAW_MAX_LINES) {
    lines = lines.slice(0, RAW_MAX_LINES);
    cut = true;
  }
  return {
    lines: lines.map((l) => l.replace(/\t/g, "  ")),
    note: cut ? `trecho; resposta completa com ${fmtBytes(size)}` : `completa, ${fmtBytes(size)}`,
  };
};

/** Most severe first, then heaviest, then as the analysis listed them. */
const severitySorted = (findings: Finding[]): Finding[] =>
  findings
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        (SEVERITY_RANK[b.f.severity] ?? -1) - (SEVERITY_RANK[a.f.severity] ?? -1) ||
        (b.f.weight ?? 0) - (a.f.weight ?? 0) ||
        a.i - b.i,
    )
    .map((x) => x.f);

// ---------------------------------------------------------------- summary sections (both modes)

interface Ctx {
  L: Layout;
  input: ReportInput;
  tplSource: (key: string) => TemplateSource | undefined;
}

function titleBlock({ L, input }: Ctx): void {
  const { run } = input;
  const title = `Relatório de due diligence KYC — ${input.mode === "completo" ? "completo" : "resumido"}`;
  L.y -= 20;
  L.draw(L.fit(title, CONTENT_W, { font: "bold", size: 17 }), MARGIN_X, L.y, { font: "bold", size: 17, color: C.brand });
  L.y -= 16;
  const p = input.analysis.subject_profile;
  const name = p.type === "pj" ? (p.razao_social ?? p.nome_fantasia) : p.nome;
  const docLabel = run.subject.type === "pj" ? "CNPJ" : "CPF";
  const subtitle = `${lookup(SUBJECT_TYPE, run.subject.type)}${name ? ` · ${name}` : ""} · ${docLabel} ${run.subject.document}`;
  for (const line of L.wrap(subtitle, CONTENT_W, { size: 10.5 }).slice(0, 2)) {
    L.draw(line, MARGIN_X, L.y, { size: 10.5 });
    L.y -= 14;
  }
  L.y -= 6;
}

function decisionTiles({ L, input }: Ctx): void {
  const { analysis, run } = input;
  const decision = analysis.decision ?? run.decision;
  const operative = analysis.operative_decision ?? run.operative_decision;
  const band = analysis.risk_band ?? run.risk_band;
  const tiles: { label: string; value: string; sub: string; tone: Tone }[] = [
    {
      label: "DECISÃO",
      value: decisionLabel(decision),
      sub: `execução: ${lookup(RUN_STATUS, run.status)}`,
      tone: decisionTone(decision),
    },
    {
      label: "DECISÃO OPERACIONAL",
      value: decisionLabel(operative),
      sub: operative === "hold" ? "dados essenciais ausentes" : operative && operative === decision ? "igual à decisão" : "—",
      tone: decisionTone(operative),
    },
    { label: "FAIXA DE RISCO", value: bandLabel(band), sub: `score ${fmtInt(analysis.score)} de 100`, tone: bandTone(band) },
  ];
  const gap = 10;
  const w = (CONTENT_W - 2 * gap) / 3;
  const h = 58;
  L.ensure(h + 10);
  tiles.forEach((t, i) => {
    const x = MARGIN_X + i * (w + gap);
    L.page.drawRectangle({ x, y: L.y - h, width: w, height: h, color: t.tone.bg, borderColor: t.tone.fg, borderWidth: 1 });
    L.draw(L.fit(t.label, w - 16, { font: "bold", size: 7.5 }), x + 8, L.y - 14, { font: "bold", size: 7.5, color: C.muted });
    L.draw(L.fit(t.value, w - 16, { font: "bold", size: 15 }), x + 8, L.y - 34, { font: "bold", size: 15, color: t.tone.fg });
    L.draw(L.fit(t.sub, w - 16, { size: 7.5 }), x + 8, L.y - 49, { size: 7.5 });
  });
  L.y -= h + 12;
}

/** Results that ended in ERROR, with the tier the run's template gave them. */
const erroredSources = (ctx: Ctx) =>
  ctx.input.results
    .filter((r) => r.status === "ERROR")
    .map((r) => ({ r, tier: ctx.tplSource(r.source)?.tier ?? SOURCE_CATALOG[r.source]?.tier ?? 3 }));

function operativeExplanation(ctx: Ctx): void {
  const { L, input } = ctx;
  const { analysis, run } = input;
  const operative = analysis.operative_decision ?? run.operative_decision;
  const decision = analysis.decision ?? run.decision;
  const errors = erroredSources(ctx);
  const reasonOf = (r: SourceResult) =>
    r.reason ?? analysis.incomplete_sources?.find((i) => i.source === r.source)?.reason ?? "sem resposta";
  const list = (xs: typeof errors) => xs.map(({ r }) => `${sourceLabel(r.source)} (${reasonOf(r)})`).join("; ");
  if (operative === "hold") {
    const tier1 = errors.filter((e) => e.tier === 1);
    const others = errors.filter((e) => e.tier !== 1);
    const body = [
      `A análise chegou à decisão “${decisionLabel(decision)}”, mas ela não pode ser executada: ${
        tier1.length || "uma ou mais"
      } fonte(s) de nível 1, essenciais para a decisão, não responderam (erro ou tempo esgotado)${
        tier1.length ? `: ${list(tier1)}` : ""
      }.`,
      "Sem os dados dessas fontes não é possível afirmar que o sujeito não tem os apontamentos que elas verificam. Mantenha o cadastro retido, sem aprovar nem reprovar, e repita a consulta antes de decidir.",
    ];
    if (others.length) body.push(`Outras fontes sem resposta (não retêm a decisão): ${list(others)}.`);
    L.callout("Decisão operacional RETIDA (hold): por quê", body, { border: C.orange, fill: C.orangeBg, title: C.orange });
    return;
  }
  if (decision === null || decision === undefined) {
    L.callout(
      "Sem decisão",
      [
        `A execução terminou com status “${lookup(RUN_STATUS, run.status)}” e nenhuma decisão pôde ser calculada.${
          errors.length ? ` Fontes sem resposta: ${list(errors)}.` : ""
        }`,
      ],
      { border: C.gray, fill: C.grayBg, title: C.text },
    );
    return;
  }
  const text =
    "Decisão operacional igual à decisão: todas as fontes de nível 1 responderam." +
    (errors.length ? ` Fontes de nível 2/3 sem resposta (não retêm a decisão): ${list(errors)}.` : "");
  L.paragraph(text, { size: 8.5, color: C.muted, after: 6 });
}

const findingRow = (f: Finding, withEvidence: boolean): Cell[] => [
  chip(lookup(SEVERITY, f.severity), severityTone(f.severity)),
  {
    text: f.title,
    bold: true,
    sub:
      (f.description ?? "") +
      (withEvidence && f.evidence && typeof f.evidence === "object" && Object.keys(f.evidence).length
        ? ` Evidência: ${fmtValue(f.evidence)}`
        : ""),
  },
  { text: sourceLabel(f.source), sub: `${f.source} · ${f.check}` },
];

const FINDING_COLUMNS = [
  { header: "Severidade", width: 76 },
  { header: "Achado", width: 0 },
  { header: "Fonte", width: 150 },
];

const RESUMIDO_FINDINGS = 12;

function findingsSection({ L, input }: Ctx, limit?: number): void {
  const sorted = severitySorted(input.analysis.findings ?? []);
  L.heading("Principais achados (por severidade)", 2);
  if (!sorted.length) {
    L.paragraph("Nenhum achado: nenhuma fonte consultada apontou restrições sobre o sujeito.", { size: 9 });
    return;
  }
  const shown = limit ? sorted.slice(0, limit) : sorted;
  L.table(FINDING_COLUMNS, shown.map((f) => findingRow(f, !limit)), { maxLines: limit ? 6 : 14 });
  if (shown.length < sorted.length)
    L.paragraph(`Mais ${sorted.length - shown.length} achado(s) de menor severidade constam do relatório completo.`, {
      size: 8.5,
      color: C.muted,
    });
}

function triggeredRules({ L, input }: Ctx): void {
  const rules = input.run.triggered_rules ?? [];
  if (!rules.length) return;
  L.heading("Regras acionadas", 2);
  const effectTone = (e: string) =>
    toneOf(e === "block" ? "bad" : e === "review" ? "warn" : e === "hold" ? "hold" : "none");
  L.table(
    [
      { header: "Fonte", width: 0 },
      { header: "Verificação", width: 120 },
      { header: "Regra (on_hit)", width: 80 },
      { header: "Efeito", width: 110 },
    ],
    rules.map((r) => [
      { text: sourceLabel(r.source), sub: r.source },
      r.check ?? "—",
      lookup(ON_HIT, r.on_hit),
      chip(lookup(EFFECT, r.effect), effectTone(r.effect)),
    ]),
  );
}

function profileSection({ L, input }: Ctx): void {
  const p = input.analysis.subject_profile;
  L.heading("Perfil do sujeito", 2);
  if (p.type === "pj") {
    L.keyValue(
      [
        ["Razão social", p.razao_social ?? "—"],
        ["Nome fantasia", p.nome_fantasia ?? "—"],
        ["Situação cadastral", p.situacao_cadastral ?? "—"],
        ["Data de abertura", p.data_abertura ? fmtDate(p.data_abertura) : "—"],
        ["CNAE principal", p.cnae_principal ?? "—"],
        ["CNPJ", input.run.subject.document],
        ["Sócios no QSA", String(p.qsa?.length ?? 0)],
      ],
      130,
    );
    return;
  }
  L.keyValue(
    [
      ["Nome", p.nome ?? "—"],
      ["Data de nascimento", p.data_nascimento ? fmtDate(p.data_nascimento) : "—"],
      ["Situação cadastral", p.situacao_cadastral ?? "—"],
      ["Registro de óbito", p.obito === null || p.obito === undefined ? "—" : p.obito ? "Sim" : "Não"],
      ["CPF", input.run.subject.document],
    ],
    130,
  );
}

interface QsaMember {
  nome: string;
  documento: string;
  qualificacao: string;
  run_id: string | null;
  partner?: ReportPartner;
}

/** QSA members from the profile joined with their partner runs; partner runs missing from the profile are appended. */
const qsaMembers = (input: ReportInput): QsaMember[] => {
  const p = input.analysis.subject_profile;
  const byRun = new Map(input.partners.map((x) => [x.summary.run_id, x]));
  const used = new Set<string>();
  const out: QsaMember[] = [];
  if (p.type === "pj") {
    for (const m of p.qsa ?? []) {
      const partner = m.run_id ? byRun.get(m.run_id) : undefined;
      if (partner) used.add(partner.summary.run_id);
      out.push({ ...m, partner });
    }
  }
  for (const x of input.partners) {
    if (used.has(x.summary.run_id)) continue;
    out.push({
      nome: x.summary.name,
      documento: x.summary.document,
      qualificacao: x.summary.qualificacao,
      run_id: x.summary.run_id,
      partner: x,
    });
  }
  return out;
};

const partnerOperative = (m: QsaMember) => {
  const s = m.partner?.summary;
  return s ? (s.operative_decision ?? s.decision) : null;
};

function qsaSummary({ L, input }: Ctx): void {
  if (input.run.subject.type !== "pj") return;
  const members = qsaMembers(input);
  L.heading("Quadro societário (QSA): resumo", 2, 130);
  if (!members.length) {
    L.paragraph("A Receita Federal não informou sócios para esta empresa.", { size: 9 });
    return;
  }
  const counts = { approved: 0, review: 0, rejected: 0, hold: 0, other: 0 };
  for (const m of members) {
    const d = partnerOperative(m);
    if (d === "approved" || d === "review" || d === "rejected" || d === "hold") counts[d]++;
    else counts.other++;
  }
  L.paragraph(
    `${members.length} sócio(s): ${counts.approved} aprovado(s), ${counts.review} em revisão, ${counts.rejected} reprovado(s), ${counts.hold} retido(s), ${counts.other} sem decisão ou sem execução própria.`,
    { size: 8.5, color: C.muted },
  );
  L.table(
    [
      { header: "Sócio", width: 0 },
      { header: "Documento", width: 90 },
      { header: "Qualificação", width: 110 },
      { header: "Decisão", width: 90 },
      { header: "Faixa", width: 55 },
    ],
    members.map((m) => {
      const s = m.partner?.summary;
      const d = partnerOperative(m);
      return [
        { text: m.nome, sub: m.run_id ?? "sem execução própria" },
        m.documento,
        m.qualificacao,
        s ? chip(decisionLabel(d), decisionTone(d)) : "—",
        s ? bandLabel(s.risk_band) : "—",
      ];
    }),
    { size: 8, maxLines: 3 },
  );
}

function dimensionsSection({ L, input }: Ctx): void {
  const dims = input.analysis.dimensions ?? [];
  if (!dims.length) return;
  L.heading("Risco por dimensão", 2);
  L.table(
    [
      { header: "Dimensão", width: 0 },
      { header: "Faixa", width: 70 },
      { header: "Score", width: 50, align: "right" },
      { header: "Achados", width: 55, align: "right" },
      { header: "Fontes", width: 170 },
    ],
    dims.map((d) => [
      lookup(DIMENSION, d.dimension),
      chip(bandLabel(d.risk_band), bandTone(d.risk_band)),
      fmtInt(d.score),
      fmtInt(d.findings_count),
      d.sources?.length ? d.sources.join(", ") : "—",
    ]),
    { size: 8 },
  );
}

function incompleteSection({ L, input }: Ctx): void {
  const inc = input.analysis.incomplete_sources ?? [];
  if (!inc.length) return;
  L.heading("Fontes sem resposta", 2);
  L.table(
    [
      { header: "Fonte", width: 0 },
      { header: "Motivo", width: 220 },
    ],
    inc.map((i) => [{ text: sourceLabel(i.source), sub: i.source }, i.reason]),
  );
}

function runFacts({ L, input }: Ctx): void {
  const { run } = input;
  const meta = Object.entries(run.metadata ?? {});
  const rows: [string, Cell][] = [
    ["Execução", run.id],
    ["Status", lookup(RUN_STATUS, run.status)],
    ["Sujeito", `${lookup(SUBJECT_TYPE, run.subject.type)} · ${run.subject.type === "pj" ? "CNPJ" : "CPF"} ${run.subject.document}`],
    ["Template", `${input.template.name} (${input.template.id}) · versão ${input.template.version}`],
    ["Identificador externo", run.external_id ?? run.flags?.external_id ?? "—"],
    ["Metadados", meta.length ? meta.map(([k, v]) => `${k} = ${v}`).join(" · ") : "—"],
    ["Criada em", fmtDate(run.created_at)],
    ["Iniciada em", fmtDate(run.started_at)],
    ["Concluída em", fmtDate(run.completed_at)],
    ["Créditos utilizados", fmtInt(run.credits_used)],
    ["Ambiente", run.livemode ? "Produção (livemode)" : "AMBIENTE DE TESTES (sandbox, dados simulados)"],
  ];
  if (run.parent_run_id) rows.push(["Execução de origem", run.parent_run_id]);
  L.heading("Dados da execução", 2);
  L.keyValue2(rows, 92, { size: 8 });
}

function signOff({ L, input }: Ctx): void {
  L.heading("Parecer e assinatura do analista", 1, 60);
  const r = input.caseResolution;
  if (r) {
    L.heading(`Resolução do caso ${r.case_id}`, 2);
    L.keyValue2(
      [
        ["Resultado da revisão", r.outcome === "approved" ? "Aprovado" : "Rejeitado"],
        ["Motivo", `${r.reason_label} (${r.reason_code})`],
        ["Resolvido por", r.resolved_by],
        ["Aprovado por", r.approved_by ?? "— (dispensa segunda aprovação)"],
        ["Resolvido em", fmtDate(r.resolved_at)],
        ["Justificativa", r.note],
      ],
      92,
      { size: 8 },
    );
    L.y -= 8;
  }
  L.paragraph(
    `Declaro que revisei este relatório (execução ${input.run.id}) e as evidências das fontes consultadas, e registro o parecer abaixo.`,
    { size: 9, after: 10 },
  );
  const line = (label: string, x: number, w: number) => {
    L.draw(label, x, L.y, { size: 8.5, color: C.muted });
    L.page.drawLine({ start: { x, y: L.y - 16 }, end: { x: x + w, y: L.y - 16 }, thickness: 0.7, color: C.text });
  };
  L.y -= 4;
  line("Nome do analista", MARGIN_X, 300);
  line("Matrícula / cargo", MARGIN_X + 320, CONTENT_W - 320);
  L.y -= 40;
  line("Data", MARGIN_X, 140);
  line("Local", MARGIN_X + 160, 140);
  line("Parecer", MARGIN_X + 320, CONTENT_W - 320);
  L.y -= 34;
  const box = (x: number, label: string) => {
    L.page.drawRectangle({ x, y: L.y - 2, width: 9, height: 9, borderColor: C.text, borderWidth: 0.8 });
    L.draw(label, x + 14, L.y, { size: 8.5 });
  };
  box(MARGIN_X, "De acordo com a decisão");
  box(MARGIN_X + 150, "Divergente (justificar)");
  box(MARGIN_X + 300, "Solicitar nova consulta");
  L.y -= 22;
  L.draw("Justificativa", MARGIN_X, L.y, { size: 8.5, color: C.muted });
  for (let i = 0; i < 3; i++) {
    L.y -= 20;
    L.page.drawLine({ start: { x: MARGIN_X, y: L.y }, end: { x: MARGIN_X + CONTENT_W, y: L.y }, thickness: 0.5, color: C.rule });
  }
  L.y -= 44;
  L.page.drawLine({ start: { x: MARGIN_X, y: L.y }, end: { x: MARGIN_X + 230, y: L.y }, thickness: 0.7, color: C.text });
  L.page.drawLine({
    start: { x: MARGIN_X + CONTENT_W - 230, y: L.y },
    end: { x: MARGIN_X + CONTENT_W, y: L.y },
    thickness: 0.7,
    color: C.text,
  });
  L.y -= 11;
  L.draw("Assinatura do analista", MARGIN_X, L.y, { size: 8, color: C.muted });
  L.draw("Assinatura do revisor / compliance", MARGIN_X + CONTENT_W - 230, L.y, { size: 8, color: C.muted });
  L.y -= 14;
}

// ---------------------------------------------------------------- completo only

const STATUS_LEGEND =
  "Status das fontes: VALID = consulta sem apontamentos; INVALID = apontamento encontrado; NO_DATA = a fonte não tem dados sobre o sujeito; ERROR = a fonte não respondeu (erro ou tempo esgotado).";

/** Raw payload excerpt in a shaded box, wrapped by character so indentation and long tokens survive. */
function codeBlock(L: Layout, lines: string[], note: string): void {
  const size = 6.8;
  const lh = size * 1.3;
  const innerW = CONTENT_W - 16;
  const wrapped: string[] = [];
  for (const raw of lines) {
    const l = L.clean(raw);
    let cur = "";
    let w = 0;
    for (const ch of l) {
      const cw = L.width(ch, { size });
      if (w + cw > innerW && cur) {
        wrapped.push(cur);
        cur = "";
        w = 0;
      }
      cur += ch;
      w += cw;
    }
    wrapped.push(cur);
  }
  const shown = wrapped.slice(0, RAW_MAX_ROWS);
  if (wrapped.length > RAW_MAX_ROWS) shown[RAW_MAX_ROWS - 1] = L.fit(shown[RAW_MAX_ROWS - 1] + " …", innerW, { size });
  const h = shown.length * lh + 22;
  L.ensure(h);
  const top = L.y;
  L.page.drawRectangle({ x: MARGIN_X, y: top - h, width: CONTENT_W, height: h, color: C.zebra, borderColor: C.rule, borderWidth: 0.5 });
  L.draw(L.fit(`Resposta bruta da fonte (${note})`, innerW, { font: "bold", size: 7 }), MARGIN_X + 8, top - 10, {
    font: "bold",
    size: 7,
    color: C.muted,
  });
  let y = top - 12;
  for (const l of shown) {
    y -= lh;
    L.draw(l, MARGIN_X + 8, y, { size });
  }
  L.y = top - h - 8;
}

function sourcesSection(ctx: Ctx): void {
  const { L, input } = ctx;
  L.newPage();
  L.heading("Fontes consultadas (ordem de execução)", 1);
  L.paragraph(STATUS_LEGEND, { size: 8, color: C.muted, after: 6 });
  L.table(
    [
      { header: "#", width: 22, align: "right" },
      { header: "Fonte", width: 0 },
      { header: "Fase", width: 62 },
      { header: "Status", width: 62 },
      { header: "Duração", width: 56, align: "right" },
      { header: "Tent.", width: 34, align: "right" },
    ],
    input.results.map((r, i) => [
      String(i + 1),
      { text: sourceLabel(r.source), sub: r.source },
      lookup(PHASE, r.phase),
      chip(statusCode(r.status), statusTone(r.status)),
      fmtMs(r.duration_ms),
      fmtInt(r.attempts),
    ]),
    { size: 8 },
  );
  const skipped = input.run.skipped_sources ?? [];
  if (skipped.length) {
    L.paragraph(
      `Fontes não consultadas porque um bloqueio na fase crítica encerrou a execução (sem cobrança): ${skipped
        .map((s) => `${sourceLabel(s)} (${s})`)
        .join("; ")}.`,
      { size: 8.5, color: C.muted, after: 6 },
    );
  }
  input.results.forEach((r, i) => L.keepTogether(() => sourceBlock(ctx, r, i)));
}

/** One source of the run: status, rule, timings, checks, data and a raw excerpt. */
function sourceBlock(ctx: Ctx, r: SourceResult, i: number): void {
  const { L } = ctx;
  const tpl = ctx.tplSource(r.source);
  L.heading(`${i + 1}. ${sourceLabel(r.source)}`, 2, 110);
  const rows: [string, Cell][] = [
    ["Chave", r.source],
    ["Status", chip(statusCode(r.status), statusTone(r.status))],
    ["Fase · regra", `${lookup(PHASE, r.phase)} · ${tpl ? `${tpl.on_hit} (${lookup(ON_HIT, tpl.on_hit)})` : "—"}`],
    ["Nível (tier)", tpl ? String(tpl.tier) : String(SOURCE_CATALOG[r.source]?.tier ?? "—")],
    ["Duração", fmtMs(r.duration_ms)],
    ["Tentativas", fmtInt(r.attempts)],
    ["Início", fmtDate(r.started_at)],
    ["Fim", fmtDate(r.completed_at)],
    ["Timeout", tpl ? fmtMs(tpl.timeout_ms) : "—"],
    ["Cobrança", r.status === "ERROR" ? "não cobrada (erro)" : ctx.input.run.livemode ? "1 crédito" : "sandbox, sem cobrança"],
  ];
  const checks = Object.entries(r.checks ?? {});
  for (const [k, v] of checks) rows.push([`Verificação ${k}`, chip(String(v), statusTone(String(v)))]);
  if (!checks.length) rows.push(["Verificações", "sem resultado por verificação"]);
  if (rows.length % 2) rows.push(["", ""]);
  if (r.status === "ERROR" || r.reason)
    rows.push(["Motivo do erro", { text: r.reason ?? "não informado", color: C.orange, bold: true }], ["", ""]);
  L.keyValue2(rows, 92, { size: 7.8 });
  if (r.data && typeof r.data === "object" && Object.keys(r.data).length) {
    L.paragraph("Dados retornados", { font: "bold", size: 8.5, after: 2 });
    const data = dataRows(r.data);
    if (data.length > 3) L.keyValue2(data, 92, { size: 7.5, maxLines: 6 });
    else L.keyValue(data, 150, { size: 7.5, maxLines: 6 });
  }
  if (typeof r.raw === "string" && r.raw) {
    const ex = rawExcerpt(r.raw);
    codeBlock(L, ex.lines, ex.note);
  }
}

interface LegalItem {
  origin: string;
  source: string;
  kind: string;
  number: string;
  details: string;
}

/** Processes and warrants listed in the sources' `data.processos` / `data.mandados`. */
const legalItems = (origin: string, results: SourceResult[]): LegalItem[] => {
  const out: LegalItem[] = [];
  for (const r of results) {
    for (const [key, kind] of [
      ["mandados", "Mandado"],
      ["processos", "Processo"],
    ] as const) {
      const list = r.data?.[key];
      if (!Array.isArray(list)) continue;
      for (const item of list) {
        if (item && typeof item === "object" && !Array.isArray(item)) {
          const o = item as Record<string, unknown>;
          const numKey = ["numero", "numero_processo", "numero_mandado", "id"].find((k) => o[k] != null);
          out.push({
            origin,
            source: r.source,
            kind,
            number: numKey ? fmtValue(o[numKey]) : "—",
            details: Object.entries(o)
              .filter(([k]) => k !== numKey)
              .map(([k, v]) => `${k.replace(/_/g, " ")}: ${fmtValue(v)}`)
              .join(" · "),
          });
        } else {
          out.push({ origin, source: r.source, kind, number: fmtValue(item), details: "" });
        }
      }
    }
  }
  return out;
};

function legalSection({ L, input }: Ctx): void {
  const items = [
    ...legalItems("Sujeito", input.results),
    ...input.partners.flatMap((p) => legalItems(`Sócio: ${p.summary.name}`, p.results ?? [])),
  ];
  L.heading("Processos judiciais e mandados", 1);
  L.paragraph(
    "Registros retornados pelas fontes judiciais (mandados de prisão, execuções penais, processos) para o sujeito e para os sócios consultados.",
    { size: 8.5, color: C.muted, after: 6 },
  );
  if (!items.length) {
    L.paragraph("Nenhum processo ou mandado foi retornado pelas fontes consultadas.", { size: 9 });
    return;
  }
  L.table(
    [
      { header: "Origem", width: 95 },
      { header: "Tipo / fonte", width: 110 },
      { header: "Número", width: 120 },
      { header: "Detalhes", width: 0 },
    ],
    items.map((it) => [it.origin, { text: it.kind, bold: true, sub: it.source }, it.number, it.details || "—"]),
    { size: 7.8, maxLines: 10 },
  );
}

const GRAPH_PER_PAGE = 20;

/**
 * The QSA as a graph: the company node on top, one node per partner colored
 * by the decision of the partner's own run, joined by an org-chart style
 * trunk and bus lines (no edge crosses a node).
 */
function qsaGraph({ L, input }: Ctx): void {
  if (input.run.subject.type !== "pj") return;
  const members = qsaMembers(input);
  const p = input.analysis.subject_profile as SubjectProfilePJ;
  const company = p.razao_social ?? p.nome_fantasia ?? input.run.subject.document;
  const chunks: QsaMember[][] = [];
  for (let i = 0; i < members.length; i += GRAPH_PER_PAGE) chunks.push(members.slice(i, i + GRAPH_PER_PAGE));
  if (!chunks.length) chunks.push([]);

  chunks.forEach((chunk, ci) => {
    L.newPage();
    L.heading(`Quadro societário (QSA): grafo${chunks.length > 1 ? ` (${ci + 1}/${chunks.length})` : ""}`, 1);
    L.paragraph(
      "A empresa, no topo, ligada a cada sócio do QSA. A cor de cada sócio mostra a decisão da sua própria execução (template de pessoa física).",
      { size: 8.5, color: C.muted, after: 8 },
    );
    const page = L.page;
    const op = input.analysis.operative_decision ?? input.run.operative_decision;
    const ct = decisionTone(op);
    const cw = 330;
    const nameLines = L.wrap(company, cw - 16, { font: "bold", size: 10 });
    const names = nameLines.slice(0, 2);
    if (nameLines.length > 2) names[1] = L.fit(names[1] + " …", cw - 16, { font: "bold", size: 10 });
    const ch = 36 + names.length * 13;
    const cx = MARGIN_X + (CONTENT_W - cw) / 2;
    const ctop = L.y;
    page.drawRectangle({ x: cx, y: ctop - ch, width: cw, height: ch, color: ct.bg, borderColor: ct.fg, borderWidth: 1.6 });
    names.forEach((l, j) => L.draw(l, cx + 8, ctop - 16 - j * 13, { font: "bold", size: 10 }));
    const below = ctop - 16 - (names.length - 1) * 13;
    L.draw(L.fit(`CNPJ ${input.run.subject.document}`, cw - 16, { size: 8 }), cx + 8, below - 13, { size: 8, color: C.muted });
    L.draw(
      L.fit(`Empresa · ${decisionLabel(op)} · risco ${bandLabel(input.analysis.risk_band)}`, cw - 16, { font: "bold", size: 8 }),
      cx + 8,
      below - 26,
      { font: "bold", size: 8, color: ct.fg },
    );
    if (!chunk.length) {
      L.y = ctop - ch - 20;
      L.paragraph("Nenhum sócio informado no QSA.", { size: 9 });
      return;
    }
    const trunkX = MARGIN_X + CONTENT_W / 2;
    const cols = 4;
    const gap = 14;
    const nw = (CONTENT_W - (cols - 1) * gap) / cols;
    const nh = 56;
    const rowGap = 34;
    const rows = Math.ceil(chunk.length / cols);
    const firstRowTop = ctop - ch - 40;
    const edge = (x1: number, y1: number, x2: number, y2: number) =>
      page.drawLine({ start: { x: x1, y: y1 }, end: { x: x2, y: y2 }, thickness: 1, color: C.muted });
    let lastBus = ctop - ch;
    for (let r = 0; r < rows; r++) {
      const rowItems = chunk.slice(r * cols, r * cols + cols);
      const rowTop = firstRowTop - r * (nh + rowGap);
      const busY = rowTop + 14;
      const rowW = rowItems.length * nw + (rowItems.length - 1) * gap;
      const x0 = MARGIN_X + (CONTENT_W - rowW) / 2;
      const centers = rowItems.map((_, k) => x0 + k * (nw + gap) + nw / 2);
      edge(Math.min(trunkX, ...centers), busY, Math.max(trunkX, ...centers), busY);
      lastBus = busY;
      rowItems.forEach((m, k) => {
        const x = x0 + k * (nw + gap);
        edge(centers[k], busY, centers[k], rowTop);
        const s = m.partner?.summary;
        const d = partnerOperative(m);
        const tone = s ? decisionTone(d) : toneOf("none");
        page.drawRectangle({ x, y: rowTop - nh, width: nw, height: nh, color: tone.bg, borderColor: tone.fg, borderWidth: 1.2 });
        const lines = L.wrap(m.nome, nw - 10, { font: "bold", size: 7.5 });
        const two = lines.slice(0, 2);
        if (lines.length > 2) two[1] = L.fit(two[1] + " …", nw - 10, { font: "bold", size: 7.5 });
        two.forEach((l, j) => L.draw(l, x + 5, rowTop - 11 - j * 9.5, { font: "bold", size: 7.5 }, page));
        L.draw(L.fit(m.qualificacao, nw - 10, { size: 6.8 }), x + 5, rowTop - 34, { size: 6.8, color: C.muted }, page);
        const status = s ? `${decisionLabel(d)} · ${bandLabel(s.risk_band)}` : "Sem execução própria";
        L.draw(L.fit(status, nw - 10, { font: "bold", size: 7.2 }), x + 5, rowTop - 47, { font: "bold", size: 7.2, color: tone.fg }, page);
      });
    }
    edge(trunkX, ctop - ch, trunkX, lastBus);
    page.drawCircle({ x: trunkX, y: ctop - ch, size: 2.2, color: C.muted });
    L.y = firstRowTop - rows * (nh + rowGap) + rowGap - 18;
    const legend: [string, Tone][] = [
      ["Aprovado", decisionTone("approved")],
      ["Revisão manual", decisionTone("review")],
      ["Reprovado", decisionTone("rejected")],
      ["Retido (hold)", decisionTone("hold")],
      ["Sem decisão / sem execução", toneOf("none")],
    ];
    L.ensure(24);
    let lx = MARGIN_X;
    L.draw("Legenda:", lx, L.y - 9, { font: "bold", size: 8 });
    lx += 42;
    for (const [label, tone] of legend) {
      L.page.drawRectangle({ x: lx, y: L.y - 11, width: 10, height: 10, color: tone.bg, borderColor: tone.fg, borderWidth: 1 });
      L.draw(label, lx + 14, L.y - 9, { size: 8 });
      lx += 14 + L.width(label, { size: 8 }) + 14;
    }
    L.y -= 24;
  });
}

/** One page (or more, if it must) per partner run. */
function partnerPages({ L, input }: Ctx): void {
  const n = input.partners.length;
  input.partners.forEach((p, i) => {
    const s = p.summary;
    const a = p.analysis;
    const results = p.results ?? [];
    L.newPage();
    L.heading(`Execução do sócio ${i + 1} de ${n}: ${s.name}`, 1);
    const op = a?.operative_decision ?? s.operative_decision;
    const dec = a?.decision ?? s.decision;
    const band = a?.risk_band ?? s.risk_band;
    L.keyValue2(
      [
        ["Decisão", chip(decisionLabel(dec), decisionTone(dec))],
        ["Execução", s.run_id],
        ["Decisão operacional", chip(decisionLabel(op), decisionTone(op))],
        ["Documento", s.document],
        ["Faixa de risco", chip(a ? `${bandLabel(band)} · score ${fmtInt(a.score)}` : bandLabel(band), bandTone(band))],
        ["Qualificação", s.qualificacao],
        ["Status", lookup(RUN_STATUS, s.status)],
        ["Fontes", `${results.length} consultada(s)`],
      ],
      88,
      { size: 8.5 },
    );
    if (op === "hold") {
      const tier1 = results.filter((r) => r.status === "ERROR" && (SOURCE_CATALOG[r.source]?.tier ?? 3) === 1);
      L.paragraph(
        `Retido (hold): fonte(s) de nível 1 sem resposta: ${
          tier1.map((r) => `${sourceLabel(r.source)} (${r.reason ?? "sem resposta"})`).join("; ") || "ver fontes abaixo"
        }. A decisão deste sócio não pode ser executada até nova consulta.`,
        { size: 8.5, color: C.orange, after: 6 },
      );
    }
    L.heading("Fontes consultadas", 3, 60);
    if (results.length) {
      L.table(
        [
          { header: "Fonte", width: 0 },
          { header: "Status", width: 60 },
          { header: "Verificações", width: 150 },
          { header: "Duração", width: 52, align: "right" },
          { header: "Tent.", width: 30, align: "right" },
        ],
        results.map((r) => [
          { text: sourceLabel(r.source), size: 7.5 },
          chip(statusCode(r.status), statusTone(r.status)),
          {
            text:
              Object.entries(r.checks ?? {})
                .map(([k, v]) => `${k}: ${v}`)
                .join(", ") || (r.reason ? `erro: ${r.reason}` : "—"),
            size: 7,
          },
          fmtMs(r.duration_ms),
          fmtInt(r.attempts),
        ]),
        { size: 7.5, maxLines: 4 },
      );
      const last = results[results.length - 1];
      if (last.phase === "critical" && last.status === "INVALID" && (a?.decision ?? s.decision) === "rejected")
        L.paragraph(
          `Execução encerrada por bloqueio na fase crítica (${sourceLabel(last.source)}): as fontes seguintes do template não foram consultadas.`,
          { size: 8, color: C.muted },
        );
    } else {
      L.paragraph("Nenhum resultado de fonte registrado para esta execução.", { size: 8.5, color: C.muted });
    }
    L.heading("Achados", 3, 50);
    const findings = severitySorted(a?.findings ?? []);
    if (!a) L.paragraph("Análise indisponível: a execução do sócio não produziu decisão.", { size: 8.5, color: C.muted });
    else if (!findings.length) L.paragraph("Nenhum achado para este sócio.", { size: 8.5, color: C.muted });
    else L.table(FINDING_COLUMNS, findings.map((f) => findingRow(f, false)), { size: 7.8, maxLines: 6 });
  });
}

function templateSection({ L, input }: Ctx): void {
  const t = input.template;
  L.newPage();
  L.heading("Template utilizado (snapshot)", 1);
  L.keyValue(
    [
      ["Template", `${t.name} (${t.id})`],
      ["Versão", String(t.version)],
      ["Escopo", t.tenant_id ? `Do tenant ${t.tenant_id}` : "Global"],
      ["Tipo de sujeito", lookup(SUBJECT_TYPE, t.subject_type)],
      [
        "Faixas de risco (score)",
        `Médio a partir de ${t.thresholds?.medio ?? "—"} pontos, Alto a partir de ${t.thresholds?.alto ?? "—"}; abaixo disso, Baixo. Bloqueio crítico é sempre Alto.`,
      ],
      [
        "Execuções de sócios",
        t.partner_runs
          ? `Cada sócio pessoa física do QSA, com o template ${t.partner_runs.template_id} (no máximo ${t.partner_runs.max_partners})`
          : "Não",
      ],
    ],
    140,
  );
  L.paragraph(
    "Fases: Crítica, sequencial na ordem abaixo; um INVALID com regra “Bloqueia” encerra a execução e reprova. Importante e Adicional, em paralelo depois da crítica; INVALID com regra “Revisão” leva a revisão manual; “Informativo” nunca altera a decisão. Nível 1 = fonte essencial: se não responder, a decisão operacional fica retida (hold).",
    { size: 8.5, color: C.muted, after: 6 },
  );
  L.table(
    [
      { header: "#", width: 22, align: "right" },
      { header: "Fonte", width: 0 },
      { header: "Fase", width: 62 },
      { header: "on_hit", width: 76 },
      { header: "Nível", width: 34, align: "right" },
      { header: "Peso", width: 34, align: "right" },
      { header: "Timeout", width: 50, align: "right" },
    ],
    (t.sources ?? []).map((s, i) => [
      String(i + 1),
      { text: sourceLabel(s.source), sub: s.source },
      lookup(PHASE, s.phase),
      `${s.on_hit} (${lookup(ON_HIT, s.on_hit)})`,
      String(s.tier),
      String(s.weight),
      fmtMs(s.timeout_ms),
    ]),
    { size: 8 },
  );
  const schema = t.parametros_schema as { properties?: Record<string, unknown>; required?: unknown };
  const props =
    schema && typeof schema === "object" && schema.properties && typeof schema.properties === "object"
      ? Object.entries(schema.properties)
      : [];
  if (props.length) {
    L.heading("Parâmetros aceitos", 2);
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    L.table(
      [
        { header: "Campo", width: 120 },
        { header: "Obrigatório", width: 70 },
        { header: "Regras", width: 0 },
      ],
      props.map(([k, v]) => [
        k,
        required.has(k) ? "sim" : "não",
        v && typeof v === "object"
          ? Object.entries(v)
              .map(([rk, rv]) => `${rk}: ${fmtValue(rv)}`)
              .join(" · ")
          : fmtValue(v),
      ]),
      { size: 8 },
    );
  }
}

function appendix({ L, input }: Ctx): void {
  L.heading("Apêndice: integridade e dados de geração", 1, 200);
  L.paragraph(
    "O hash abaixo identifica o resultado armazenado da execução: recalculá-lo sobre o resultado obtido pela API confirma que este relatório descreve exatamente aquele resultado. O relatório é gerado uma única vez por execução e modo e não é alterado depois.",
    { size: 8.5, color: C.muted, after: 6 },
  );
  L.keyValue(
    [
      ["SHA-256 do resultado", { text: input.resultHash || "—", bold: true }],
      ["Execução", input.run.id],
      ["Modo do relatório", input.mode],
      ["Gerado em", `${fmtDate(input.generatedAt)} (${input.generatedAt})`],
      ["Versão da análise", input.analysisVersion ?? "—"],
      ["Template", `${input.template.id} · versão ${input.template.version}`],
      ["Ambiente", input.run.livemode ? "Produção (livemode: true)" : "AMBIENTE DE TESTES (livemode: false)"],
      ["Tenant", input.tenantName],
      ["Execuções de sócios incluídas", String(input.partners.length)],
      ["Gerador", `kycert-edge report renderer ${REPORT_RENDERER_VERSION} (pdf-lib) · fonte Noto Sans (SIL OFL 1.1)`],
    ],
    150,
  );
}

// ---------------------------------------------------------------- page chrome

const HEADER_H = 58;
const BANNER_H = 20;

/** Header (tenant, run, template, generated-at), sandbox banner and "Página X de Y" on every page. */
function chrome(L: Layout, input: ReportInput, pages: Canvas[]): void {
  const total = pages.length;
  const modeLabel = input.mode === "completo" ? "Relatório completo" : "Relatório resumido";
  const line2 = `Execução ${input.run.id} · Template ${input.template.name} v${input.template.version} · Gerado em ${fmtDate(input.generatedAt)}`;
  const rightW = L.width(modeLabel, { size: 8.5 });
  const tenant = L.fit(input.tenantName || "—", CONTENT_W - rightW - 20, { font: "bold", size: 11 });
  const sub = L.fit(line2, CONTENT_W, { size: 7.8 });
  const footer = L.fit(`kycert · documento gerado automaticamente · confidencial · ${input.run.id}`, CONTENT_W - 100, { size: 7 });
  const banner = L.fit(
    "AMBIENTE DE TESTES: execução sandbox com dados simulados, sem validade para decisões reais",
    CONTENT_W - 16,
    { font: "bold", size: 8.5 },
  );
  const top = PAGE_H - 26;
  pages.forEach((page, i) => {
    L.draw(tenant, MARGIN_X, top - 4, { font: "bold", size: 11, color: C.brand }, page);
    L.draw(modeLabel, MARGIN_X + CONTENT_W - rightW, top - 4, { size: 8.5, color: C.muted }, page);
    L.draw(sub, MARGIN_X, top - 18, { size: 7.8, color: C.muted }, page);
    page.drawLine({ start: { x: MARGIN_X, y: top - 25 }, end: { x: MARGIN_X + CONTENT_W, y: top - 25 }, thickness: 0.8, color: C.rule });
    if (!input.run.livemode) {
      const by = PAGE_H - HEADER_H - BANNER_H + 4;
      page.drawRectangle({ x: MARGIN_X, y: by, width: CONTENT_W, height: BANNER_H - 2, color: C.sandbox });
      L.draw(banner, MARGIN_X + 8, by + 5.5, { font: "bold", size: 8.5, color: C.white }, page);
    }
    page.drawLine({ start: { x: MARGIN_X, y: 36 }, end: { x: MARGIN_X + CONTENT_W, y: 36 }, thickness: 0.5, color: C.rule });
    const pg = `Página ${i + 1} de ${total}`;
    L.draw(pg, MARGIN_X + CONTENT_W - L.width(pg, { size: 8 }), 24, { size: 8 }, page);
    L.draw(footer, MARGIN_X, 24, { size: 7, color: C.muted }, page);
  });
}

// ---------------------------------------------------------------- entry point

const toDate = (iso: string): Date => {
  const ms = Date.parse(iso);
  return new Date(Number.isNaN(ms) ? 0 : ms);
};

export async function renderReport(input: ReportInput): Promise<RenderedReport> {
  const fonts = reportFonts();
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  const regular = await doc.embedFont(fonts.regular.bytes, { subset: true });
  const bold = await doc.embedFont(fonts.bold.bytes, { subset: true });

  const top = PAGE_H - HEADER_H - (input.run.livemode ? 0 : BANNER_H) - 6;
  const L = new Layout(fonts, new GlyphEncoder({ regular, bold }), top);
  const tplByKey = new Map((input.template.sources ?? []).map((s) => [s.source as string, s]));
  const ctx: Ctx = { L, input, tplSource: (k) => tplByKey.get(k) };
  const completo = input.mode === "completo";

  L.newPage();
  titleBlock(ctx);
  decisionTiles(ctx);
  operativeExplanation(ctx);
  findingsSection(ctx, completo ? undefined : RESUMIDO_FINDINGS);
  triggeredRules(ctx);
  profileSection(ctx);
  qsaSummary(ctx);
  dimensionsSection(ctx);
  incompleteSection(ctx);
  runFacts(ctx);
  if (completo) {
    sourcesSection(ctx);
    legalSection(ctx);
    qsaGraph(ctx);
    partnerPages(ctx);
    templateSection(ctx);
  }
  L.keepTogether(() => signOff(ctx));
  if (completo) L.keepTogether(() => appendix(ctx));

  // Headers and footers last: "Página X de Y" needs the final page count.
  chrome(L, input, L.pages);
  await writePages(doc, L.pages, { regular, bold });

  const clean = (s: unknown) => sanitize(fonts.regular, s);
  const created = toDate(input.generatedAt);
  doc.setTitle(`Relatório KYC (${input.mode}) ${clean(input.run.id)}`);
  doc.setAuthor(clean(input.tenantName));
  doc.setSubject(`Due diligence KYC · ${clean(input.run.id)} · ${input.run.livemode ? "produção" : "ambiente de testes"}`);
  doc.setKeywords(["kyc", "due diligence", input.mode, clean(input.run.id)]);
  doc.setProducer(`kycert-edge report renderer ${REPORT_RENDERER_VERSION} (pdf-lib)`);
  doc.setCreator("kycert-edge");
  doc.setLanguage("pt-BR");
  doc.setCreationDate(created);
  doc.setModificationDate(created);

  const bytes = await doc.save({ useObjectStreams: true });
  return { bytes, pages: L.pages.length };
}
