// Live credits (contract §5, §10): what a run holds back when it is created
// and what it finally costs. The sandbox charges nothing.
import type { SourceResult, TemplateSnapshot } from "./types";

/** Held at creation: one credit per source the template may call. */
export const creditsToReserve = (snapshot: TemplateSnapshot, livemode: boolean): number =>
  livemode ? snapshot.sources.length : 0;

/** One credit per source that answered (VALID / INVALID / NO_DATA); ERROR and never-called sources are free. */
export const creditsUsed = (results: readonly Pick<SourceResult, "status">[], livemode: boolean): number =>
  livemode ? results.filter((r) => r.status !== "ERROR").length : 0;
