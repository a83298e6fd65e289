import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decide } from "./decision";
import { TPL_PF_PADRAO, TPL_PJ_PADRAO } from "./standard-templates";
import { SOURCE_CATALOG } from "../sources/catalog";
import type {
  Decision,
  PartnerOutcome,
  SourceKey,
  SourceResult,
  SourceStatus,
  TemplateSnapshot,
} from "./types";

const T0 = "2026-11-01T12:00:00.000Z";

const result = (tpl: TemplateSnapshot, source: SourceKey, status: SourceStatus): SourceResult => {
  const src = tpl.sources.find((s) => s.source === source);
  if (!src) throw new Error(`${source} not in ${tpl.id}`);
  const checkNames = SOURCE_CATALOG[source].checks;
  const checks: SourceResult["checks"] = {};
  if (status === "VALID" || status === "INVALID") {
    checkNames.forEach((c, i) => (checks[c] = status === "INVALID" && i === 0 ? "INVALID" : "VALID"));
  }
  return {
    source,
    phase: src.phase,
    status,
    checks,
    ...(status === "ERROR" ? { reason: "timeout" } : {}),
    attempts: 1,
    duration_ms: 10,
    started_at: T0,
    completed_at: T0,
  };
};

/**
 * Simulates a run over a template: critical sources in order, stopping after a
 * block; then every important and additional source. `statuses` defaults to VALID.
 */
const run = (tpl: TemplateSnapshot, statuses: Partial<Record<SourceKey, SourceStatus>> = {}): SourceResult[] => {
  const out: SourceResult[] = [];
  for (const s of tpl.sources.filter((x) => x.phase === "critical")) {
    const st = statuses[s.source] ?? "VALID";
    out.push(result(tpl, s.source, st));
    if (st === "INVALID" && s.on_hit === "block") return out;
  }
  for (const s of tpl.sources.filter((x) => x.phase !== "critical")) {
    out.push(result(tpl, s.source, statuses[s.source] ?? "VALID"));
  }
  return out;
};

const partner = (run_id: string, decision: Decision | null): PartnerOutcome => ({
  run_id,
  name: "MARIA DA SILVA",
  documento_mascarado: "***.456.789-**",
  qualificacao: "Sócio-Administrador",
  status: decision === null ? "failed" : "completed",
  decision,
  risk_band: decision === null ? null : decision === "approved" ? "baixo" : "alto",
});

const summary = (o: ReturnType<typeof decide>) => [o.status, o.decision, o.operative_decision, o.risk_band];

