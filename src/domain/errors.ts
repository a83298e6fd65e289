// What services and the run pipeline throw when a request cannot be served.
// A domain error is a code and a pt-BR message; it knows nothing of HTTP. The
// HTTP layer (src/http/errors.ts) maps each code to a status and an envelope,
// so the same services can serve the API, the admin plane and the console.

/** Every code a service may throw; src/http/errors.ts must map each of them. */
export type DomainErrorCode =
  // run creation
  | "template_not_found"
  | "invalid_parametros"
  | "missing_document"
  | "invalid_document"
  | "subject_type_mismatch"
  | "invalid_webhook_url"
  | "billing_suspended"
  | "idempotency_key_reused"
  | "idempotency_key_in_use"
  // runs
  | "run_not_found"
  | "run_already_terminal"
  | "partner_run_not_cancellable"
  | "invalid_cursor"
  // screening (contract §14, §17)
  | "list_not_ready"
  | "list_version_gone"
  // company registry (contract §18)
  | "registry_not_ready"
  | "company_not_found"
  // reports
  | "run_not_terminal"
  | "report_not_generated"
  | "url_expired"
  | "invalid_signature"
  // admin plane and webhooks
  | "invalid_request"
  | "tenant_not_found"
  | "tenant_slug_taken"
  | "credits_below_zero"
  | "api_key_not_found"
  | "template_not_found_admin"
  | "template_not_draft"
  | "event_not_found"
  | "webhook_endpoint_not_found"
  | "webhook_endpoint_disabled"
  | "no_such_template"
  | "list_not_found"
  // review cases (contract §15)
  | "case_not_found"
  | "four_eyes_required"
  | "case_not_pending"
  | "case_already_resolved"
  | "case_pending_approval"
  | "evidence_changed"
  | "actor_not_allowed"
  | "case_record_invalid"
  // console users
  | "user_not_found"
  | "user_email_taken"
  // ongoing monitoring (contract §17)
  | "monitored_subject_not_found"
  | "monitoring_alert_not_found"
  | "monitoring_import_not_found"
  | "invalid_import"
  | "import_too_large";

/** One problem of a request field (listed in `invalid_params`). */
export interface InvalidParam {
  name: string;
  reason: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    /** pt-BR; the code's default message when absent. */
    message?: string,
    /** The request field at fault, as the client named it. */
    readonly param?: string,
    readonly invalidParams?: InvalidParam[],
  ) {
    super(message ?? code);
    this.name = "DomainError";
    this.hasMessage = message !== undefined;
  }

  /** false: the HTTP layer uses the code's default message. */
  readonly hasMessage: boolean;
}
