import { DurableObject } from "cloudflare:workers";

/** One object per webhook event: delivers it with retries driven by alarms. */
export class WebhookDelivery extends DurableObject<Env> {}
