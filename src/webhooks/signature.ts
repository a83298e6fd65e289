// Webhook secrets and the Kycert-Signature header (contract §11).
import { hmacHex, keyedHash } from "../lib/crypto";
import { randomToken } from "../lib/ids";

export const SIGNATURE_HEADER = "Kycert-Signature";
export const EVENT_ID_HEADER = "Kycert-Event-Id";
export const WEBHOOK_USER_AGENT = "Kycert-Webhooks/1.0";

/** `whsec_` + 40 chars of [A-Za-z0-9] (~238 bits), for a registered endpoint. */
export const generateEndpointSecret = (): string => `whsec_${randomToken(40)}`;

/**
 * The secret that signs deliveries to a run's `webhook_url` override, which
 * has no endpoint row of its own: one per tenant and environment, derived from
 * the server secret (nothing stored), readable by the operator through the
 * admin plane. Test and live get different secrets.
 */
export async function overrideSecret(serverSecret: string, tenantId: string, livemode: boolean): Promise<string> {
  return `whsec_${await keyedHash(serverSecret, "webhook-override", `${tenantId}|${livemode ? "live" : "test"}`)}`;
}

/** `t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>` — the exact bytes sent are signed. */
export async function signatureHeader(secret: string, unixSeconds: number, body: string): Promise<string> {
  return `t=${unixSeconds},v1=${await hmacHex(secret, `${unixSeconds}.${body}`)}`;
}
