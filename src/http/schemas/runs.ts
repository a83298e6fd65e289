// Request schemas of the runs API. The OpenAPI document is generated from these.
import { z } from "zod";
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

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const timestamp = z
  .string()
  .refine((v) => ISO_8601.test(v) && Number.isFinite(Date.parse(v)), "data inválida")
  .transform((v) => new Date(v).toISOString());

/** `limit` and `cursor` of every list endpoint (runs, cases): the same page rules everywhere. */
export const pageQueryFields = {
  limit: z
    .string()
    .regex(/^\d+$/, "inteiro entre 1 e 100")
    .transform(Number)
    .pipe(z.number().int().min(1).max(100))
    .default(20)
    .meta(doc("Page size, an integer from 1 to 100 (default 20). Out of range → invalid_limit.")),
  cursor: z.string().min(1).max(512).optional().meta(doc("`next_cursor` of the previous page. Opaque and signed; altered → invalid_cursor.")),
};

export const ListRunsQuerySchema = z.strictObject({
  ...pageQueryFields,
  status: z
    .enum(["pending", ...RUN_STATUSES])
    .transform((s) => (s === "pending" ? "queued" : s))
    .optional()
    .meta(doc("Only runs in this status (`pending` = `queued`).")),
  template_id: z.string().min(1).max(200).optional().meta(doc("Only runs of this template.")),
  external_id: z.string().min(1).max(255).optional().meta(doc("Only runs with this `external_id`.")),
  created_gte: timestamp.optional().meta(doc("Created at or after (ISO 8601). Invalid → invalid_timestamp.")),
  created_lte: timestamp.optional().meta(doc("Created at or before (ISO 8601). Invalid → invalid_timestamp.")),
});

export function listRunsErrorCode(path: string, issue: z.core.$ZodIssue): ErrorCode {
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
