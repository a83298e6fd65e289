// Request schemas of the webhook endpoints (admin plane, and a tenant's own with its API key). The OpenAPI document is generated from these.
import { z } from "zod";
import { WEBHOOK_EVENT_TYPES } from "../../domain/webhook-events";
import type { ErrorCode } from "../errors";

export const CreateWebhookEndpointSchema = z.strictObject({
  url: z.string().min(1).max(2048),
  /** Defaults to the run events (run.completed, run.failed); case.opened / case.resolved are opted into. */
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).optional(),
  environment: z.enum(["live", "test"]).default("live"),
});

export type CreateWebhookEndpointBody = z.infer<typeof CreateWebhookEndpointSchema>;

/** POST /api/v1/webhook-endpoints: the environment is the API key's. */
export const CreateOwnWebhookEndpointSchema = CreateWebhookEndpointSchema.omit({ environment: true });

export const webhookEndpointErrorCode = (path: string): ErrorCode => (path === "url" ? "invalid_webhook_url" : "invalid_request");

/** The API's rule (as for runs): an unknown field, e.g. `environment`, which is the key's, is unknown_parameter. */
export const ownWebhookEndpointErrorCode = (path: string, issue: z.core.$ZodIssue): ErrorCode =>
  issue.code === "unrecognized_keys" ? "unknown_parameter" : webhookEndpointErrorCode(path);

export const OverrideSecretQuerySchema = z.strictObject({
  environment: z.enum(["live", "test"]).default("live").meta({ description: "`live` (default) or `test`." }),
});
