// Webhook deliveries never reach the network in tests: every test file starts
// with a transport whose fetch refuses and whose first attempt is held an hour
// out, so runs that finish with a webhook_url in other suites deliver nothing.
// test/webhooks.test.ts installs a scripted fetch and drives the alarms itself.
import { setWebhookTransportForTests } from "../../src/webhooks/transport";

setWebhookTransportForTests({
  fetch: async (input) => {
    throw new TypeError(`network disabled in tests (webhook to ${String(input instanceof Request ? input.url : input)})`);
  },
  firstAttemptDelayMs: 3_600_000,
});
