import { FREQUENCY_ENTITIES, WORD_COUNTS } from "./name-frequency-table";

/**
 * How much a name word counts, by how common it is among listed names: a word
 * carried by at most RARE_SHARE of the listed entities counts fully (1); above
 * that, each tenfold of commonness takes SLOPE off, down to FLOOR. Measured on
 * the lists of scripts/gen-name-frequency.ts: "jose" (1.2 % of the listed
 * entities) counts 0.63, "rodriguez" (0.4 %) 0.79, "muhammad" (7.5 %) 0.35,
 * "cisneros" 1.
 *
 * Why: two names that share only their common words ("José Rodríguez" and
 * "CISNEROS RODRIGUEZ, Jose Misael") are weak evidence of one person, the way
 * OpenSanctions' logic-v2 discounts common name parts; the unmatched rare words
 * then weigh more than the matched common ones and the score falls below the
 * threshold. Names equal word for word still score 1, however common.
 */
export const RARE_SHARE = 0.001;
export const SLOPE = 0.35;
export const FLOOR = 0.35;

let counts: Map<string, number> | null = null;

/** Listed entities carrying `word` (a canonical token text), per the generated table. */
export function listedWordCount(word: string): number {
  if (!counts) {
    counts = new Map();
    for (const pair of WORD_COUNTS.split(" ")) {
      const at = pair.lastIndexOf(":");
      counts.set(pair.slice(0, at), Number(pair.slice(at + 1)));
    }
  }
  return counts.get(word) ?? 0;
}

/** 0..1: FLOOR for the most common name words, 1 for rare ones (see RARE_SHARE). */
export function frequencyWeight(word: string): number {
  const share = listedWordCount(word) / FREQUENCY_ENTITIES;
  if (share <= RARE_SHARE) return 1;
  return Math.max(FLOOR, 1 - SLOPE * Math.log10(share / RARE_SHARE));
}
