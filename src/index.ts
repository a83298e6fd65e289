// Worker entry: the HTTP app, the Cron Trigger and the Durable Object classes. Nothing else.
import { createApp } from "./app";
import { AUDIT_ANCHOR_CRON, anchorChangedChains } from "./cases/anchors";
import { checkBuilds, scheduledRegistryRefresh } from "./registry/service";
import { sweepStalledRuns } from "./runs/sweeper";
import { sweepOutbox } from "./webhooks/outbox";
import { CRON_BY_REFRESH_HOURS, LIST_CRONS, refreshScheduledLists } from "./screening/ingest";
import { startPepGraceCheck, sweepMonitoring } from "./monitoring/maintenance";
import type { MonitoringMessage } from "./monitoring/messages";
import { consumeMonitoringBatch } from "./monitoring/queue";

const app = createApp();
/** The daily list cron (src/screening/ingest.ts CRON_BY_REFRESH_HOURS[24]) also asks for the registry's month. */
const REGISTRY_CRON = CRON_BY_REFRESH_HOURS[24];

export default {
  fetch: app.fetch,
  // wrangler.toml [triggers]: every minute, re-drive or fail stranded runs (src/runs/sweeper.ts), sweep the outboxes (webhooks, monitoring) and check registry builds.
  async scheduled(controller, env) {
    // The list crons (src/screening/ingest.ts LIST_CRONS) start refreshes; each list's object does the work.
    if (Object.hasOwn(LIST_CRONS, controller.cron)) {
      console.log(`lists: ${JSON.stringify(await refreshScheduledLists(env, controller.cron, new Date(controller.scheduledTime)))}`);
      // Daily, with the CGU lists: the company registry's current month, when a builder is configured.
      if (controller.cron === REGISTRY_CRON) {
        const month = await scheduledRegistryRefresh(env, new Date(controller.scheduledTime)).catch((err: Error) => `failed: ${err.name}`);
        if (month) console.log(`registry: refresh ${month}`);
      }
      return;
    }
    // Daily: the heads of every case chain changed since the last anchor, to write-once R2 (src/cases/anchors.ts),
    // and the monitoring alerts on PEPs whose grace period ended (src/monitoring/maintenance.ts).
    if (controller.cron === AUDIT_ANCHOR_CRON) {
      const when = new Date(controller.scheduledTime);
      const [run] = await Promise.all([anchorChangedChains(env, when), startPepGraceCheck(env, when)]);
      console.log(`audit anchor: ${run.anchors.length} objects, ${run.anchors.reduce((n, a) => n + a.chains, 0)} chains`);
      return;
    }
    const now = new Date(controller.scheduledTime);
    // The company registry: publish the builds runners delivered, give up the silent ones (src/registry/service.ts).
    const builds = await checkBuilds(env, now).catch((err: Error) => [{ id: "-", outcome: `failed: ${err.name}` }]);
    if (builds.length > 0) console.log(`registry: ${JSON.stringify(builds)}`);
    // Every minute: stranded runs, webhook events whose hand-over failed after their change committed (the outbox),
    // and monitoring's own stragglers and erasures.
    const [swept, outbox, monitoring] = await Promise.all([sweepStalledRuns(env, now), sweepOutbox(env, now), sweepMonitoring(env, now)]);
    if (monitoring.sent + monitoring.erased > 0) console.log(`monitoring: ${monitoring.sent} messages sent again, ${monitoring.erased} subjects erased`);
    if (swept.length > 0) {
      const count = (a: string) => swept.filter((s) => s.action === a).length;
      console.log(`sweeper: ${swept.length} runs (${count("redriven")} re-driven, ${count("failed")} failed, ${count("error")} errors)`);
    }
    if (outbox.dispatched.length + outbox.failed.length > 0) {
      console.log(`outbox: ${outbox.dispatched.length} events handed over, ${outbox.failed.length} failed`);
    }
  },
  // The monitoring queue (contract §17): re-screens, imports, first screenings (src/monitoring/queue.ts).
  async queue(batch, env) {
    await consumeMonitoringBatch(batch as MessageBatch<MonitoringMessage>, env);
  },
} satisfies ExportedHandler<Env>;

export { RunObject } from "./runs/run-object";
export { RateLimiter } from "./ratelimit/limiter-object";
export { WebhookDelivery } from "./webhooks/delivery-object";
export { ListIngest } from "./screening/ingest-object";