describe("decide — standard templates", () => {
  const pf = (statuses: Partial<Record<SourceKey, SourceStatus>> = {}, livemode = false) =>
    decide({ snapshot: TPL_PF_PADRAO, results: run(TPL_PF_PADRAO, statuses), partners: [], livemode });

  it("clean PF → completed/approved/approved/baixo", () => {
    const o = pf();
    expect(summary(o)).toEqual(["completed", "approved", "approved", "baixo"]);
    expect(o.score).toBe(0);
    expect(o.triggered_rules).toEqual([]);
  });

  it("receita_federal_cpf INVALID blocks: nothing after, rejected/alto", () => {
    const results = run(TPL_PF_PADRAO, { receita_federal_cpf: "INVALID" });
    expect(results.map((r) => r.source)).toEqual(["receita_federal_cpf"]);
    const o = decide({ snapshot: TPL_PF_PADRAO, results, partners: [], livemode: true });
    expect(summary(o)).toEqual(["completed", "rejected", "rejected", "alto"]);
    expect(o.score).toBe(50);
    expect(o.credits_used).toBe(1);
    expect(o.triggered_rules).toEqual([
      { source: "receita_federal_cpf", on_hit: "block", effect: "block", check: "situacao_cadastral" },
    ]);
  });

  it("cnj_mandados_prisao INVALID → rejected/alto", () => {
    expect(summary(pf({ cnj_mandados_prisao: "INVALID" }))).toEqual(["completed", "rejected", "rejected", "alto"]);
  });

  it("ofac_sdn INVALID (PF) → rejected/alto", () => {
    expect(summary(pf({ ofac_sdn: "INVALID" }))).toEqual(["completed", "rejected", "rejected", "alto"]);
  });

  it("pep_coaf INVALID → completed/review/review/alto", () => {
    const o = pf({ pep_coaf: "INVALID" });
    expect(summary(o)).toEqual(["completed", "review", "review", "alto"]);
    expect(o.score).toBe(40);
    expect(o.triggered_rules).toEqual([{ source: "pep_coaf", on_hit: "review", effect: "review", check: "pep_ativo" }]);
  });

  it("protestos INVALID → review/alto", () => {
    expect(summary(pf({ protestos: "INVALID" }))).toEqual(["completed", "review", "review", "alto"]);
  });

  it("cgu_cnc INVALID → review/alto", () => {
    expect(summary(pf({ cgu_cnc: "INVALID" }))).toEqual(["completed", "review", "review", "alto"]);
  });

  it("three sources ERROR, one tier 1 → partial/approved/hold/medio", () => {
    const o = pf({ cnj_mandados_prisao: "ERROR", protestos: "ERROR", trf_processos: "ERROR" }, true);
    expect(summary(o)).toEqual(["partial", "approved", "hold", "medio"]);
    // 50·0.25 + 40·0.25 + 10·0.25 = 25
    expect(o.score).toBe(25);
    expect(o.triggered_rules).toEqual([{ source: "cnj_mandados_prisao", on_hit: "block", effect: "hold" }]);
    expect(o.credits_used).toBe(TPL_PF_PADRAO.sources.length - 3);
  });

  it("every source ERROR → failed/null/null/null, no credits", () => {
    const all = Object.fromEntries(TPL_PF_PADRAO.sources.map((s) => [s.source, "ERROR"])) as Record<
      SourceKey,
      SourceStatus
    >;
    const o = pf(all, true);
    expect(summary(o)).toEqual(["failed", null, null, null]);
    expect(o.credits_used).toBe(0);
  });

  it("every critical source ERROR → failed even when important sources answered", () => {
    const crit = Object.fromEntries(
      TPL_PF_PADRAO.sources.filter((s) => s.phase === "critical").map((s) => [s.source, "ERROR"]),
    ) as Record<SourceKey, SourceStatus>;
    const o = pf(crit, true);
    expect(summary(o)).toEqual(["failed", null, null, null]);
    expect(o.credits_used).toBe(TPL_PF_PADRAO.sources.filter((s) => s.phase !== "critical").length);
  });

  it("a critical block after critical ERRORs is not failed", () => {
    const o = pf({ receita_federal_cpf: "ERROR", cnj_mandados_prisao: "ERROR", ofac_sdn: "INVALID" });
    expect(summary(o)).toEqual(["partial", "rejected", "hold", "alto"]);
  });

  it("tier-1 ERROR alone → hold and band at least medio", () => {
    const o = pf({ receita_federal_cpf: "ERROR" });
    expect(o.score).toBe(13); // 12.5 rounds half up
    expect(summary(o)).toEqual(["partial", "approved", "hold", "medio"]);
  });

  it("hold applies even when the decision is review", () => {
    const o = pf({ ofac_sdn: "ERROR", pep_coaf: "INVALID" });
    expect(summary(o)).toEqual(["partial", "review", "hold", "alto"]);
  });

  it("a tier-2 ERROR gives partial without hold", () => {
    const o = pf({ cgu_ceis: "ERROR" });
    expect(summary(o)).toEqual(["partial", "approved", "approved", "baixo"]);
    expect(o.score).toBe(10);
  });

  it("NO_DATA counts a quarter of the weight and is charged", () => {
    const o = pf({ pep_coaf: "NO_DATA", tse_doadores: "NO_DATA" }, true);
    expect(summary(o)).toEqual(["completed", "approved", "approved", "baixo"]);
    expect(o.score).toBe(13); // 10 + 2.5
    expect(o.credits_used).toBe(TPL_PF_PADRAO.sources.length);
  });

  it("additional INVALID is informational", () => {
    const o = pf({ icij_offshore: "INVALID" });
    expect(summary(o)).toEqual(["completed", "approved", "approved", "baixo"]);
    expect(o.triggered_rules).toEqual([
      { source: "icij_offshore", on_hit: "info", effect: "info", check: "entidades_offshore" },
    ]);
  });

  it("additional is info even if its template on_hit says block", () => {
    const tpl: TemplateSnapshot = {
      ...TPL_PF_PADRAO,
      sources: TPL_PF_PADRAO.sources.map((s) => (s.source === "trf_processos" ? { ...s, on_hit: "block" } : s)),
    };
    const o = decide({ snapshot: tpl, results: run(tpl, { trf_processos: "INVALID" }), partners: [], livemode: false });
    expect(o.decision).toBe("approved");
    expect(o.triggered_rules).toEqual([
      { source: "trf_processos", on_hit: "block", effect: "info", check: "processos_criminais" },
    ]);
  });

  it("sandbox charges nothing", () => {
    expect(pf({}, false).credits_used).toBe(0);
    expect(pf({}, true).credits_used).toBe(TPL_PF_PADRAO.sources.length);
  });

  it("first INVALID check follows catalogue order", () => {
    const r = result(TPL_PF_PADRAO, "receita_federal_cpf", "INVALID");
    r.checks = { nome_confere: "INVALID", registro_obito: "INVALID", situacao_cadastral: "VALID" };
    const o = decide({ snapshot: TPL_PF_PADRAO, results: [r], partners: [], livemode: false });
    expect(o.triggered_rules[0].check).toBe("registro_obito");
  });

  it("score is capped at 100", () => {
    const all = Object.fromEntries(
      TPL_PF_PADRAO.sources.filter((s) => s.phase !== "critical").map((s) => [s.source, "INVALID"]),
    ) as Record<SourceKey, SourceStatus>;
    const o = pf(all);
    expect(o.score).toBe(100);
    expect(summary(o)).toEqual(["completed", "review", "review", "alto"]);
  });
});

