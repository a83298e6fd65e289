// Worker entry: the HTTP app and the Durable Object classes. Nothing else.
import { createApp } from "./app";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;

export { RunObject } from "./runs/run-object";
export { RateLimiter } from "./ratelimit/limiter-object";
export { WebhookDelivery } from "./webhooks/delivery-object";
