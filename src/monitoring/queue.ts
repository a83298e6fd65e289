// The monitoring queue's consumer (wrangler.toml [[queues.consumers]]): a thin
// shell, like the run object. Each message is handled by its module and acked;
// a failure retries that message alone, later (at-least-once: every handler is
// idempotent). The matching runs in kycert-edge-engine over RPC, so this
// Worker's isolate holds a page of subjects at a time, never a list.
import { createDb } from "../db/client";
import { redactForLog } from "../domain/redaction";
import { completeImportIfDone, handleImport } from "./imports";
import { handlePepGrace } from "./maintenance";
import type { MonitoringMessage } from "./messages";
import { handleRegistryBatch, handleRegistryMonth } from "./registry";
import { handlePage, handleRescreen, handleVersion } from "./rescreen";
import { handleScreen } from "./screening";

/** Seconds before a failed message is delivered again (the queue's own retry_delay is the default). */
const RETRY_DELAY_S = 10;

/** Handles one message; throws to have it retried. */
export async function handleMonitoringMessage(env: Env, body: MonitoringMessage, now = new Date()): Promise<void> {
  switch (body.t) {
    case "version":
      await handleVersion(env, body, now);
      return;
    case "page":
      await handlePage(env, body, now);
      return;
    case "rescreen":
      await handleRescreen(env, body, now);
      return;
    case "import":
      await handleImport(env, body, now);
      return;
    case "screen":
      await handleScreen(env, body, now);
      // An import completes once its new subjects are all screened.
      if (body.job?.startsWith("imp_")) await completeImportIfDone(env, createDb(env.DB), body.job, now.toISOString());
      return;
    case "registry":
      await handleRegistryMonth(env, body, now);
      return;
    case "registry_batch":
      await handleRegistryBatch(env, body, now);
      return;
    case "pep_grace":
      await handlePepGrace(env, body, now);
      return;
  }
}

export async function consumeMonitoringBatch(batch: MessageBatch<MonitoringMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    try {
      await handleMonitoringMessage(env, message.body);
      message.ack();
    } catch (err) {
      console.error(
        JSON.stringify({ level: "error", error: "monitoring_message_failed", type: message.body?.t, attempts: message.attempts, message: redactForLog(String(err)).slice(0, 300) }),
      );
      message.retry({ delaySeconds: RETRY_DELAY_S });
    }
  }
}