describe("decide — PJ and partner runs", () => {
  const pj = (statuses: Partial<Record<SourceKey, SourceStatus>> = {}, partners: PartnerOutcome[] = []) =>
    decide({ snapshot: TPL_PJ_PADRAO, results: run(TPL_PJ_PADRAO, statuses), partners, livemode: false });

  it("clean PJ with clean partners → approved/baixo", () => {
    const o = pj({}, [partner("run_a", "approved"), partner("run_b", "approved")]);
    expect(summary(o)).toEqual(["completed", "approved", "approved", "baixo"]);
  });

  it("clean PJ with a partner in review → completed/review/review/medio", () => {
    const o = pj({}, [partner("run_a", "approved"), partner("run_b", "review")]);
    expect(summary(o)).toEqual(["completed", "review", "review", "medio"]);
    expect(o.score).toBe(20);
    expect(o.triggered_rules).toEqual([{ source: "partner_runs", on_hit: "review", effect: "review" }]);
  });

  it("a partner rejected makes the parent review (not rejected), alto", () => {
    const o = pj({}, [partner("run_a", "rejected")]);
    expect(summary(o)).toEqual(["completed", "review", "review", "alto"]);
    expect(o.score).toBe(40);
  });

  it("several partners in review give one partner rule, after the source rules", () => {
    const o = pj({ protestos: "INVALID" }, [partner("run_a", "review"), partner("run_b", "rejected")]);
    expect(o.triggered_rules).toEqual([
      { source: "protestos", on_hit: "review", effect: "review", check: "protestos_ativos" },
      { source: "partner_runs", on_hit: "review", effect: "review" },
    ]);
    expect(o.score).toBe(100);
  });

  // A beneficial owner left unscreened is tier-1 data missing: never approved to act on.
  const HOLD_RULE = { source: "partner_runs", on_hit: "review", effect: "hold" };
  it.each([
    ["failed (no decision)", { status: "failed" as const, decision: null, risk_band: null }],
    ["cancelado", { status: "cancelado" as const, decision: null, risk_band: null }],
    ["on hold", { status: "partial" as const, decision: "approved" as const, operative_decision: "hold" as const }],
    ["still running at the deadline", { status: "running" as const, decision: null, risk_band: null }],
    ["refused for lack of credits", { status: "failed" as const, decision: null, reason: "créditos insuficientes" }],
  ])("a partner %s puts the company on hold (medio), with a partner hold rule", (_name, over) => {
    const o = pj({}, [partner("run_a", "approved"), { ...partner("run_b", "approved"), ...over }]);
    expect(summary(o)).toEqual(["completed", "approved", "hold", "medio"]);
    expect(o.triggered_rules).toEqual([HOLD_RULE]);
  });

  it("a partner in review and another failed: review decision, hold operative decision", () => {
    const o = pj({}, [partner("run_a", "review"), partner("run_b", null)]);
    expect(summary(o)).toEqual(["completed", "review", "hold", "medio"]);
    expect(o.triggered_rules).toEqual([{ source: "partner_runs", on_hit: "review", effect: "review" }, HOLD_RULE]);
  });

  it("sit_trabalho_escravo INVALID → review", () => {
    expect(summary(pj({ sit_trabalho_escravo: "INVALID" }))).toEqual(["completed", "review", "review", "alto"]);
  });

  it("ofac_sdn INVALID → rejected/alto", () => {
    const o = pj({ ofac_sdn: "INVALID" });
    expect(summary(o)).toEqual(["completed", "rejected", "rejected", "alto"]);
    expect(o.triggered_rules).toEqual([
      { source: "ofac_sdn", on_hit: "block", effect: "block", check: "sancoes_ofac" },
    ]);
  });
});

