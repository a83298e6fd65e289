import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { estimateSeconds, nextStep, physicalMinimumMs, skippedSources } from "./plan";
import { TPL_PF_PADRAO, TPL_PJ_PADRAO } from "./standard-templates";
import type { SourceKey, SourceResult, SourceStatus, TemplateSnapshot } from "./types";

const result = (source: SourceKey, status: SourceStatus, snapshot: TemplateSnapshot = TPL_PF_PADRAO): SourceResult => ({
  source,
  phase: snapshot.sources.find((e) => e.source === source)?.phase ?? "critical",
  status,
  checks: {},
  attempts: 1,
  duration_ms: 1,
  started_at: "2026-11-01T00:00:00.000Z",
  completed_at: "2026-11-01T00:00:00.001Z",
});

const keysOf = (snapshot: TemplateSnapshot, phase: "critical" | "parallel") =>
  snapshot.sources.filter((e) => (phase === "critical") === (e.phase === "critical")).map((e) => e.source);

/** Drives a run to the end: `statusOf` decides each source's answer. Returns the call order. */
const drive = (snapshot: TemplateSnapshot, statusOf: (k: SourceKey) => SourceStatus) => {
  const finished = new Map<SourceKey, SourceResult>();
  const steps: (SourceKey | SourceKey[])[] = [];
  for (let guard = 0; guard < 100; guard++) {
    const step = nextStep(snapshot, finished);
    if (step.kind === "done") return { steps, finished, blockedBy: step.blockedBy, skipped: skippedSources(snapshot, finished) };
    const entries = step.kind === "critical" ? [step.entry] : step.entries;
    steps.push(step.kind === "critical" ? step.entry.source : entries.map((e) => e.source));
    for (const e of entries) finished.set(e.source, result(e.source, statusOf(e.source), snapshot));
  }
  throw new Error("plan did not terminate");
};

describe("estimateSeconds", () => {
  it("tpl_pf_padrao: 800+1500+4×300 + max(parallel)=1500 → 5000 ms → 5", () => {
    expect(estimateSeconds(TPL_PF_PADRAO)).toBe(5);
  });
  it("tpl_pj_padrao alone: 900+4×300 + 1500 = 3600 ms → 4", () => {
    expect(estimateSeconds(TPL_PJ_PADRAO)).toBe(4);
  });
  it("tpl_pj_padrao with its partner phase (tpl_pf_padrao, 5000 ms): 3600 + 5000 = 8600 ms → 9", () => {
    expect(estimateSeconds(TPL_PJ_PADRAO, TPL_PF_PADRAO)).toBe(9);
  });
  it("a partner template counts only for a template that starts partner runs", () => {
    expect(estimateSeconds(TPL_PF_PADRAO, TPL_PF_PADRAO)).toBe(5);
  });
  it("is at least 1 and rounds up", () => {
    expect(estimateSeconds({ ...TPL_PF_PADRAO, sources: [] })).toBe(1);
    const one = TPL_PF_PADRAO.sources.filter((e) => e.source === "ofac_sdn");
    expect(estimateSeconds({ ...TPL_PF_PADRAO, sources: one })).toBe(1);
    const two = TPL_PF_PADRAO.sources.filter((e) => e.source === "receita_federal_cpf" || e.source === "pep_coaf");
    expect(estimateSeconds({ ...TPL_PF_PADRAO, sources: two })).toBe(2); // 800 + 500
  });
});

describe("physicalMinimumMs", () => {
  it("scales the slowest path by the latency factor", () => {
    expect(physicalMinimumMs(TPL_PF_PADRAO, 1)).toBe(5000);
    expect(physicalMinimumMs(TPL_PF_PADRAO, 0.1)).toBeCloseTo(500);
    expect(physicalMinimumMs(TPL_PJ_PADRAO, 0)).toBe(0);
  });
});

