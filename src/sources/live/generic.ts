// The generic provider protocol (issue 4), for sources without a public API
// of their own: a tenant's data vendor implements one small endpoint.
//
//   POST {SOURCE_URL_<KEY>}/v1/check
//   Authorization: Bearer {SOURCE_TOKEN_<KEY>}
//   Content-Type: application/json
//   {"source": "<key>", "subject": {"type": "pf"|"pj", "document": "…", "name": "…"?}}
//
//   200 application/json
//   {"status": "VALID"|"INVALID"|"NO_DATA", "checks": {"<check>": "VALID"|"INVALID"}, "data": {…}?}
//
// Consistency rules (anything else → ERROR, never VALID):
//   - every check name must be one of the catalogue's checks for that source;
//   - VALID: at least one check, none INVALID;
//   - INVALID: at least one INVALID check;
//   - NO_DATA: no checks (absent or {});
//   - `data`, when present, is a JSON object;
//   - `source`, when echoed, must be the source asked;
//   - other top-level fields are ignored (forward compatibility).
import { z } from "zod";
import type { AdapterAnswer, CheckStatus } from "../../domain/types";
import type { SourceAdapter, SourceRequest } from "../adapter";
import type { LiveSourceConfig } from "./config";
import { describeIssues, safeFetchJson } from "./http";

const CheckStatusSchema = z.enum(["VALID", "INVALID"]);

export const GenericAnswerSchema = z.object({
  source: z.string().optional(),
  status: z.enum(["VALID", "INVALID", "NO_DATA"]),
  checks: z.record(z.string(), CheckStatusSchema).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

export type GenericAnswer = z.infer<typeof GenericAnswerSchema>;

/** Short, printable rendering of a provider-supplied name for a reason text. */
const label = (s: string) => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);

/**
 * Validates a parsed body against the protocol and the catalogue. Returns the
 * answer (without `raw`), or an ERROR with the rule that failed.
 */
export function interpretGenericAnswer(json: unknown, req: Pick<SourceRequest, "source">): AdapterAnswer {
  const invalid = (why: string): AdapterAnswer => ({
    status: "ERROR",
    reason: `Resposta do provedor fora do protocolo: ${why}.`,
    retryable: false,
  });
  const parsed = GenericAnswerSchema.safeParse(json);
  if (!parsed.success) return invalid(`campos inválidos (${describeIssues(parsed.error.issues)})`);
  const answer = parsed.data;
  if (answer.source !== undefined && answer.source !== req.source.key) {
    return invalid(`fonte respondida ${label(answer.source)} difere da consultada`);
  }
  const checks: Record<string, CheckStatus> = answer.checks ?? {};
  const names = Object.keys(checks);
  const unknown = names.filter((n) => !req.source.checks.includes(n));
  if (unknown.length) return invalid(`verificação desconhecida para esta fonte: ${unknown.slice(0, 3).map(label).join(", ")}`);
  const invalidCount = names.filter((n) => checks[n] === "INVALID").length;
  switch (answer.status) {
    case "VALID":
      if (names.length === 0) return invalid("status VALID sem nenhuma verificação");
      if (invalidCount > 0) return invalid("status VALID com verificação INVALID");
      break;
    case "INVALID":
      if (invalidCount === 0) return invalid("status INVALID sem nenhuma verificação INVALID");
      break;
    case "NO_DATA":
      if (names.length > 0) return invalid("status NO_DATA não pode trazer verificações");
      break;
  }
  return { status: answer.status, checks, ...(answer.data ? { data: answer.data } : {}) };
}

export function createGenericAdapter(cfg: LiveSourceConfig, fetchFn: typeof fetch): SourceAdapter {
  const url = `${cfg.baseUrl}/v1/check`;
  return {
    async query(req) {
      const subject: { type: string; document: string; name?: string } = {
        type: req.subject.type,
        document: req.subject.document,
      };
      if (req.subject.name) subject.name = req.subject.name;
      const res = await safeFetchJson(fetchFn, url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${cfg.credential}`,
          "content-type": "application/json",
          accept: "application/json",
        },
        body: JSON.stringify({ source: req.source.key, subject }),
        signal: req.signal,
      });
      if (res.kind === "error") return res.answer;
      if (res.kind === "status" || res.status !== 200) {
        return { status: "ERROR", reason: `Status HTTP inesperado do provedor (HTTP ${res.status}).`, retryable: false, raw: res.raw };
      }
      return { ...interpretGenericAnswer(res.json, req), raw: res.raw };
    },
  };
}
