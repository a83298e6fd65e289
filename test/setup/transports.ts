// Tests never reach the network: every test file starts with live sources and
// webhook deliveries on a fetch that refuses, and with the first webhook
// attempt held an hour out, so runs that finish with a webhook_url in other
// suites deliver nothing. test/live-runs.test.ts scripts providers and
// test/webhooks.test.ts a receiver (and drives the alarms itself) through
// test/helpers/transports.ts, which the test Worker (test/worker.ts) injects.
import { networkDisabled, resetEngineSearches, resetListsTransport, resetLiveTransport, setWebhookTransportForTests } from "../helpers/transports";

resetLiveTransport();
resetEngineSearches();
resetListsTransport();
setWebhookTransportForTests({ fetch: networkDisabled("webhook"), firstAttemptDelayMs: 3_600_000 });
