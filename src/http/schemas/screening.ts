// Request schema of POST /api/v1/screening/search (contract §14). The OpenAPI
// document is generated from it; every problem answers 400
// invalid_screening_query with `param` naming the field.
import { z } from "zod";
import { documentKind, normalizeDocument, validateCnpj, validateCpf } from "../../domain/documents";
import { GENDER_PENALTY, NATIONALITY_PENALTY } from "../../screening/match/evidence";
import { DEFAULT_THRESHOLD } from "../../screening/match/strength";
import { LISTS_WITH_DOCUMENTS, LIST_IDS, MAX_SEARCH_LIMIT, MAX_SEARCH_NAME_CHARS, type ListId } from "../../screening/types";

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
      .refine((v) => v.trim() !== "", "o nome não pode ser só espaços")
      .optional()
      .meta({
        description: `The name to screen, 1–300 characters. Optional when \`document\` is given: a search by document alone looks only in the lists whose records carry Brazilian documents (${LISTS_WITH_DOCUMENTS.join(", ")}) and finds the entries listed with that CPF, or a CNPJ of the same 8-character root (a masked CPF needs the name too).`,
      }),
    type: z
      .enum(["pf", "pj"], { error: () => "deve ser 'pf' ou 'pj'" })
      .optional()
      .meta({ description: "`pf` (a person: organisations, vessels and aircraft are not candidates) or `pj` (a company: persons are not)." }),
    birth_date: z
      .string()
      .refine(isPartialDate, "data inválida: use YYYY, YYYY-MM ou YYYY-MM-DD")
      .optional()
      .meta({
        description:
          "YYYY, YYYY-MM or YYYY-MM-DD. Agreeing with the listed birth date at the precision both have corroborates a name match (`strong`); years more than one apart, or full dates that differ by more than a day/month swap, clear the candidate (it is a homonym, listed under `cleared`).",
      }),
    nationality: z
      .string()
      .regex(/^[A-Za-z]{2}$/, "use o código ISO 3166-1 alfa-2 do país (ex.: BR)")
      .transform((v) => v.toUpperCase())
      .optional()
      .meta({ description: `ISO 3166-1 alpha-2 (e.g. BR): when the list gives nationalities and none is this one, the score is lowered by ${NATIONALITY_PENALTY}; never clears a candidate alone (people hold several nationalities).` }),
    gender: z
      .enum(["M", "F"], { error: () => "deve ser 'M' ou 'F'" })
      .optional()
      .meta({ description: `M or F: when the list gives the other, the score is lowered by ${GENDER_PENALTY}; never clears a candidate alone.` }),
    /** CPF (11 digits) or CNPJ (14 characters, alphanumeric accepted); punctuation ignored, check digits verified. */
    document: z
      .string()
      .max(64)
      .transform((raw, ctx) => {
        const n = normalizeDocument(raw);
        const kind = documentKind(n);
        const v = kind === "pf" ? validateCpf(n) : kind === "pj" ? validateCnpj(n) : null;
        if (v?.ok) return v.value;
        ctx.addIssue({ code: "custom", message: v ? v.message : `informe um CPF (11 dígitos) ou CNPJ (14 caracteres) (recebido: ${n.length})` });
        return z.NEVER;
      })
      .optional()
      .meta({
        description:
          "CPF or CNPJ (punctuation ignored, check digits verified). The same CPF, or a CNPJ with the same 8-character root (a branch is the same legal person), identifies the subject whatever the name (`strong`); the digits 4–9 of a CPF agreeing with a masked CPF (CEIS, CNEP, PEP) corroborate a name match. Another CPF, another CNPJ root, or other visible digits clear the candidate.",
      }),
    lists: z
      .array(LIST_ID_ENUM)
      .min(1)
      .max(LIST_IDS.length * 2)
      .optional()
      .meta({ description: `List ids to search (default: all; by document alone: ${LISTS_WITH_DOCUMENTS.join(", ")}). Known ids: ${LIST_IDS.join(", ")}.` }),
    versions: z
      .partialRecord(
        LIST_ID_ENUM,
        z
          .string()
          .regex(/^[0-9a-fA-F]{64}$/, "informe o sha256 da versão (64 caracteres hexadecimais), como em lists[].sha256 de uma busca ou em data.listas de uma fonte")
          .transform((v) => v.toLowerCase()),
      )
      .optional()
      .meta({
        description:
          "Versions to search instead of the serving ones, by list id: `{ \"un_sc\": \"<sha256>\" }`, as a search answered them (`lists[].sha256`) or a run's list-backed source recorded them (`data.listas`), to replay what was screened then. Lists not pinned are searched in their serving version. A version no longer kept (`GET /admin/v1/lists/{id}/versions`: the last 30, and every version that served in the last 90 days) → 409 list_version_gone. With `lists`, every pinned list must be one of them.",
      }),
    threshold: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .meta({ description: `0–1, default ${DEFAULT_THRESHOLD}: names scoring below (after the nationality and gender penalties) are not matches.` }),
    limit: z.number().int().min(1).max(MAX_SEARCH_LIMIT).optional().meta({ description: "1–50, default 10." }),
  })
  .superRefine((q, ctx) => {
    if (q.name === undefined) {
      if (q.document === undefined) ctx.addIssue({ code: "custom", path: ["name"], message: "informe name, document ou ambos" });
      // A list without documents searched by document alone would always answer "nothing found": refused, never silently skipped.
      const nameOnly = (q.lists ?? []).filter((id) => !LISTS_WITH_DOCUMENTS.includes(id));
      if (q.document !== undefined && nameOnly.length > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["lists"],
          message: `${nameOnly.join(", ")} não ${nameOnly.length === 1 ? "registra" : "registram"} CPF/CNPJ: informe name para ${nameOnly.length === 1 ? "buscá-la" : "buscá-las"} (por documento: ${LISTS_WITH_DOCUMENTS.join(", ")})`,
        });
      }
    }
    // A version pinned for a list the query leaves out would be silently ignored: a replay must say what it searched.
    for (const id of Object.keys(q.versions ?? {}) as ListId[]) {
      if (q.lists && !q.lists.includes(id)) {
        ctx.addIssue({ code: "custom", path: ["versions", id], message: `a lista ${id} não está em lists: inclua-a ou tire a versão` });
      }
    }
    // A CNPJ for a person (or a CPF for a company) can only be a mistake.
    if (q.document === undefined || q.type === undefined) return;
    if (documentKind(q.document) !== q.type) {
      ctx.addIssue({
        code: "custom",
        path: ["document"],
        message: q.type === "pf" ? "type 'pf' pede um CPF, não um CNPJ" : "type 'pj' pede um CNPJ, não um CPF",
      });
    }
  })
  // By document alone, the default lists are the ones that carry documents.
  .transform((q) => (q.name === undefined && q.lists === undefined ? { ...q, lists: [...LISTS_WITH_DOCUMENTS] } : q));
