/**
 * npm run screening:pairs -- <in.csv> [out.csv]
 *
 * Scores every row of a CSV with at least the columns schema,name1,name2 (other
 * columns kept) with the same matcher the API uses, writes the rows with a
 * `score` column (0–1) to out.csv (or stdout), and, when the CSV has an is_match
 * column, prints precision, recall and F1 at the default threshold, and that
 * threshold, on its last lines.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { scorePairsCsv, toCsv } from "../src/screening/match/evaluate";
import { DEFAULT_THRESHOLD } from "../src/screening/match/strength";

const [input, output] = process.argv.slice(2);
if (!input) {
  console.error("usage: npm run screening:pairs -- <in.csv> [out.csv]");
  process.exit(2);
}
const result = scorePairsCsv(readFileSync(input, "utf8"), DEFAULT_THRESHOLD);
const csv = toCsv([result.header, ...result.rows]);
// Without out.csv the rows go to stdout and the metrics to stderr, so the CSV stays clean.
const log = output ? console.log : console.error;
if (output) writeFileSync(output, csv);
else process.stdout.write(csv);
if (output) log(`wrote ${result.rows.length} scored rows to ${output}`);
if (result.metrics) {
  const m = result.metrics;
  log(`pairs: ${m.n} (tp ${m.tp}, fp ${m.fp}, fn ${m.fn}, tn ${m.tn})`);
  log(`precision: ${m.precision.toFixed(3)}`);
  log(`recall: ${m.recall.toFixed(3)}`);
  log(`f1: ${m.f1.toFixed(3)}`);
  log(`threshold: ${m.threshold}`);
}