// ── Properties ──────────────────────────────────────────────────────────────

const statusArb = fc.constantFrom<SourceStatus>("VALID", "INVALID", "NO_DATA", "ERROR");
const nonBlockStatusArb = fc.constantFrom<SourceStatus>("VALID", "NO_DATA", "ERROR");
const templateArb = fc.constantFrom(TPL_PF_PADRAO, TPL_PJ_PADRAO);

const statusesArb = (tpl: TemplateSnapshot) =>
  fc.tuple(...tpl.sources.map(() => statusArb)).map(
    (sts) => Object.fromEntries(tpl.sources.map((s, i) => [s.source, sts[i]])) as Record<SourceKey, SourceStatus>,
  );

const partnerArb = fc
  .record({ id: fc.integer({ min: 0, max: 1_000_000 }), decision: fc.constantFrom<Decision | null>("approved", "review", "rejected", null) })
  .map(({ id, decision }) => partner(`run_${id}`, decision));

const scenarioArb = templateArb.chain((tpl) =>
  fc.record({
    tpl: fc.constant(tpl),
    statuses: statusesArb(tpl),
    partners: tpl.partner_runs ? fc.array(partnerArb, { maxLength: 4 }) : fc.constant([] as PartnerOutcome[]),
    livemode: fc.boolean(),
  }),
);

const shuffleArb = <T>(xs: readonly T[]) =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: xs.length, maxLength: xs.length }).map((keys) =>
    xs
      .map((x, i) => ({ x, k: keys[i] }))
      .sort((a, b) => a.k - b.k)
      .map((e) => e.x),
  );

