// "Template utilizado (snapshot)" (completo): the template the run used —
// scope, thresholds, partner runs, a note on phases and tiers, the table of
// its sources and the parameters it accepts.
import { fmtMs, fmtValue } from "../format";
import { C } from "../layout";
import { lookup, ON_HIT, PHASE, SUBJECT_TYPE, sourceLabel } from "../labels";
import type { Ctx } from "./common";

export function templateSection({ L, input }: Ctx): void {
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
          ? `Cada sócio pessoa física do QSA, com o template ${t.partner_runs.template_id} (no máximo ${t.partner_runs.max_partners})` +
            (t.partner_runs.require_full_cpf
              ? "; um sócio com CPF mascarado, triado só nas listas, deixa a empresa retida (hold) sem as verificações que exigem o CPF completo"
              : "")
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
