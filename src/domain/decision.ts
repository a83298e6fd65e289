// The decision of a bureau run (contract §4–§5). Pure: results in, outcome out.
import { creditsUsed } from "./credits";
import { partnerGap } from "./partners";
import type {
  Decision,
  DecisionOutcome,
  OnHit,
  OperativeDecision,
  PartnerOutcome,
  RiskBand,
  RiskThresholds,
  SourceKey,
  SourceResult,
  TemplateSnapshot,
  TemplateSource,
  TriggeredRule,
} from "./types";
import { SOURCE_CATALOG } from "../sources/catalog";

/**
 * Decision rules.
 *
 * - The template snapshot is authoritative: a result is read against the
 *   template entry of its source (phase, on_hit, tier, weight). Results for
 *   sources not in the template are ignored; one result per source is assumed.
 * - Effective on_hit = template on_hit, except the `additional` phase is always
 *   `info` (it never changes the decision).
 * - Effect of an INVALID result = its effective on_hit, except that a result
 *   marked `possible_match` (a list-backed source whose best candidate is only a
 *   `possible` name match, contract §14) is capped at `review`: it never rejects
 *   and never stops the critical phase (plan.ts), but makes the run at least
 *   `review`. Its score points and credit are those of any INVALID.
 * - decision: an INVALID source with effect `block` → `rejected`; else an
 *   INVALID with effect `review` → `review`; a partner run `rejected`/`review` makes the
 *   parent at least `review`; otherwise `approved`.
 * - status: `failed` (decision, operative_decision, risk_band null) when no
 *   decision is possible — the template has ≥ 1 critical source, ≥ 1 critical
 *   source was called and every called critical source ended in ERROR (and there
 *   was no block), or every called source ended in ERROR (no called source at all
 *   counts as "every"). Else `partial` when any called source ended in ERROR,
 *   else `completed`.
 * - operative_decision: `hold` when any called source of template tier 1 ended in
 *   ERROR (its data is missing, whatever the decision), or when a partner run
 *   left a beneficial owner unscreened (failed, cancelled, on hold, not finished
 *   in time, not started for lack of credits: `partnerGap`), else = decision.
 * - score (integer 0..100, round half up, capped): INVALID → weight, NO_DATA and
 *   ERROR → weight × 0.25, VALID → 0; partners `rejected` → 40, `review` → 20.
 *   The score is computed for failed runs too (it only has no band there).
 * - risk_band: score ≥ alto → alto, ≥ medio → medio, else baixo; any block
 *   (decision `rejected`) → alto; `hold` raises the band to at least medio.
 * - triggered_rules, in template order: one per INVALID source (effect = the
 *   result's effect, on_hit = the template's: a capped possible match reads
 *   `on_hit: block, effect: review`; check = its first INVALID check in catalogue order), one `hold` per
 *   tier-1 ERROR; then a single partner rule when partners drove a review, and
 *   a single partner `hold` rule when a partner was left unscreened.
 * - credits_used: live → one per called source that answered (VALID, INVALID,
 *   NO_DATA); ERROR is free; sandbox → 0.
 */

/** Score points of a partner run's decision (contract: a partner `rejected` makes the parent at least `review`). */
export const PARTNER_WEIGHT: Readonly<Record<Decision, number>> = { rejected: 40, review: 20, approved: 0 };

/** Share of a source's weight charged when its data is missing (NO_DATA or ERROR). */
export const MISSING_DATA_FACTOR = 0.25;

export const effectiveOnHit = (src: Pick<TemplateSource, "phase" | "on_hit">): OnHit =>
  src.phase === "additional" ? "info" : src.on_hit;

/**
 * What an INVALID result does to the decision: the effective on_hit, capped at
 * `review` for a possible match (it never blocks or rejects).
 */
export const resultEffect = (
  src: Pick<TemplateSource, "phase" | "on_hit">,
  result: Pick<SourceResult, "possible_match">,
): OnHit => {
  const effect = effectiveOnHit(src);
  return result.possible_match === true && effect === "block" ? "review" : effect;
};

/** Unrounded score points of one called source. */
export const sourceContribution = (src: TemplateSource, status: SourceResult["status"]): number => {
  const w = Number.isFinite(src.weight) ? Math.max(0, src.weight) : 0;
  switch (status) {
    case "INVALID":
      return w;
    case "NO_DATA":
    case "ERROR":
      return w * MISSING_DATA_FACTOR;
    default:
      return 0;
  }
};

export const partnerContribution = (p: PartnerOutcome): number =>
  p.decision === "rejected" || p.decision === "review" ? PARTNER_WEIGHT[p.decision] : 0;