describe("nextStep sequences", () => {
  it("clean PF run: six critical one by one, then one parallel step with the ten others", () => {
    const r = drive(TPL_PF_PADRAO, () => "VALID");
    expect(r.steps).toEqual([...keysOf(TPL_PF_PADRAO, "critical"), keysOf(TPL_PF_PADRAO, "parallel")]);
    expect(r.blockedBy).toBeNull();
    expect(r.skipped).toEqual([]);
    expect(r.finished.size).toBe(TPL_PF_PADRAO.sources.length);
  });

  it("clean PJ run", () => {
    const r = drive(TPL_PJ_PADRAO, () => "VALID");
    expect(r.steps).toEqual([...keysOf(TPL_PJ_PADRAO, "critical"), keysOf(TPL_PJ_PADRAO, "parallel")]);
  });

  it("block at the first critical source: nothing else is called", () => {
    const r = drive(TPL_PF_PADRAO, (k) => (k === "receita_federal_cpf" ? "INVALID" : "VALID"));
    expect(r.steps).toEqual(["receita_federal_cpf"]);
    expect(r.blockedBy).toBe("receita_federal_cpf");
    expect(r.skipped).toEqual(TPL_PF_PADRAO.sources.slice(1).map((e) => e.source));
  });

  it("block at the third critical source", () => {
    const r = drive(TPL_PF_PADRAO, (k) => (k === "ofac_sdn" ? "INVALID" : "VALID"));
    expect(r.steps).toEqual(["receita_federal_cpf", "cnj_mandados_prisao", "ofac_sdn"]);
    expect(r.blockedBy).toBe("ofac_sdn");
    expect(r.skipped).toEqual(TPL_PF_PADRAO.sources.slice(3).map((e) => e.source));
  });

  it("every source INVALID: the first critical source blocks", () => {
    const r = drive(TPL_PF_PADRAO, () => "INVALID");
    expect(r.steps).toEqual(["receita_federal_cpf"]);
    expect(r.blockedBy).toBe("receita_federal_cpf");
  });

  it("ERROR and NO_DATA in critical sources do not stop the run", () => {
    const r = drive(TPL_PF_PADRAO, (k) => (k === "receita_federal_cpf" ? "ERROR" : k === "un_sanctions" ? "NO_DATA" : "VALID"));
    expect(r.steps).toEqual([...keysOf(TPL_PF_PADRAO, "critical"), keysOf(TPL_PF_PADRAO, "parallel")]);
    expect(r.blockedBy).toBeNull();
    expect(r.skipped).toEqual([]);
  });

  it("a critical INVALID whose on_hit is not block does not stop the run", () => {
    const tpl: TemplateSnapshot = {
      ...TPL_PF_PADRAO,
      sources: TPL_PF_PADRAO.sources.map((e) => (e.source === "cnj_mandados_prisao" ? { ...e, on_hit: "review" as const } : e)),
    };
    const r = drive(tpl, (k) => (k === "cnj_mandados_prisao" ? "INVALID" : "VALID"));
    expect(r.blockedBy).toBeNull();
    expect(r.finished.size).toBe(tpl.sources.length);
  });

  it("important INVALID does not block (parallel sources all run)", () => {
    const r = drive(TPL_PF_PADRAO, (k) => (k === "pep_coaf" ? "INVALID" : "VALID"));
    expect(r.blockedBy).toBeNull();
    expect(r.finished.size).toBe(TPL_PF_PADRAO.sources.length);
  });

  it("after a restart the parallel step returns only the sources still missing", () => {
    const finished = new Map<SourceKey, SourceResult>();
    for (const k of keysOf(TPL_PF_PADRAO, "critical")) finished.set(k, result(k, "VALID"));
    for (const k of ["pep_coaf", "protestos", "tse_doadores"] as const) finished.set(k, result(k, "VALID"));
    const step = nextStep(TPL_PF_PADRAO, finished);
    expect(step).toEqual({
      kind: "parallel",
      entries: TPL_PF_PADRAO.sources.filter((e) => e.phase !== "critical" && !finished.has(e.source)),
    });
    if (step.kind !== "parallel") throw new Error("unreachable");
    expect(step.entries.map((e) => e.source)).toEqual([
      "cgu_ceis",
      "cgu_cnep",
      "cgu_cnc",
      "sit_trabalho_escravo",
      "cnj_seeu_processos",
      "trf_processos",
      "icij_offshore",
    ]);
  });

  it("a template with no critical sources starts in parallel; an empty template is done", () => {
    const tpl = { ...TPL_PF_PADRAO, sources: TPL_PF_PADRAO.sources.filter((e) => e.phase !== "critical") };
    expect(nextStep(tpl, new Map()).kind).toBe("parallel");
    expect(nextStep({ ...TPL_PF_PADRAO, sources: [] }, new Map())).toEqual({ kind: "done", blockedBy: null });
  });
});