describe("decide — properties", () => {
  it("a critical block always gives rejected + alto", () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), ({ tpl, statuses, partners, livemode }, pick) => {
        const critical = tpl.sources.filter((s) => s.phase === "critical");
        const blocker = critical[pick % critical.length].source;
        const forced = { ...statuses, [blocker]: "INVALID" as SourceStatus };
        const o = decide({ snapshot: tpl, results: run(tpl, forced), partners, livemode });
        expect(o.decision).toBe("rejected");
        expect(o.risk_band).toBe("alto");
        expect(o.status).not.toBe("failed");
      }),
    );
  });

  it("additional sources never change the decision", () => {
    fc.assert(
      fc.property(scenarioArb, fc.array(statusArb, { minLength: 3, maxLength: 3 }), (sc, extra) => {
        const additional = sc.tpl.sources.filter((s) => s.phase === "additional").map((s) => s.source);
        const other = { ...sc.statuses };
        additional.forEach((k, i) => (other[k] = extra[i]));
        const a = decide({ snapshot: sc.tpl, results: run(sc.tpl, sc.statuses), partners: sc.partners, livemode: sc.livemode });
        const b = decide({ snapshot: sc.tpl, results: run(sc.tpl, other), partners: sc.partners, livemode: sc.livemode });
        expect(b.decision).toBe(a.decision);
      }),
    );
  });

  it("the outcome does not depend on the order of results or partners", () => {
    fc.assert(
      fc.property(
        scenarioArb.chain((sc) => {
          const results = run(sc.tpl, sc.statuses);
          return fc.tuple(fc.constant(sc), fc.constant(results), shuffleArb(results), shuffleArb(sc.partners));
        }),
        ([sc, results, shuffled, shuffledPartners]) => {
          const a = decide({ snapshot: sc.tpl, results, partners: sc.partners, livemode: sc.livemode });
          const b = decide({ snapshot: sc.tpl, results: shuffled, partners: shuffledPartners, livemode: sc.livemode });
          expect(JSON.stringify(b)).toBe(JSON.stringify(a));
        },
      ),
    );
  });

  it("credits: 0 in sandbox, ≤ called sources in live", () => {
    fc.assert(
      fc.property(scenarioArb, ({ tpl, statuses, partners }) => {
        const results = run(tpl, statuses);
        expect(decide({ snapshot: tpl, results, partners, livemode: false }).credits_used).toBe(0);
        const live = decide({ snapshot: tpl, results, partners, livemode: true }).credits_used;
        expect(live).toBeLessThanOrEqual(results.length);
        expect(live).toBe(results.filter((r) => r.status !== "ERROR").length);
      }),
    );
  });

  it("hold ⇔ some tier-1 source ended in ERROR or a partner was left unscreened (unless failed)", () => {
    fc.assert(
      fc.property(scenarioArb, ({ tpl, statuses, partners, livemode }) => {
        const results = run(tpl, statuses);
        const o = decide({ snapshot: tpl, results, partners, livemode });
        const tier1Error =
          results.some((r) => r.status === "ERROR" && tpl.sources.find((s) => s.source === r.source)?.tier === 1) ||
          partners.some((p) => p.status !== "completed" && p.status !== "partial");
        if (o.status === "failed") {
          expect(o.operative_decision).toBeNull();
        } else {
          expect(o.operative_decision === "hold").toBe(tier1Error);
          if (!tier1Error) expect(o.operative_decision).toBe(o.decision);
          if (tier1Error) expect(o.risk_band).not.toBe("baixo");
        }
      }),
    );
  });

  it("decision, operative_decision and risk_band are null only when failed; score is an integer 0..100", () => {
    fc.assert(
      fc.property(scenarioArb, ({ tpl, statuses, partners, livemode }) => {
        const o = decide({ snapshot: tpl, results: run(tpl, statuses), partners, livemode });
        const isFailed = o.status === "failed";
        expect(o.decision === null).toBe(isFailed);
        expect(o.operative_decision === null).toBe(isFailed);
        expect(o.risk_band === null).toBe(isFailed);
        expect(Number.isInteger(o.score)).toBe(true);
        expect(o.score).toBeGreaterThanOrEqual(0);
        expect(o.score).toBeLessThanOrEqual(100);
      }),
    );
  });

  it("partial ⇔ some ERROR among called sources (when not failed)", () => {
    fc.assert(
      fc.property(scenarioArb, ({ tpl, statuses, partners, livemode }) => {
        const results = run(tpl, statuses);
        const o = decide({ snapshot: tpl, results, partners, livemode });
        if (o.status !== "failed") expect(o.status === "partial").toBe(results.some((r) => r.status === "ERROR"));
      }),
    );
  });

  it("without a block, ERROR-free critical phase never fails", () => {
    fc.assert(
      fc.property(templateArb, fc.array(nonBlockStatusArb, { minLength: 20, maxLength: 20 }), (tpl, sts) => {
        const statuses = Object.fromEntries(
          tpl.sources.map((s, i) => [s.source, s.phase === "critical" ? "VALID" : sts[i]]),
        ) as Record<SourceKey, SourceStatus>;
        const o = decide({ snapshot: tpl, results: run(tpl, statuses), partners: [], livemode: false });
        expect(o.status).not.toBe("failed");
        expect(o.decision).toBe("approved");
      }),
    );
  });
});

