// Terminal runs served from the location cache (issue 11): a finished run's D1
// row never changes again (finishRun writes it once, from a non-terminal
// status), so GET /runs/{id}, /analysis, /detail and the report's URL answer
// it without a round trip to D1. Two columns are the exception:
// - `case_id` is written in the same batch as the terminal state (finishRun
//   with openCaseStatements), so a terminal row read from D1 already has its
//   final value;
// - `final_decision` changes when the run's case is resolved: it is not taken
//   from the cache but read again (from a replica) for a run that has a case.
// Keyed by tenant, environment and run: one tenant never reads another's entry
// (and the row's own tenant and environment are checked again). The stored row
// is the same for every API version: the version's reshaping happens per
// response (src/http/middleware/api-version.ts), after the handler.
import { getTableColumns } from "drizzle-orm";
import type { RunRow } from "../db/queries/runs";
import { runs } from "../db/schema";
import { locationCache } from "./location-cache";

/** A terminal row is immutable: kept until the Cache API evicts it (a day bounds a changed row format). */
const TERMINAL_RUN_TTL_S = 24 * 60 * 60;

/** The row's format in the key: a deploy that adds a column never reads rows cached without it. */
const FORMAT = (() => {
  let h = 0x811c9dc5;
  for (const ch of Object.keys(getTableColumns(runs)).join(",")) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(16);
})();
const NS = `terminal-run-${FORMAT}`;

const keyOf = (tenantId: string, livemode: boolean, id: string) => `${tenantId}/${livemode ? "live" : "test"}/${id}`;

export async function cachedTerminalRun(env: Env, tenantId: string, livemode: boolean, id: string): Promise<RunRow | null> {
  const row = await locationCache(env).get<RunRow>(NS, keyOf(tenantId, livemode, id));
  return row && row.tenantId === tenantId && row.livemode === livemode && row.id === id ? row : null;
}

/** Only rows with their terminal body: a run still executing changes. */
export async function rememberTerminalRun(env: Env, row: RunRow): Promise<void> {
  if (row.result === null || row.completedAt === null) return;
  await locationCache(env).put(NS, keyOf(row.tenantId, row.livemode, row.id), row, TERMINAL_RUN_TTL_S);
}
