// Request schemas of the runs API. The OpenAPI document is generated from these.
import { z } from "zod";
import type { ErrorCode } from "../errors";

export const RUN_STATUSES = ["queued", "running", "em_analise", "completed", "failed", "partial", "cancelado"] as const;

export const CreateRunSchema = z.strictObject({
  template_id: z.string().min(1).max(200),
  parametros: z.record(z.string(), z.unknown()).optional(),
  subject: z
    .object({
      type: z.enum(["pf", "pj"]),
      doc: z.string().min(1).max(64),
    })
    .optional(),
  external_id: z.string().min(1).max(255).optional(),
  metadata: z
    .record(z.string().min(1, "chave vazia").max(40, "chave com mais de 40 caracteres"), z.string().max(500, "valor com mais de 500 caracteres"))
    .refine((m) => Object.keys(m).length <= 10, "no máximo 10 chaves")
    .optional(),
  webhook_url: z.string().min(1).max(2048).optional(),
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

export const ListRunsQuerySchema = z.strictObject({
  limit: z
    .string()
    .regex(/^\d+$/, "inteiro entre 1 e 100")
    .transform(Number)
    .pipe(z.number().int().min(1).max(100))
    .default(20),
  cursor: z.string().min(1).max(512).optional(),
  status: z
    .enum(["pending", ...RUN_STATUSES])
    .transform((s) => (s === "pending" ? "queued" : s))
    .optional(),
  template_id: z.string().min(1).max(200).optional(),
  external_id: z.string().min(1).max(255).optional(),
  created_gte: timestamp.optional(),
  created_lte: timestamp.optional(),
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

export const RunIdParamSchema = z.object({ id: z.string().min(1).max(100) });
