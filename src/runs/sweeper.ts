// The sweeper: a Cron Trigger (wrangler.toml `[triggers]`, every minute) that
// finds runs D1 still shows as not finished long after they should have moved,
// and hands each back to its run object.
//
// A run can be stranded after its row is committed: the object's `start` may
// fail or never be called (the creating request's isolate died), or an
// object's alarm may go missing. The object is the only holder of the clear
// document, so the sweeper cannot execute a run itself; it can only
//   - re-drive it (`redrive()`: the object re-arms its alarm if it has none),
//   - or, when `start` never reached the object, give it up (`abandon()`: the
//     object refuses any later start) and end it `failed` in D1, returning its
//     reserved credits once (finishRun) and sending `run.failed`.
//
// Ages, counted from `created_at` (indexed; a run never starts before it is
// created, so this only errs on the early side, and re-driving a healthy run
// changes nothing):
//   - `queued` for more than QUEUED_STALE_MS (2 min): creation starts the object
//     within the same request (milliseconds), a partner's within its parent's
//     alarm; two minutes is far past both, so the start is not coming.
//   - `running` / `em_analise` for more than RUN_DEADLINE_MS + PARTNER_DEADLINE_MS
//     + ACTIVE_MARGIN_MS (5 min; 17 min with the shipped vars): a healthy run is
//     terminal by its deadline plus its wait for partners; the margin covers the
//     platform's alarm retries (~2 min).
// Bounded: at most SWEEP_LIMIT (50) runs per tick, oldest first, at most 6 at a
// time (the Workers limit of simultaneous outbound connections).
import { createDb, type Db } from "../db/client";
import { finishRun, stalledRuns, type RunRow } from "../db/queries/runs";
import { findTemplateVersion } from "../db/queries/templates";
import type { RunStatus } from "../domain/types";
import { runtimeConfig } from "../env";
import { createLimiter, MAX_OUTBOUND_CONNECTIONS } from "../sources/limiter";
import { enqueueRunEvent } from "../webhooks/events";
import { neverStartedResult, terminalFields } from "./records";

/** The Cron Trigger's schedule (wrangler.toml `[triggers]`): every minute. */
export const SWEEP_CRON = "* * * * *";
export const QUEUED_STALE_MS = 2 * 60_000;
export const ACTIVE_MARGIN_MS = 5 * 60_000;
export const SWEEP_LIMIT = 50;

export interface SweptRun {
  runId: string;
  /** redriven: the object has the run and an alarm coming; failed: never started, ended `failed`; error: see the logs. */
  action: "redriven" | "failed" | "error";
  /** The object's status (null: the run never reached it). */
  status: RunStatus | null;
}

/** One tick: re-drives or fails the oldest stranded runs as of `now` (the trigger's scheduled time). */
export async function sweepStalledRuns(env: Env, now: Date, limit = SWEEP_LIMIT): Promise<SweptRun[]> {
  const cfg = runtimeConfig(env);
  const db = createDb(env.DB);
  const at = now.getTime();
  const rows = await stalledRuns(db, {
    queuedBefore: new Date(at - QUEUED_STALE_MS).toISOString(),
    activeBefore: new Date(at - (cfg.runDeadlineMs + cfg.partnerDeadlineMs + ACTIVE_MARGIN_MS)).toISOString(),
    limit,
  });
  const limiter = createLimiter(MAX_OUTBOUND_CONNECTIONS);
  return Promise.all(
    rows.map((row) =>
      limiter.run(async (): Promise<SweptRun> => {
        try {
          return await sweepRun(env, db, row, now);
        } catch (err) {
          // One run's trouble must not stop the others; the next tick tries again.
          console.error(`sweeper: run ${row.id} (${row.status}) not handled`, err instanceof Error ? err.message : String(err));
          return { runId: row.id, action: "error", status: null };
        }
      }),
    ),
  );
}

async function sweepRun(env: Env, db: Db, row: RunRow, now: Date): Promise<SweptRun> {
  const stub = env.RUN.get(env.RUN.idFromName(row.id));
  const { status } = await stub.redrive();
  if (status !== null) return { runId: row.id, action: "redriven", status };
  // Never started. abandon() and a late start() are serialised by the object:
  // either the start got in first (the run executes) or it is refused from now on.
  const gaveUp = await stub.abandon();
  if (!gaveUp.abandoned) return { runId: row.id, action: "redriven", status: gaveUp.status };
  await failNeverStarted(env, db, row, now);
  return { runId: row.id, action: "failed", status: null };
}

/** Ends a run whose object never started it: `failed`, every source in ERROR saying why, credits back, `run.failed`. */
async function failNeverStarted(env: Env, db: Db, row: RunRow, now: Date): Promise<void> {
  const snapshot = await findTemplateVersion(db, row.templateId, row.templateVersion);
  if (!snapshot) throw new Error(`template ${row.templateId} v${row.templateVersion} not found`);
  const stored = neverStartedResult(row, snapshot, now);
  const body = stored.body;
  const ended = await finishRun(db, row.id, row.tenantId, terminalFields(stored));
  // Only the tick that ended the run notifies (a partner run notifies nobody:
  // its company reads the outcome from D1 while it waits).
  if (ended) {
    await enqueueRunEvent(env, { tenantId: row.tenantId, livemode: row.livemode, parentRunId: row.parentRunId, webhookUrl: row.webhookUrl }, body);
  }
}