describe("nextStep (property)", () => {
  const statuses: SourceStatus[] = ["VALID", "INVALID", "NO_DATA", "ERROR"];
  const finishedArb = (snapshot: TemplateSnapshot) =>
    fc
      .array(fc.option(fc.constantFrom(...statuses), { nil: undefined }), {
        minLength: snapshot.sources.length,
        maxLength: snapshot.sources.length,
      })
      .map((picks) => {
        const m = new Map<SourceKey, SourceResult>();
        picks.forEach((s, i) => {
          const key = snapshot.sources[i].source;
          if (s) m.set(key, result(key, s, snapshot));
        });
        return m;
      });

  for (const snapshot of [TPL_PF_PADRAO, TPL_PJ_PADRAO]) {
    it(`${snapshot.id}: never re-calls a finished source, never runs parallel work before the critical phase is done`, () => {
      fc.assert(
        fc.property(finishedArb(snapshot), (finished) => {
          const step = nextStep(snapshot, finished);
          const missingCritical = snapshot.sources.some((e) => e.phase === "critical" && !finished.has(e.source));
          if (step.kind === "critical") {
            expect(finished.has(step.entry.source)).toBe(false);
            expect(step.entry.phase).toBe("critical");
          } else if (step.kind === "parallel") {
            expect(step.entries.length).toBeGreaterThan(0);
            for (const e of step.entries) {
              expect(finished.has(e.source)).toBe(false);
              expect(e.phase).not.toBe("critical");
            }
            expect(missingCritical).toBe(false);
          } else {
            const skipped = skippedSources(snapshot, finished);
            if (step.blockedBy === null) {
              expect(finished.size).toBe(snapshot.sources.length);
              expect(skipped).toEqual([]);
            } else {
              expect(finished.get(step.blockedBy)?.status).toBe("INVALID");
              expect(skipped.every((k) => !finished.has(k))).toBe(true);
            }
          }
        }),
        { numRuns: 1000 },
      );
    });
  }
});

describe("nextStep — possible matches", () => {
  it("a critical INVALID marked possible_match does not stop the run: the next critical source and the parallel phase follow", () => {
    const finished = new Map<SourceKey, SourceResult>([
      ["receita_federal_cpf", result("receita_federal_cpf", "VALID")],
      ["cnj_mandados_prisao", result("cnj_mandados_prisao", "VALID")],
      ["ofac_sdn", { ...result("ofac_sdn", "INVALID"), possible_match: true }],
    ]);
    const step = nextStep(TPL_PF_PADRAO, finished);
    expect(step).toMatchObject({ kind: "critical", entry: { source: "un_sanctions" } });
    expect(skippedSources(TPL_PF_PADRAO, finished)).toEqual([]);
    finished.set("ofac_sdn", result("ofac_sdn", "INVALID"));
    expect(nextStep(TPL_PF_PADRAO, finished)).toEqual({ kind: "done", blockedBy: "ofac_sdn" });
  });
});
