// Request schema of POST /api/v1/screening/search (contract §14). The OpenAPI
// document is generated from it; every problem answers 400
// invalid_screening_query with `param` naming the field.
import { z } from "zod";
import { normalizeDocument, validateCnpj, validateCpf } from "../../domain/documents";
import { LIST_IDS, type ListId } from "../../screening/types";
import { MAX_SEARCH_LIMIT, MAX_SEARCH_NAME_CHARS } from "../../screening/types";

const LIST_ID_ENUM = z.enum(LIST_IDS as [ListId, ...ListId[]], { error: () => `lista desconhecida (use: ${LIST_IDS.join(", ")})` });

/** A real calendar date (or year / year-month): "2026-02-30" is refused. */
const isPartialDate = (v: string): boolean => {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), m[2] === undefined ? 1 : Number(m[2]), m[3] === undefined ? 1 : Number(m[3])];
  if (y < 1800 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
};

export const ScreeningSearchSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(MAX_SEARCH_NAME_CHARS)
      .refine((v) => v.trim() !== "", "o nome não pode ser só espaços"),
    type: z.enum(["pf", "pj"], { error: () => "deve ser 'pf' ou 'pj'" }).optional(),
    birth_date: z
      .string()
      .refine(isPartialDate, "data inválida: use YYYY, YYYY-MM ou YYYY-MM-DD")
      .optional(),
    nationality: z
      .string()
      .regex(/^[A-Za-z]{2}$/, "use o código ISO 3166-1 alfa-2 do país (ex.: BR)")
      .transform((v) => v.toUpperCase())
      .optional(),
    /** CPF (11 digits) or CNPJ (14 characters, alphanumeric accepted); punctuation ignored, check digits verified. */
    document: z
      .string()
      .max(64)
      .transform((raw, ctx) => {
        const n = normalizeDocument(raw);
        const v = n.length === 11 ? validateCpf(n) : n.length === 14 ? validateCnpj(n) : null;
        if (v?.ok) return v.value;
        ctx.addIssue({ code: "custom", message: v ? v.message : `informe um CPF (11 dígitos) ou CNPJ (14 caracteres) (recebido: ${n.length})` });
        return z.NEVER;
      })
      .optional(),
    lists: z.array(LIST_ID_ENUM).min(1).max(LIST_IDS.length * 2).optional(),
    threshold: z.number().min(0).max(1).optional(),
    limit: z.number().int().min(1).max(MAX_SEARCH_LIMIT).optional(),
  })
  .superRefine((q, ctx) => {
    // A CNPJ for a person (or a CPF for a company) can only be a mistake.
    if (q.document === undefined || q.type === undefined) return;
    const kind = q.document.length === 11 ? "pf" : "pj";
    if (kind !== q.type) {
      ctx.addIssue({
        code: "custom",
        path: ["document"],
        message: q.type === "pf" ? "type 'pf' pede um CPF, não um CNPJ" : "type 'pj' pede um CNPJ, não um CPF",
      });
    }
  });

export type ScreeningSearchBody = z.infer<typeof ScreeningSearchSchema>;
