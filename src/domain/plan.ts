// The execution plan of a run (contract §5): critical sources one at a time in
// template order, a critical INVALID with `on_hit: block` stops the run, then every
// important + additional source together. Pure: the run Durable Object asks
// `nextStep` what to do after each persisted result, so a restarted object resumes
// from its stored results without calling a source twice.
import { SOURCE_CATALOG } from "../sources/catalog";
import { resultEffect } from "./decision";
import type { SourceKey, SourceResult, TemplateSnapshot, TemplateSource } from "./types";

export type PlanStep =
  | { kind: "critical"; entry: TemplateSource }
  | { kind: "parallel"; entries: TemplateSource[] }
  | { kind: "done"; blockedBy: SourceKey | null };

type Finished = ReadonlyMap<SourceKey, Pick<SourceResult, "status" | "possible_match">>;

const typical = (e: TemplateSource): number => SOURCE_CATALOG[e.source].typicalLatencyMs;
const criticalOf = (s: TemplateSnapshot) => s.sources.filter((e) => e.phase === "critical");
const parallelOf = (s: TemplateSnapshot) => s.sources.filter((e) => e.phase !== "critical");

/** The slowest path through the template, in typical milliseconds. */
const slowestPathMs = (snapshot: TemplateSnapshot): number =>
  criticalOf(snapshot).reduce((sum, e) => sum + typical(e), 0) +
  parallelOf(snapshot).reduce((max, e) => Math.max(max, typical(e)), 0);

/**
 * `estimated_seconds` of POST /runs: critical phase summed + slowest parallel
 * source; for a company whose template screens its partners, plus the partner
 * phase (the partner runs start once the company's own sources have answered,
 * all together: one partner template's slowest path). Rounded up, ≥ 1.
 */
export const estimateSeconds = (snapshot: TemplateSnapshot, partnerTemplate: TemplateSnapshot | null = null): number =>
  Math.max(1, Math.ceil((slowestPathMs(snapshot) + (snapshot.partner_runs && partnerTemplate ? slowestPathMs(partnerTemplate) : 0)) / 1000));

/** The shortest a sandbox run can take at a given latency factor (benchmarks compare against it). */
export const physicalMinimumMs = (snapshot: TemplateSnapshot, latencyFactor: number): number =>
  slowestPathMs(snapshot) * latencyFactor;

/**
 * The first critical source (template order) whose INVALID answer blocks the run,
 * if any. A possible match (`possible_match`) never blocks: its effect is capped
 * at review (decision.ts `resultEffect`), so the run goes on.
 */
const blockingSource = (snapshot: TemplateSnapshot, finished: Finished): SourceKey | null => {
  const hit = criticalOf(snapshot).find((e) => {
    const r = finished.get(e.source);
    return r?.status === "INVALID" && resultEffect(e, r) === "block";
  });
  return hit ? hit.source : null;
};

export const nextStep = (snapshot: TemplateSnapshot, finished: Finished): PlanStep => {
  const blockedBy = blockingSource(snapshot, finished);
  if (blockedBy) return { kind: "done", blockedBy };

  // An ERROR in a critical source does not stop the run: its absence is handled
  // by the decision (tier 1 → operative hold), not by the plan.
  const pendingCritical = criticalOf(snapshot).find((e) => !finished.has(e.source));
  if (pendingCritical) return { kind: "critical", entry: pendingCritical };

  const pending = parallelOf(snapshot).filter((e) => !finished.has(e.source));
  if (pending.length > 0) return { kind: "parallel", entries: pending };
  return { kind: "done", blockedBy: null };
};

/** Sources never called because a critical block stopped the run (template order); [] otherwise. */
export const skippedSources = (snapshot: TemplateSnapshot, finished: Finished): SourceKey[] =>
  blockingSource(snapshot, finished) ? snapshot.sources.filter((e) => !finished.has(e.source)).map((e) => e.source) : [];
