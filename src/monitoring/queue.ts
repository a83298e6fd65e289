// The monitoring queue's consumer (wrangler.toml [[queues.consumers]]): a thin
// shell, like the run object. Each message is handled by its module and acked;
// a failure retries that message alone, later (at-least-once: every handler is
// idempotent). The matching runs in kycert-edge-engine over RPC, so this
// Worker's isolate holds a page of subjects at a time, never a list.
import { createDb, type Db } from "../db/client";
import { runBatch } from "../db/queries/sql";
import { sha256Hex } from "../lib/crypto";
import { redactForLog } from "../domain/redaction";
import { completeImportIfDone, handleImport } from "./imports";
import { handlePepGrace } from "./maintenance";
import { outboxStatements, type MonitoringMessage } from "./messages";
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

/**
 * Deliveries after which a failing message is parked in the outbox instead of
 * retried by the queue. The queue gives up after `max_retries` (wrangler.toml:
 * 20) and nothing would send it again: a re-screen batch lost that way leaves
 * its subjects unscreened against that version for good. Parked, the minute
 * sweep sends it again every minute until it succeeds (an engine outage of any
 * length), and every failure is logged.
 */
export const PARK_AFTER_ATTEMPTS = 5;

/** Queues' longest delay for a retried message (12 hours). */
const MAX_DELAY_S = 43_200;

/**
 * Seconds before a failed message comes again. Parking needs D1: while D1
 * itself is down the queue keeps the message, waiting four times longer after
 * each failed parking (40 s, 160 s, … up to 12 h), so the retries left span an
 * outage of days instead of minutes.
 */
export const retryDelaySeconds = (attempts: number): number =>
  attempts < PARK_AFTER_ATTEMPTS ? RETRY_DELAY_S : Math.min(MAX_DELAY_S, RETRY_DELAY_S * 4 ** (attempts - PARK_AFTER_ATTEMPTS + 1));

export async function consumeMonitoringBatch(batch: MessageBatch<MonitoringMessage>, env: Env, now = new Date()): Promise<void> {
  const db = createDb(env.DB);
  for (const message of batch.messages) {
    try {
      await handleMonitoringMessage(env, message.body);
      message.ack();
    } catch (err) {
      // Parking needs D1; if D1 is what fails, the queue's own retries go on, further apart.
      const parked = message.attempts >= PARK_AFTER_ATTEMPTS && (await parkMessage(db, message.body, now).then(() => true, () => false));
      console.error(
        JSON.stringify({
          level: "error",
          error: "monitoring_message_failed",
          type: message.body?.t,
          attempts: message.attempts,
          then: parked ? "parked" : "retry",
          message: redactForLog(String(err)).slice(0, 300),
        }),
      );
      if (parked) message.ack();
      else message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}

/** A failed message back in the outbox, under an id derived from its body (the same message parked twice is one row). */
async function parkMessage(db: Db, body: MonitoringMessage, now: Date): Promise<void> {
  const id = `parked:${await sha256Hex(JSON.stringify(body))}`;
  await runBatch(db, outboxStatements(db, [{ id, body }], now.toISOString()));
}
