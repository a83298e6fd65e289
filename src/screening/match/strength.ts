/**
 * DEFAULT_THRESHOLD is where a name becomes a match at all: the search
 * endpoint's default `threshold`, the threshold the runs screen with, and the
 * one at which the evaluation reports precision / recall / F1. Whether a match
 * is `strong` or `possible` is no longer a matter of the name score: it is the
 * evidence's (evidence.ts `judge`): a name alone is at most possible.
 */
export const DEFAULT_THRESHOLD = 0.8;

export type MatchStrength = "strong" | "possible";
