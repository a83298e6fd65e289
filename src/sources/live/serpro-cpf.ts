// receita_federal_cpf through the Serpro "Consulta CPF" shape.
//
//   GET {SERPRO_CPF_URL}/consulta/cpf/{cpf}   Authorization: Bearer {SERPRO_CPF_TOKEN}
//   200 { ni, nome, situacao: { codigo, descricao }, nascimento: "ddmmyyyy", obito? }
//   404 → CPF not in Receita's base → INVALID
//   422 → minor: Receita blocks the data → NO_DATA
//
// situacao.codigo: 0 REGULAR → VALID; 2 SUSPENSA, 3 TITULAR FALECIDO,
// 4 PENDENTE DE REGULARIZAÇÃO, 5 CANCELADA POR MULTIPLICIDADE, 8 NULA,
// 9 CANCELADA DE OFÍCIO → INVALID (3 also fails `registro_obito`). Any other
// code is unknown → ERROR (never guess a registration status).
import { z } from "zod";
import { nameKey } from "../../domain/names";
import type { AdapterAnswer, CheckStatus } from "../../domain/types";
import type { SourceAdapter } from "../adapter";
import type { LiveSourceConfig } from "./config";
import { describeIssues, safeFetchJson } from "./http";

/** `data` of every receita_federal_cpf answer from this adapter. */
export interface SerproCpfData {
  [key: string]: unknown;
  nome: string | null;
  /** YYYY-MM-DD */
  data_nascimento: string | null;
  /** Receita's own `situacao.descricao` (or the not-found text). */
  situacao_cadastral: string | null;
  situacao_codigo: string | null;
  obito: boolean;
  /** Name given with the subject matches Receita's (accents/case ignored); null when no name was given. */
  nome_confere: boolean | null;
  /** Why there is no registration data (404 / 422). */
  motivo?: string;
}

export const SERPRO_SITUACOES: Readonly<Record<string, string>> = {
  "0": "REGULAR",
  "2": "SUSPENSA",
  "3": "TITULAR FALECIDO",
  "4": "PENDENTE DE REGULARIZAÇÃO",
  "5": "CANCELADA POR MULTIPLICIDADE",
  "8": "NULA",
  "9": "CANCELADA DE OFÍCIO",
};

export const CPF_NOT_FOUND = "CPF não encontrado na base da Receita";
export const CPF_MINOR_BLOCKED = "Titular menor de idade: dados bloqueados pela Receita";

const SerproCpfSchema = z.object({
  ni: z.string().regex(/^\d{11}$/),
  nome: z.string().trim().min(1),
  situacao: z.object({
    codigo: z.union([z.string().regex(/^\d{1,2}$/), z.number().int().min(0).max(99)]).transform(String),
    descricao: z.string().trim().min(1),
  }),
  nascimento: z.string().regex(/^\d{8}$/),
  // Serpro sends the year of death when there is one; absent/empty otherwise.
  obito: z.union([z.string(), z.number()]).nullish(),
});

/** ddmmyyyy → YYYY-MM-DD, or undefined when not a real calendar date. */
export function serproDate(ddmmyyyy: string): string | undefined {
  const m = /^(\d{2})(\d{2})(\d{4})$/.exec(ddmmyyyy);
  if (!m) return undefined;
  const [, dd, mm, yyyy] = m;
  const d = new Date(Date.UTC(Number(yyyy), Number(mm) - 1, Number(dd)));
  if (d.getUTCFullYear() !== Number(yyyy) || d.getUTCMonth() !== Number(mm) - 1 || d.getUTCDate() !== Number(dd)) {
    return undefined;
  }
  return `${yyyy}-${mm}-${dd}`;
}

const emptyData = (motivo: string, situacao: string | null): SerproCpfData => ({
  nome: null,
  data_nascimento: null,
  situacao_cadastral: situacao,
  situacao_codigo: null,
  obito: false,
  nome_confere: null,
  motivo,
});

export function createSerproCpfAdapter(cfg: LiveSourceConfig, fetchFn: typeof fetch): SourceAdapter {
  return {
    async query(req): Promise<AdapterAnswer> {
      const cpf = req.subject.document;
      if (req.subject.type !== "pf" || !/^\d{11}$/.test(cpf)) {
        return { status: "ERROR", reason: "Consulta CPF exige um CPF de 11 dígitos (pessoa física).", retryable: false };
      }
      const res = await safeFetchJson(fetchFn, `${cfg.baseUrl}/consulta/cpf/${cpf}`, {
        method: "GET",
        headers: { authorization: `Bearer ${cfg.credential}`, accept: "application/json" },
        signal: req.signal,
        passStatuses: [404, 422],
      });
      if (res.kind === "error") return res.answer;
      if (res.kind === "status") {
        if (res.status === 404) {
          return {
            status: "INVALID",
            checks: { situacao_cadastral: "INVALID" },
            data: emptyData(CPF_NOT_FOUND, CPF_NOT_FOUND),
            raw: res.raw,
          };
        }
        return { status: "NO_DATA", checks: {}, data: emptyData(CPF_MINOR_BLOCKED, null), raw: res.raw };
      }
      if (res.status !== 200) {
        return { status: "ERROR", reason: `Status HTTP inesperado do provedor (HTTP ${res.status}).`, retryable: false, raw: res.raw };
      }

      const parsed = SerproCpfSchema.safeParse(res.json);
      if (!parsed.success) {
        return {
          status: "ERROR",
          reason: `Resposta da Consulta CPF fora do formato esperado (${describeIssues(parsed.error.issues)}).`,
          retryable: false,
          raw: res.raw,
        };
      }
      const body = parsed.data;
      if (body.ni !== cpf) {
        // A provider mixing up subjects is worse than no answer.
        return { status: "ERROR", reason: "CPF retornado pela Consulta CPF difere do consultado.", retryable: false, raw: res.raw };
      }
      const codigo = String(Number(body.situacao.codigo));
      if (!Object.hasOwn(SERPRO_SITUACOES, codigo)) {
        return {
          status: "ERROR",
          reason: `Código de situação cadastral desconhecido na Consulta CPF (${codigo}).`,
          retryable: false,
          raw: res.raw,
        };
      }
      const nascimento = serproDate(body.nascimento);
      if (!nascimento) {
        return { status: "ERROR", reason: "Data de nascimento inválida na resposta da Consulta CPF.", retryable: false, raw: res.raw };
      }
      const obito = codigo === "3" || (body.obito !== null && body.obito !== undefined && String(body.obito).trim() !== "");
      const nomeConfere = req.subject.name ? nameKey(req.subject.name) === nameKey(body.nome) : null;

      const checks: Record<string, CheckStatus> = {
        situacao_cadastral: codigo === "0" ? "VALID" : "INVALID",
        registro_obito: obito ? "INVALID" : "VALID",
      };
      if (nomeConfere !== null) checks.nome_confere = nomeConfere ? "VALID" : "INVALID";
      const data: SerproCpfData = {
        nome: body.nome,
        data_nascimento: nascimento,
        situacao_cadastral: body.situacao.descricao,
        situacao_codigo: codigo,
        obito,
        nome_confere: nomeConfere,
      };
      const status = Object.values(checks).includes("INVALID") ? "INVALID" : "VALID";
      return { status, checks, data, raw: res.raw };
    },
  };
}
