// The transports the test Worker (test/worker.ts) injects into its Durable
// Objects. This is the only mutable seam, and it lives in test code: a test
// scripts providers or webhook receivers by changing these objects, which the
// objects read at each call (tests and Durable Objects share one isolate).
import type { ListsTransport } from "../../src/screening/ingest";
import type { LiveTransport } from "../../src/sources/resolve";
import type { WebhookTransport } from "../../src/webhooks/transport";

/** A fetch that fails like a dead network: tests never reach the real one. */
export const networkDisabled = (what: string): typeof fetch =>
  (async (input: RequestInfo | URL) => {
    throw new TypeError(`network disabled in tests (${what} to ${String(input instanceof Request ? input.url : input)})`);
  }) as typeof fetch;

/**
 * Live adapters' transport in the test Worker. Tests assign `fetch` (scripted
 * providers) and `extraConfig` (provider URLs and tokens the pool's env lacks);
 * `resetLiveTransport` puts the defaults back.
 */
export const liveTransport: LiveTransport = { fetch: networkDisabled("live source"), extraConfig: {} };

export function resetLiveTransport(): void {
  liveTransport.fetch = networkDisabled("live source");
  liveTransport.extraConfig = {};
}

/** Webhook transport overrides in the test Worker (over the production defaults of src/webhooks/transport.ts). */
export const webhookOverrides: Partial<WebhookTransport> = {};

/** Replaces every override (null: none, i.e. the production defaults). */
export function setWebhookTransportForTests(t: Partial<WebhookTransport> | null): void {
  for (const k of Object.keys(webhookOverrides)) delete webhookOverrides[k as keyof WebhookTransport];
  Object.assign(webhookOverrides, t ?? {});
}

/**
 * List downloads in the test Worker (ListIngest objects). Tests assign `fetch`
 * (files served from test/fixtures/lists) and `limits` (small steps, and an
 * hour between steps so the test drives each alarm itself).
 */
export const listsTransport: ListsTransport = { fetch: networkDisabled("list download") };

export function resetListsTransport(): void {
  listsTransport.fetch = networkDisabled("list download");
  delete listsTransport.limits;
}