/** Integer score 0..100, round half up; float noise (sums of × 0.25) is removed first. */
export const finalizeScore = (raw: number): number => {
  if (!Number.isFinite(raw) || raw <= 0) return 0;
  const clean = Math.round(raw * 1e6) / 1e6;
  return Math.min(100, Math.floor(clean + 0.5));
};

export const bandFor = (score: number, t: RiskThresholds): RiskBand =>
  score >= t.alto ? "alto" : score >= t.medio ? "medio" : "baixo";

/** Checks of a result in a stable order: catalogue order first, then any other key sorted. */
export const orderedChecks = (source: SourceKey, checks: SourceResult["checks"] | undefined): string[] => {
  if (!checks || typeof checks !== "object") return [];
  const known = SOURCE_CATALOG[source]?.checks ?? [];
  const keys = Object.keys(checks);
  const first = known.filter((c) => keys.includes(c));
  const rest = keys.filter((k) => !known.includes(k)).sort();
  return [...first, ...rest];
};

export const invalidChecks = (r: SourceResult): string[] =>
  orderedChecks(r.source, r.checks).filter((c) => r.checks[c] === "INVALID");

export interface CalledSource {
  src: TemplateSource;
  result: SourceResult;
}

/** The called sources in template order, independent of the order of `results`. */
export const calledSources = (snapshot: TemplateSnapshot, results: readonly SourceResult[]): CalledSource[] => {
  const byKey = new Map<SourceKey, SourceResult>();
  for (const r of results) if (!byKey.has(r.source)) byKey.set(r.source, r);
  const out: CalledSource[] = [];
  for (const src of snapshot.sources) {
    const result = byKey.get(src.source);
    if (result) out.push({ src, result });
  }
  return out;
};

export interface DecideInput {
  snapshot: TemplateSnapshot;
  results: SourceResult[];
  partners: PartnerOutcome[];
  livemode: boolean;
}

export const decide = (input: DecideInput): DecisionOutcome => {
  const { snapshot, partners, livemode } = input;
  const called = calledSources(snapshot, input.results);

  const invalid = called.filter((c) => c.result.status === "INVALID");
  const errors = called.filter((c) => c.result.status === "ERROR");
  const blocked = invalid.some((c) => resultEffect(c.src, c.result) === "block");
  const reviewBySource = invalid.some((c) => resultEffect(c.src, c.result) === "review");
  const reviewByPartner = partners.some((p) => p.decision === "rejected" || p.decision === "review");

  const decision: Decision = blocked ? "rejected" : reviewBySource || reviewByPartner ? "review" : "approved";

  const hasCriticalInTemplate = snapshot.sources.some((s) => s.phase === "critical");
  const calledCritical = called.filter((c) => c.src.phase === "critical");
  const allCriticalErrored =
    hasCriticalInTemplate && calledCritical.length > 0 && calledCritical.every((c) => c.result.status === "ERROR");
  const allErrored = called.every((c) => c.result.status === "ERROR");
  const failed = (allCriticalErrored && !blocked) || allErrored;

  const tier1Error = errors.some((c) => c.src.tier === 1);
  const partnerMissing = partners.some((p) => partnerGap(p) !== null);

  let raw = 0;
  for (const c of called) raw += sourceContribution(c.src, c.result.status);
  for (const p of partners) raw += partnerContribution(p);
  const score = finalizeScore(raw);

  const triggered_rules: TriggeredRule[] = [];
  for (const c of called) {
    if (c.result.status === "INVALID") {
      const rule: TriggeredRule = { source: c.src.source, on_hit: c.src.on_hit, effect: resultEffect(c.src, c.result) };
      const check = invalidChecks(c.result)[0];
      if (check !== undefined) rule.check = check;
      triggered_rules.push(rule);
    } else if (c.result.status === "ERROR" && c.src.tier === 1) {
      triggered_rules.push({ source: c.src.source, on_hit: c.src.on_hit, effect: "hold" });
    }
  }
  if (reviewByPartner) triggered_rules.push({ source: "partner_runs", on_hit: "review", effect: "review" });
  if (partnerMissing) triggered_rules.push({ source: "partner_runs", on_hit: "review", effect: "hold" });

  const credits_used = creditsUsed(called.map((c) => c.result), livemode);

  if (failed) {
    return {
      status: "failed",
      decision: null,
      operative_decision: null,
      risk_band: null,
      score,
      triggered_rules,
      credits_used,
    };
  }

  const hold = tier1Error || partnerMissing;
  const operative_decision: OperativeDecision = hold ? "hold" : decision;
  let risk_band = bandFor(score, snapshot.thresholds);
  if (blocked) risk_band = "alto";
  else if (hold && risk_band === "baixo") risk_band = "medio";

  return {
    status: errors.length > 0 ? "partial" : "completed",
    decision,
    operative_decision,
    risk_band,
    score,
    triggered_rules,
    credits_used,
  };
};
