// Request schemas of the runs API. The OpenAPI document is generated from these.
import { z } from "zod";
import { isIsoDay, saoPauloDayBounds } from "../../domain/dates";
import type { ErrorCode } from "../errors";

export const RUN_STATUSES = ["queued", "running", "em_analise", "completed", "failed", "partial", "cancelado"] as const;

const doc = (description: string) => ({ description });

export const CreateRunSchema = z.strictObject({
  template_id: z
    .string()
    .min(1)
    .max(200)
    .meta(doc("A published template of your tenant, or a global one (`tpl_pf_padrao`, `tpl_pj_padrao`).")),
  parametros: z
    .record(z.string(), z.unknown())
    .optional()
    .meta(doc("Validated against the template's `parametros_schema`; holds the subject's document: `cpf` (PF templates) or `cnpj` (PJ). Punctuation is ignored.")),
  subject: z
    .object({
      type: z.enum(["pf", "pj"]).meta(doc("Must match the template's subject type.")),
      doc: z.string().min(1).max(64).meta(doc("CPF (11 digits) or CNPJ (14 characters, alphanumeric accepted).")),
    })
    .optional()
    .meta(doc("Instead of the document inside `parametros`: maps to `parametros.cpf` / `parametros.cnpj`.")),
  external_id: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta(doc("Your own id for the run: echoed everywhere (also as `flags.external_id`) and filterable in the list.")),
  metadata: z
    .record(z.string().min(1, "chave vazia").max(40, "chave com mais de 40 caracteres"), z.string().max(500, "valor com mais de 500 caracteres"))
    .refine((m) => Object.keys(m).length <= 10, "no máximo 10 chaves")
    .optional()
    // propertyNames: zod-to-openapi leaves the key schema out of a record.
    .meta({ ...doc("Up to 10 keys of 1–40 characters, string values of up to 500 characters; echoed back."), propertyNames: { type: "string", minLength: 1, maxLength: 40 } }),
  webhook_url: z
    .string()
    .min(1)
    .max(2048)
    .optional()
    .meta(doc("This run's events go here instead of the tenant's endpoints. https only with live keys; no credentials, IP literals or internal names.")),
  monitor: z
    .boolean()
    .optional()
    .meta(
      doc(
        "`true`: when the run completes, its subject is enrolled in ongoing monitoring (name and birth date from the run; a company also its screened partners). Needs the scope `monitoring:write` too.",
      ),
    ),
});

/** The contract code for the first problem in a create-run body. */
export function createRunErrorCode(path: string, issue: z.core.$ZodIssue): ErrorCode {
  const top = path.split(/[.[]/)[0];
  if (issue.code === "unrecognized_keys" && top === "") return "unknown_parameter";
  switch (top) {
    case "template_id":
      return "missing_template_id";
    case "parametros":
      return "invalid_parametros";
    case "subject":
      if (path === "subject.type") return "invalid_subject_type";
      if (path === "subject.doc") return issue.code === "invalid_type" ? "missing_document" : "invalid_document";
      return "missing_subject";
    case "external_id":
      return "invalid_external_id";
    case "metadata":
      return "invalid_metadata";
    case "webhook_url":
      return "invalid_webhook_url";
    default:
      return "invalid_request";
  }
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

const TIMESTAMP_FORMATS = "data inválida: use AAAA-MM-DD (o dia inteiro, no horário de São Paulo) ou data e hora ISO 8601 (ex.: 2026-01-15T10:00:00-03:00)";

/**
 * A bound of a `created_*` filter: a date and time (ISO 8601; without an
 * offset it is UTC), or a date alone, which means that whole day in
 * America/Sao_Paulo — its first millisecond for `gte`, its last for `lte`.
 */
const createdBound = (side: "gte" | "lte") =>
  z
    .string()
    .refine((v) => isIsoDay(v) || (ISO_DATE_TIME.test(v) && Number.isFinite(Date.parse(v)) && isIsoDay(v.slice(0, 10))), TIMESTAMP_FORMATS)
    .transform((v) => (isIsoDay(v) ? saoPauloDayBounds(v)[side === "gte" ? "start" : "end"] : new Date(v).toISOString()));

/** `created_gte` / `created_lte` of every list endpoint that filters by creation time (runs, events). */
export const createdRangeFields = {
  created_gte: createdBound("gte")
    .optional()
    .meta(doc("Created at or after: a date and time (ISO 8601, e.g. `2026-12-07T09:00:00-03:00`; without an offset it is UTC), or a date alone (`2026-12-07`: from the start of that day in São Paulo, 03:00 UTC). Invalid → invalid_timestamp.")),
  created_lte: createdBound("lte")
    .optional()
    .meta(doc("Created at or before: a date and time (ISO 8601), or a date alone (`2026-12-07`: through the end of that day in São Paulo, 02:59:59.999 UTC the next day). Invalid → invalid_timestamp.")),
};

/** `limit` and `cursor` of every list endpoint (runs, cases): the same page rules everywhere. */
export const pageQueryFields = {
  // A query string is text: parsed here, documented as the integer it is (so a
  // generated client takes `limit: 5`, and sends "5").
  limit: z
    .string()
    .refine((v) => /^\d+$/.test(v), "tipo inválido (esperado: inteiro entre 1 e 100)")
    .transform(Number)
    .pipe(z.number().int().min(1).max(100))
    .default(20)
    .meta({ ...doc("Page size, an integer from 1 to 100 (default 20). Out of range → invalid_limit."), type: "integer", minimum: 1, maximum: 100, default: 20 }),
  cursor: z.string().min(1).max(512).optional().meta(doc("`next_cursor` of the previous page. Opaque and signed; altered → invalid_cursor.")),
};

/** A query flag: `true` or `false` as text, documented as the boolean it is. */
export const booleanQuery = (description: string) =>
  z
    .enum(["true", "false"], { error: () => "use true ou false" })
    .transform((v) => v === "true")
    .optional()
    .meta({ ...doc(description), type: "boolean" });

export const ListRunsQuerySchema = z.strictObject({
  ...pageQueryFields,
  status: z
    .enum(["pending", ...RUN_STATUSES])
    .transform((s) => (s === "pending" ? "queued" : s))
    .optional()
    .meta(doc("Only runs in this status (`pending` = `queued`).")),
  template_id: z.string().min(1).max(200).optional().meta(doc("Only runs of this template.")),
  external_id: z.string().min(1).max(255).optional().meta(doc("Only runs with this `external_id`.")),
  decision: z
    .enum(["approved", "rejected", "review"], { error: () => "use approved, rejected ou review" })
    .optional()
    .meta(doc("Only terminal runs with this computed `decision` (`approved`, `rejected`, `review`).")),
  parent_run_id: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta(doc("Only the partner (QSA) runs of this company run.")),
  top_level: booleanQuery(
    "`true`: only the runs you created (no partner runs: each company run's partners are listed in its `partner_runs` and under `parent_run_id`); `false`: only partner runs.",
  ),
  ...createdRangeFields,
});

/** The contract code for the first problem of a list's query (runs, templates, events, webhook endpoints). */
export function listQueryErrorCode(path: string, issue: z.core.$ZodIssue): ErrorCode {
  if (issue.code === "unrecognized_keys") return "unknown_parameter";
  switch (path) {
    case "limit":
      return "invalid_limit";
    case "status":
      return "invalid_status";
    case "created_gte":
    case "created_lte":
      return "invalid_timestamp";
    case "cursor":
      return "invalid_cursor";
    case "external_id":
      return "invalid_external_id";
    default:
      return "invalid_request";
  }
}
