// The one error envelope (contract §2). Every error response is built by
// `errorResponse` from an ApiError; the table below is the single place that
// ties a code to its HTTP status, type and default pt-BR message.
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DomainError, type DomainErrorCode, type InvalidParam } from "../domain/errors";

export type ErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "billing_error"
  | "idempotency_error"
  | "rate_limit_error"
  | "not_found_error"
  | "api_error";

interface CodeSpec {
  status: ContentfulStatusCode;
  type: ErrorType;
  message: string;
}

const spec = (status: ContentfulStatusCode, type: ErrorType, message: string): CodeSpec => ({ status, type, message });
const invalid = (message: string) => spec(400, "invalid_request_error", message);

export const ERROR_CODES = {
  // transport
  invalid_json: invalid("O corpo da requisição não é um JSON válido."),
  json_too_deep: invalid("O JSON do corpo tem aninhamento profundo demais."),
  payload_too_large: spec(413, "invalid_request_error", "O corpo da requisição excede o limite de 64 KiB."),
  unsupported_media_type: spec(415, "invalid_request_error", "Envie o corpo como application/json."),
  route_not_found: spec(404, "not_found_error", "Rota não encontrada."),
  method_not_allowed: spec(405, "invalid_request_error", "Método não permitido nesta rota."),
  unknown_parameter: invalid("Parâmetro desconhecido."),
  invalid_request: invalid("Requisição inválida."),
  unknown_api_version: invalid("Versão da API desconhecida."),
  // authentication and permission
  missing_api_key: spec(401, "authentication_error", "Chave de API ausente. Envie X-API-Key ou Authorization: Bearer."),
  invalid_api_key: spec(401, "authentication_error", "Chave de API inválida ou revogada."),
  invalid_admin_token: spec(401, "authentication_error", "Token administrativo ausente ou inválido."),
  insufficient_scope: spec(403, "permission_error", "A chave de API não tem o escopo necessário."),
  // run creation (seed table + contract §3)
  missing_template_id: invalid("O campo template_id é obrigatório e deve ser texto."),
  template_not_found: invalid("Template não encontrado, não publicado ou não disponível para esta conta."),
  invalid_parametros: invalid("Os parâmetros não atendem ao schema do template."),
  missing_document: invalid("O documento do titular não foi informado em parametros."),
  invalid_document: invalid("Documento inválido."),
  missing_subject: invalid("Informe parametros com o documento ou subject {type, doc}."),
  invalid_subject_type: invalid("subject.type deve ser 'pf' ou 'pj'."),
  subject_type_mismatch: invalid("O tipo do titular não corresponde ao tipo do template."),
  invalid_metadata: invalid("metadata inválido."),
  invalid_external_id: invalid("external_id deve ter de 1 a 255 caracteres."),
  invalid_webhook_url: invalid("webhook_url inválida."),
  invalid_idempotency_key: invalid("Idempotency-Key deve ter de 1 a 255 caracteres ASCII imprimíveis."),
  billing_suspended: spec(402, "billing_error", "Conta suspensa ou sem créditos suficientes."),
  rate_limit_exceeded: spec(429, "rate_limit_error", "Limite de requisições por minuto excedido para esta chave."),
  idempotency_key_reused: spec(
    422,
    "idempotency_error",
    "Esta Idempotency-Key já foi usada com um corpo diferente nas últimas 24 horas.",
  ),
  idempotency_key_in_use: spec(
    409,
    "idempotency_error",
    "Uma requisição com esta Idempotency-Key ainda está em processamento.",
  ),
  // runs
  run_not_found: spec(404, "not_found_error", "Execução não encontrada."),
  run_already_terminal: spec(409, "invalid_request_error", "A execução já terminou e não pode ser cancelada."),
  partner_run_not_cancellable: spec(
    409,
    "invalid_request_error",
    "Execuções de sócios não podem ser canceladas sozinhas: cancele a execução da empresa.",
  ),
  invalid_limit: invalid("limit deve ser um inteiro entre 1 e 100."),
  invalid_timestamp: invalid("Data inválida: use AAAA-MM-DD (o dia inteiro, no horário de São Paulo) ou data e hora ISO 8601 (ex.: 2026-01-15T10:00:00-03:00)."),
  invalid_cursor: invalid("Cursor de paginação inválido."),
  invalid_status: invalid("Status de filtro desconhecido."),
  // reports
  invalid_mode: invalid("mode deve ser 'resumido' ou 'completo'."),
  run_not_terminal: invalid("A execução ainda não terminou."),
  report_not_generated: spec(404, "not_found_error", "O relatório ainda não foi gerado. Use POST para gerá-lo."),
  url_expired: spec(410, "invalid_request_error", "O link de download expirou. Solicite um novo."),
  invalid_signature: spec(403, "permission_error", "Assinatura do link inválida."),
  // screening (contract §14)
  invalid_screening_query: invalid("Consulta de triagem inválida."),
  list_not_ready: spec(503, "api_error", "A lista pedida ainda não está carregada; tente novamente mais tarde."),
  list_version_gone: spec(409, "invalid_request_error", "A versão pedida da lista não está mais guardada."),
  // company registry (contract §18)
  registry_not_ready: spec(503, "api_error", "O cadastro de CNPJ ainda não tem um mês carregado; tente novamente mais tarde."),
  company_not_found: spec(404, "not_found_error", "CNPJ não encontrado no cadastro do mês em uso."),
  // admin plane
  tenant_not_found: spec(404, "not_found_error", "Tenant não encontrado."),
  tenant_slug_taken: spec(409, "invalid_request_error", "Já existe um tenant com este slug."),
  credits_below_zero: invalid("O ajuste credits_delta deixaria o saldo de créditos abaixo de zero."),
  api_key_not_found: spec(404, "not_found_error", "Chave de API não encontrada."),
  template_not_found_admin: spec(404, "not_found_error", "Template não encontrado."),
  template_not_draft: spec(409, "invalid_request_error", "Não há rascunho deste template para publicar."),
  event_not_found: spec(404, "not_found_error", "Evento não encontrado."),
  webhook_endpoint_not_found: spec(404, "not_found_error", "Endpoint de webhook não encontrado."),
  webhook_endpoint_disabled: spec(409, "invalid_request_error", "O endpoint de webhook está desativado; cadastre outro."),
  no_such_template: spec(404, "not_found_error", "Template não encontrado, não publicado ou não disponível para esta conta."),
  list_not_found: spec(404, "not_found_error", "Lista de triagem não encontrada."),
  user_not_found: spec(404, "not_found_error", "Usuário do console não encontrado."),
  user_email_taken: spec(409, "invalid_request_error", "Já existe um usuário do console com este e-mail."),
  // review cases (contract §15)
  case_not_found: spec(404, "not_found_error", "Caso não encontrado."),
  four_eyes_required: spec(403, "permission_error", "Quem propôs a resolução não pode aprová-la: outra pessoa deve aprovar."),
  case_not_pending: spec(409, "invalid_request_error", "O caso não tem proposta aguardando aprovação."),
  case_already_resolved: spec(409, "invalid_request_error", "O caso já foi resolvido."),
  case_pending_approval: spec(409, "invalid_request_error", "O caso já tem uma proposta aguardando aprovação: aprove-a ou devolva-a."),
  evidence_changed: spec(409, "invalid_request_error", "A evidência mudou desde a proposta: devolva o caso para nova análise."),
  actor_not_allowed: spec(403, "permission_error", "Quem age no caso deve ser um usuário desta conta com o papel exigido."),
  case_record_invalid: spec(409, "invalid_request_error", "O registro do caso não confere com sua cadeia de eventos: nenhuma mudança é aceita até a auditoria."),
  // ongoing monitoring (contract §17)
  monitored_subject_not_found: spec(404, "not_found_error", "Titular monitorado não encontrado."),
  monitoring_alert_not_found: spec(404, "not_found_error", "Alerta de monitoramento não encontrado."),
  monitoring_import_not_found: spec(404, "not_found_error", "Importação não encontrada."),
  invalid_import: invalid("O corpo não é um CSV de cadastro (cabeçalho com document e name; UTF-8 ou ISO-8859-1; `,` ou `;`)."),
  import_too_large: spec(413, "invalid_request_error", "A importação passa dos limites: 100 MiB e 1.000.000 de linhas."),
  // everything else
  internal_error: spec(500, "api_error", "Erro interno. Tente novamente; se persistir, informe o request_id."),
} as const satisfies Record<string, CodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export type { InvalidParam };

// Every code a service can throw has a status, a type and a message here.
const _everyDomainCodeMapped: Record<DomainErrorCode, CodeSpec> = ERROR_CODES;

export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly type: ErrorType;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly param?: string,
    readonly invalidParams?: InvalidParam[],
    /** Extra response headers (e.g. Retry-After). */
    readonly headers?: Record<string, string>,
  ) {
    super(message ?? ERROR_CODES[code].message);
    this.status = ERROR_CODES[code].status;
    this.type = ERROR_CODES[code].type;
  }
}

/** The HTTP face of a service's error. */
export const fromDomainError = (e: DomainError): ApiError =>
  new ApiError(e.code, e.hasMessage ? e.message : undefined, e.param, e.invalidParams);

export function errorBody(err: ApiError, requestId: string) {
  return {
    error: {
      type: err.type,
      code: err.code,
      message: err.message,
      ...(err.param ? { param: err.param } : {}),
      ...(err.invalidParams ? { invalid_params: err.invalidParams } : {}),
      request_id: requestId,
    },
  };
}
