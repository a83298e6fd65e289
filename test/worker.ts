// The Worker the workers tests run (vitest.config.ts `main`): the real entry
// (src/index.ts) with its Durable Objects built on an env that also carries the
// test transports (test/helpers/transports.ts) under the symbols production
// reads them from. Production code has no setter and no mutable export: a
// deployed Worker's env can only hold string-keyed bindings, so it always gets
// the global fetch.
import production, { ListIngest as ProductionListIngest, RunObject as ProductionRunObject, WebhookDelivery as ProductionWebhookDelivery } from "../src/index";
import { MONITORING_TRANSPORT } from "../src/monitoring/messages";
import { LISTS_TRANSPORT } from "../src/screening/ingest";
import { LIVE_TRANSPORT } from "../src/sources/resolve";
import { WEBHOOK_TRANSPORT } from "../src/webhooks/transport";
import {
  listIngestStates,
  listsTransport,
  liveTransport,
  monitoringTransport,
  runObjectStates,
  webhookOverrides,
  withEngineSearchHook,
  withListsDbFaults,
  withListsStorageFaults,
} from "./helpers/transports";

export { RateLimiter } from "../src/index";
// The ENGINE binding's entrypoint (kycert-edge-engine in production): vitest.config.ts binds
// ENGINE to this Worker's own export, so tests go through the same RPC as deployed code.
export { Engine } from "../src/engine";

const withTestTransports = (env: Env): Env => {
  const injected = {
    ...env,
    [LIVE_TRANSPORT]: liveTransport,
    [WEBHOOK_TRANSPORT]: webhookOverrides,
    [LISTS_TRANSPORT]: listsTransport,
    [MONITORING_TRANSPORT]: monitoringTransport,
  };
  return injected;
};

/**
 * The Worker's handlers on the env with the test transports, so requests and
 * cron runs record monitoring messages instead of sending them. The queue
 * handler gets the real env: test/monitoring-queue.test.ts delivers through the
 * real queue, whose consumer must send for real too.
 */
export default {
  fetch: (request, env, ctx) => production.fetch(request, withTestTransports(env), ctx),
  scheduled: (controller, env) => production.scheduled(controller, withTestTransports(env)),
  queue: (batch, env) => production.queue(batch, env),
} satisfies ExportedHandler<Env>;

export class RunObject extends ProductionRunObject {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, { ...withTestTransports(env), ENGINE: withEngineSearchHook(env.ENGINE) });
    runObjectStates.set(ctx.id.toString(), ctx);
  }
}

export class WebhookDelivery extends ProductionWebhookDelivery {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, withTestTransports(env));
  }
}

export class ListIngest extends ProductionListIngest {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, { ...withTestTransports(env), REPORTS: withListsStorageFaults(env.REPORTS), DB: withListsDbFaults(env.DB, ctx) });
    listIngestStates.set(ctx.id.toString(), ctx);
  }
}