describe("decide — possible matches (screening lists, contract §14)", () => {
  // A list-backed source answers INVALID with `possible_match: true` when a name only
  // possibly matches a listed one: the run is at least `review`, never `rejected`.
  const possible = (tpl: TemplateSnapshot, source: SourceKey): SourceResult => ({
    ...result(tpl, source, "INVALID"),
    possible_match: true,
  });

  it("a possible match in a critical `block` source → review, not rejected; the rule says block capped to review", () => {
    const results = run(TPL_PF_PADRAO).map((r) => (r.source === "ofac_sdn" ? possible(TPL_PF_PADRAO, "ofac_sdn") : r));
    const o = decide({ snapshot: TPL_PF_PADRAO, results, partners: [], livemode: true });
    expect(summary(o)).toEqual(["completed", "review", "review", "alto"]);
    expect(o.score).toBe(50);
    expect(o.triggered_rules).toEqual([{ source: "ofac_sdn", on_hit: "block", effect: "review", check: "sancoes_ofac" }]);
    expect(o.credits_used).toBe(TPL_PF_PADRAO.sources.length);
  });

  it("a possible match in a `review` source stays review; in an additional source stays info", () => {
    const pep = run(TPL_PF_PADRAO).map((r) => (r.source === "pep_coaf" ? possible(TPL_PF_PADRAO, "pep_coaf") : r));
    expect(decide({ snapshot: TPL_PF_PADRAO, results: pep, partners: [], livemode: false }).decision).toBe("review");
    const icij = run(TPL_PF_PADRAO).map((r) => (r.source === "icij_offshore" ? possible(TPL_PF_PADRAO, "icij_offshore") : r));
    const o = decide({ snapshot: TPL_PF_PADRAO, results: icij, partners: [], livemode: false });
    expect(o.decision).toBe("approved");
    expect(o.triggered_rules).toEqual([{ source: "icij_offshore", on_hit: "info", effect: "info", check: "entidades_offshore" }]);
  });

  it("a confirmed hit elsewhere still rejects", () => {
    const results = run(TPL_PF_PADRAO, { un_sanctions: "INVALID" }).map((r) =>
      r.source === "ofac_sdn" ? possible(TPL_PF_PADRAO, "ofac_sdn") : r,
    );
    const o = decide({ snapshot: TPL_PF_PADRAO, results, partners: [], livemode: false });
    expect(summary(o)).toEqual(["completed", "rejected", "rejected", "alto"]);
    expect(o.triggered_rules.map((t) => [t.source, t.effect])).toEqual([
      ["ofac_sdn", "review"],
      ["un_sanctions", "block"],
    ]);
  });

  it("property: possible matches alone never reject, and make the run at least review when one sits outside `additional`", () => {
    fc.assert(
      fc.property(fc.subarray(TPL_PF_PADRAO.sources.map((s) => s.source), { minLength: 1 }), (keys) => {
        const results = run(TPL_PF_PADRAO).map((r) => (keys.includes(r.source) ? possible(TPL_PF_PADRAO, r.source) : r));
        const o = decide({ snapshot: TPL_PF_PADRAO, results, partners: [], livemode: false });
        expect(o.decision).not.toBe("rejected");
        const decisive = TPL_PF_PADRAO.sources.some((s) => keys.includes(s.source) && s.phase !== "additional");
        expect(o.decision).toBe(decisive ? "review" : "approved");
      }),
    );
  });
});
