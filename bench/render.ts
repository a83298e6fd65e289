// Report renderer benchmark (issue 3): CPU time and size of `resumido` and
// `completo` for a PF run and for a PJ run with 20 partner runs.
//
//   npx tsx bench/render.ts [iterations=15]
//
// CPU time is process.cpuUsage() (user + system, all threads) around each
// render; the median of the timed iterations is reported, after warm-up.
import { availableParallelism } from "node:os";
import { renderReport } from "../src/reports/render";
import type { ReportInput } from "../src/reports/types";
import { pfHoldInput, pj20Input } from "../test/node/report-fixtures";

const iterations = Math.max(10, Number(process.argv[2] ?? 15) || 15);
const WARMUP = 3;
const TARGET_CPU_MS = 250;
const TARGET_BYTES = 1024 * 1024;

const cases: [string, () => ReportInput][] = [
  ["PF (findings + hold) resumido", () => pfHoldInput({ mode: "resumido" })],
  ["PF (findings + hold) completo", () => pfHoldInput({ mode: "completo" })],
  ["PJ + 20 partners resumido", () => pj20Input({ mode: "resumido" })],
  ["PJ + 20 partners completo", () => pj20Input({ mode: "completo" })],
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (n: number) => n.toFixed(1);

const rows: string[] = [];
let ok = true;
for (const [name, make] of cases) {
  const input = make();
  let last = await renderReport(input);
  for (let i = 1; i < WARMUP; i++) last = await renderReport(input);
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    last = await renderReport(input);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const medCpu = median(cpu);
  const kib = last.bytes.length / 1024;
  const targeted = name.endsWith("completo") && name.startsWith("PJ");
  const pass = !targeted || (medCpu < TARGET_CPU_MS && last.bytes.length < TARGET_BYTES);
  ok &&= pass;
  rows.push(
    `| ${name} | ${last.pages} | ${fmt(kib)} KiB | ${fmt(medCpu)} | ${fmt(Math.min(...cpu))} | ${fmt(Math.max(...cpu))} | ${fmt(
      median(wall),
    )} | ${targeted ? (pass ? "✅ < 250 ms, < 1 MiB" : "❌ over target") : "—"} |`,
  );
}

console.log(`node ${process.version} · ${availableParallelism()} CPUs · ${iterations} timed iterations (+${WARMUP} warm-up) per case\n`);
console.log("| case | pages | size | median CPU ms | min CPU ms | max CPU ms | median wall ms | target |");
console.log("|---|---:|---:|---:|---:|---:|---:|---|");
for (const r of rows) console.log(r);
if (!ok) process.exitCode = 1;
