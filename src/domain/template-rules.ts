// What makes a template definition acceptable before it can be published.
import { SOURCE_CATALOG } from "../sources/catalog";
import type { TemplateSnapshot } from "./types";

export interface TemplateProblem {
  name: string;
  reason: string;
}

type Definition = Omit<TemplateSnapshot, "id" | "version">;

export function templateProblems(def: Definition): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const docField = def.subject_type === "pf" ? "cpf" : "cnpj";
  const schema = def.parametros_schema as { type?: unknown; properties?: Record<string, unknown> };
  if (schema.type !== "object" || !schema.properties || typeof schema.properties !== "object") {
    problems.push({ name: "parametros_schema", reason: "deve ser um JSON Schema de objeto (type: object, properties)" });
  } else if (!(docField in schema.properties)) {
    problems.push({ name: `parametros_schema.properties.${docField}`, reason: `o schema deve declarar o campo ${docField}` });
  }
  const seen = new Set<string>();
  def.sources.forEach((s, i) => {
    const at = `sources[${i}]`;
    if (seen.has(s.source)) problems.push({ name: `${at}.source`, reason: "fonte repetida" });
    seen.add(s.source);
    if (!SOURCE_CATALOG[s.source].subjects.includes(def.subject_type)) {
      problems.push({ name: `${at}.source`, reason: `fonte não se aplica a ${def.subject_type.toUpperCase()}` });
    }
    if (s.phase === "additional" && s.on_hit !== "info") {
      problems.push({ name: `${at}.on_hit`, reason: "fontes adicionais são informativas (on_hit: info)" });
    }
    if (s.phase !== "critical" && s.on_hit === "block") {
      problems.push({ name: `${at}.on_hit`, reason: "block só é permitido na fase critical" });
    }
  });
  if (def.partner_runs && def.subject_type !== "pj") {
    problems.push({ name: "partner_runs", reason: "execuções de sócios só existem em templates PJ" });
  }
  // Definitions reach here from the admin schema and from code (seeds, scripts): a truthy string must not pass for true.
  const requireFullCpf = def.partner_runs?.require_full_cpf;
  if (requireFullCpf !== undefined && typeof requireFullCpf !== "boolean") {
    problems.push({ name: "partner_runs.require_full_cpf", reason: "deve ser true ou false" });
  }
  if (def.thresholds.medio >= def.thresholds.alto) {
    problems.push({ name: "thresholds", reason: "medio deve ser menor que alto" });
  }
  return problems;
}
