// One Durable Object per run: a thin shell that persists the run's state in
// its SQLite storage and carries out the plan the domain computes.
//
// `start` stores the template snapshot and arms an alarm, then returns; the
// alarm executes the plan. Alarms are at-least-once, so the handler is
// idempotent: every source result is persisted as it arrives and a re-run
// resumes where the last one stopped, never calling a finished source again.
// Input gates do not hold across outbound I/O, so the status is re-read from
// storage after every await.
import { DurableObject } from "cloudflare:workers";
import { createDb } from "../db/client";
import { advanceRunStatus, childRuns, finishRun, getRunById, insertRun } from "../db/queries/runs";
import { findPublishedTemplate } from "../db/queries/templates";
import { reserveCredits } from "../db/queries/tenants";
import { analyze } from "../domain/analysis";
import { creditsToReserve } from "../domain/credits";
import { decide } from "../domain/decision";
import { maskDocument } from "../domain/documents";
import { qsaOf, selectPartners } from "../domain/partners";
import { redactCpfs } from "../domain/redaction";
import { estimateSeconds, nextStep, skippedSources } from "../domain/plan";
import {
  isTerminal,
  type PartnerOutcome,
  type RunStatus,
  type SourceResult,
  type Subject,
  type TemplateSnapshot,
  type TemplateSource,
} from "../domain/types";
import { runtimeConfig } from "../env";
import { newId } from "../lib/ids";
import { SOURCE_CATALOG } from "../sources/catalog";
import { renderAndStore, type ReportObject } from "../reports/service";
import type { ReportMode } from "../reports/types";
import { createLimiter, MAX_OUTBOUND_CONNECTIONS } from "../sources/limiter";
import { resolveSourcing, type RunSourcing } from "../sources/resolve";
import { enqueueRunEvent } from "../webhooks/events";
import { executeSource, type ExecutionPolicy } from "./executor";
import { buildRunBody, type StoredResult } from "./views";

/** Everything a run needs to execute, fixed at creation. */
export interface RunInit {
  runId: string;
  tenantId: string;
  livemode: boolean;
  snapshot: TemplateSnapshot;
  subject: Subject;
  createdAt: string;
  parentRunId: string | null;
  externalId: string | null;
  metadata: Record<string, string>;
  webhookUrl: string | null;
}

type PartnerRow = {
  run_id: string;
  idx: number;
  name: string;
  document: string;
  qualificacao: string;
  started: number;
  outcome: string | null;
};

/** Results by source, as the planner reads them. */
const byKey = (results: SourceResult[]) => new Map(results.map((r) => [r.source, r] as const));

/** How often a run waiting for partner runs checks on them if no notice arrives. */
const PARTNER_POLL_MS = 30_000;

export class RunObject extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** Aborts in-flight source calls when the run is cancelled (in-memory only). */
  private inflight: AbortController | null = null;
  private readonly reportsInFlight = new Map<ReportMode, Promise<{ created: boolean; report: ReportObject }>>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS results (source TEXT PRIMARY KEY, seq INTEGER NOT NULL, json TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS calls (seq INTEGER PRIMARY KEY AUTOINCREMENT, source TEXT NOT NULL, attempt INTEGER NOT NULL, at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS partners (run_id TEXT PRIMARY KEY, idx INTEGER NOT NULL, name TEXT NOT NULL,
        document TEXT NOT NULL, qualificacao TEXT NOT NULL, started INTEGER NOT NULL DEFAULT 0, outcome TEXT);
    `);
  }

  // ---- RPC ---------------------------------------------------------------

  /** Persists the run and arms the alarm that executes it. Idempotent: a second call changes nothing. */
  async start(init: RunInit): Promise<{ started: boolean; status: RunStatus }> {
    const existing = this.meta<RunInit>("init");
    if (existing) return { started: false, status: this.status() };
    this.setMeta("init", init);
    this.setMeta("status", "queued");
    await this.ctx.storage.setAlarm(Date.now());
    return { started: true, status: "queued" };
  }

  /** Current status as the object knows it (D1 mirrors it). */
  currentStatus(): RunStatus | null {
    return this.meta<RunInit>("init") ? this.status() : null;
  }

  /** Audit trail of adapter calls, in order (also proves no source was called twice after a resume). */
  callLog(): { source: string; attempt: number; at: string }[] {
    return this.sql.exec<{ source: string; attempt: number; at: string }>("SELECT source, attempt, at FROM calls ORDER BY seq").toArray();
  }

  async cancel(): Promise<{ cancelled: boolean; status: RunStatus | null }> {
    const init = this.meta<RunInit>("init");
    if (!init) return { cancelled: false, status: null };
    const status = this.status();
    if (isTerminal(status)) return { cancelled: false, status };
    this.setMeta("status", "cancelado");
    this.inflight?.abort(new Error("cancelled"));
    await this.finalize(init, "cancelado");
    for (const p of this.partnerRows()) {
      if (p.started && !p.outcome) await this.env.RUN.get(this.env.RUN.idFromName(p.run_id)).cancel();
    }
    return { cancelled: true, status: "cancelado" };
  }

  /**
   * Renders and stores a report of this (terminal) run. Racing callers share
   * one rendering: the in-memory promise lives as long as the object.
   */
  async generateReport(args: { tenantName: string; mode: ReportMode }): Promise<{ created: boolean; report: ReportObject }> {
    const init = this.meta<RunInit>("init");
    const row = init ? await getRunById(createDb(this.env.DB), init.runId) : undefined;
    if (!init || !row?.result) throw new Error("report requested for a run that is not terminal");
    let pending = this.reportsInFlight.get(args.mode);
    if (!pending) {
      pending = renderAndStore(this.env, { tenantId: init.tenantId, tenantName: args.tenantName, row }, args.mode, new Date());
      this.reportsInFlight.set(args.mode, pending);
      pending.finally(() => this.reportsInFlight.delete(args.mode)).catch(() => {});
      return pending;
    }
    // Joined a rendering already under way: it is not this caller's creation.
    return { created: false, report: (await pending).report };
  }

  /** A partner run ended: remember its outcome and finish the parent if it was the last one. */
  async partnerFinished(
    child: Pick<PartnerOutcome, "run_id" | "status" | "decision" | "risk_band" | "operative_decision">,
  ): Promise<void> {
    const row = this.partnerRows().find((p) => p.run_id === child.run_id);
    if (!row || row.outcome) return;
    const outcome = { ...partnerOutcomeFromRow(row, child.status, child.decision, child.risk_band), operative_decision: child.operative_decision ?? null };
    this.sql.exec("UPDATE partners SET outcome = ? WHERE run_id = ? AND outcome IS NULL", JSON.stringify(outcome), row.run_id);
    if (this.status() === "em_analise" && this.partnerRows().every((p) => p.outcome)) {
      await this.ctx.storage.setAlarm(Date.now());
    }
  }

  // ---- Alarm: the plan ---------------------------------------------------

  async alarm(): Promise<void> {
    const init = this.meta<RunInit>("init");
    if (!init) return;
    const status = this.status();
    if (isTerminal(status)) {
      // Terminal but the mirror/notifications may not have gone out (crash in between).
      if (!this.meta<boolean>("mirrored")) await this.finalize(init, status);
      return;
    }
    const cfg = runtimeConfig(this.env);
    // Watchdog: if this invocation dies (eviction, restart), the run resumes.
    await this.ctx.storage.setAlarm(Date.now() + Math.max(cfg.runDeadlineMs, PARTNER_POLL_MS));

    const db = createDb(this.env.DB);
    // D1 mirror writes overlap the sources instead of delaying them: they are
    // conditional (a status only moves forward), so their arrival order is safe.
    const mirrors: Promise<unknown>[] = [];
    if (status === "queued") {
      const startedAt = new Date().toISOString();
      this.setMeta("status", "running");
      this.setMeta("started_at", startedAt);
      mirrors.push(advanceRunStatus(db, init.runId, "running", startedAt));
    }
    const startedAtMs = Date.parse(this.meta<string>("started_at") ?? new Date().toISOString());
    const policy = {
      maxAttempts: cfg.sourceMaxAttempts,
      retryBaseMs: cfg.sourceRetryBaseMs,
      maxTimeoutMs: cfg.maxSourceTimeoutMs,
      deadlineAt: startedAtMs + cfg.runDeadlineMs,
    };
    if (this.status() === "running") {
      const sourcing = resolveSourcing(this.env, init.livemode);
      this.inflight = new AbortController();
      for (;;) {
        if (this.status() !== "running") return; // cancelled meanwhile
        const step = nextStep(init.snapshot, byKey(this.results()));
        if (step.kind === "done") break;
        const entries = step.kind === "critical" ? [step.entry] : step.entries;
        // Live sources share the Workers limit of 6 simultaneous outbound connections.
        const limit = createLimiter(init.livemode ? MAX_OUTBOUND_CONNECTIONS : entries.length);
        await Promise.all(
          entries.map((entry) => limit.run(() => this.runSource(entry, init.subject, sourcing, policy, this.inflight!.signal))),
        );
      }
      if (this.status() !== "running") return void (await Promise.all(mirrors));
      this.setMeta("status", "em_analise");
      mirrors.push(advanceRunStatus(db, init.runId, "em_analise"));
    }
    if (this.status() !== "em_analise") return void (await Promise.all(mirrors));

    const waiting = await this.ensurePartnerRuns(init);
    if (waiting) {
      await Promise.all(mirrors);
      await this.ctx.storage.setAlarm(Date.now() + PARTNER_POLL_MS);
      return;
    }
    await this.finalize(init, null);
    await Promise.all(mirrors);
  }

  private async runSource(
    entry: TemplateSource,
    subject: Subject,
    sourcing: RunSourcing,
    policy: ExecutionPolicy,
    cancel: AbortSignal,
  ): Promise<void> {
    const { timeoutMs, maxAttempts } = sourcing.settings(entry, policy.maxAttempts);
    const adapter = sourcing.adapter(SOURCE_CATALOG[entry.source]);
    const result = await executeSource({ ...entry, timeout_ms: timeoutMs }, subject, adapter, { ...policy, maxAttempts }, {
      cancel,
      onAttempt: (attempt) =>
        this.sql.exec("INSERT INTO calls (source, attempt, at) VALUES (?, ?, ?)", entry.source, attempt, new Date().toISOString()),
    });
    // The run may have been cancelled while the source answered: a terminal run never changes.
    if (this.status() !== "running") return;
    const seq = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM results").one().n;
    this.sql.exec("INSERT OR IGNORE INTO results (source, seq, json) VALUES (?, ?, ?)", entry.source, seq, JSON.stringify(result));
  }

  /**
   * Starts the partner runs of a company (once) and tells whether the parent
   * must wait for them. Each child id is persisted before anything is created,
   * so a retried alarm re-uses it and creates nothing twice.
   */
  private async ensurePartnerRuns(init: RunInit): Promise<boolean> {
    const snapshot = init.snapshot;
    if (!snapshot.partner_runs) return false;
    const db = createDb(this.env.DB);
    if (!this.meta<boolean>("partners_planned")) {
      const results = this.results();
      const step = nextStep(snapshot, byKey(results));
      const blocked = step.kind === "done" && step.blockedBy !== null;
      selectPartners(snapshot, results, blocked).forEach((p, idx) => {
        this.sql.exec(
          "INSERT OR IGNORE INTO partners (run_id, idx, name, document, qualificacao) VALUES (?, ?, ?, ?, ?)",
          newId("run"),
          idx,
          p.nome,
          p.documento,
          p.qualificacao,
        );
      });
      this.setMeta("partners_planned", true);
    }
    const pending = this.partnerRows().filter((p) => !p.started);
    if (pending.length > 0) {
      const childTemplate = await findPublishedTemplate(db, snapshot.partner_runs.template_id, init.tenantId);
      for (const p of pending) {
        await this.startPartner(init, p, childTemplate);
      }
    }
    const rows = this.partnerRows();
    if (rows.every((p) => p.outcome)) return false;
    // A notice may have been lost (the parent was restarting): ask D1 too.
    for (const child of await childRuns(db, init.runId)) {
      const row = rows.find((r) => r.run_id === child.id);
      if (row && !row.outcome && isTerminal(child.status as RunStatus)) {
        await this.partnerFinished({
          run_id: child.id,
          status: child.status as RunStatus,
          decision: child.decision as PartnerOutcome["decision"],
          risk_band: child.riskBand as PartnerOutcome["risk_band"],
          operative_decision: child.operativeDecision as PartnerOutcome["operative_decision"],
        });
      }
    }
    return !this.partnerRows().every((p) => p.outcome);
  }

  private async startPartner(init: RunInit, p: PartnerRow, template: TemplateSnapshot | null): Promise<void> {
    const db = createDb(this.env.DB);
    const fail = (reason: string) => {
      this.sql.exec(
        "UPDATE partners SET started = 1, outcome = ? WHERE run_id = ?",
        JSON.stringify({ ...partnerOutcomeFromRow(p, "failed", null, null), reason }),
        p.run_id,
      );
    };
    if (!template || template.subject_type !== "pf") return fail("Template de sócios indisponível.");
    const existing = await getRunById(db, p.run_id);
    if (!existing) {
      const reserve = creditsToReserve(template, init.livemode);
      if (!(await reserveCredits(db, init.tenantId, reserve))) return fail("Créditos insuficientes para a execução do sócio.");
      await insertRun(db, {
        id: p.run_id,
        tenantId: init.tenantId,
        livemode: init.livemode,
        templateId: template.id,
        templateVersion: template.version,
        subjectType: "pf",
        documentMasked: maskDocument("pf", p.document),
        status: "queued",
        externalId: null,
        metadata: "{}",
        webhookUrl: null,
        parentRunId: init.runId,
        creditsReserved: reserve,
        estimatedSeconds: estimateSeconds(template),
        createdAt: new Date().toISOString(),
      });
    }
    await this.env.RUN.get(this.env.RUN.idFromName(p.run_id)).start({
      runId: p.run_id,
      tenantId: init.tenantId,
      livemode: init.livemode,
      snapshot: template,
      subject: { type: "pf", document: p.document, name: p.name },
      createdAt: existing?.createdAt ?? new Date().toISOString(),
      parentRunId: init.runId,
      externalId: null,
      metadata: {},
      webhookUrl: null,
    });
    this.sql.exec("UPDATE partners SET started = 1 WHERE run_id = ?", p.run_id);
  }

  /**
   * Computes the decision (or records the cancellation), persists the terminal
   * state here first, then mirrors it to D1 and tells the parent. Each step is
   * idempotent, so a crash in between is repaired by the next alarm.
   */
  private async finalize(init: RunInit, forced: "cancelado" | RunStatus | null): Promise<void> {
    let stored = this.meta<StoredResult>("final");
    if (!stored) {
      const results = this.results();
      const partners = this.partnerRows()
        .map((p) => (p.outcome ? (JSON.parse(p.outcome) as PartnerOutcome) : null))
        .filter((p): p is PartnerOutcome => p !== null);
      const completedAt = new Date().toISOString();
      const outcome =
        forced === "cancelado"
          ? null
          : decide({ snapshot: init.snapshot, results, partners, livemode: init.livemode });
      const analysis = outcome
        ? analyze({ snapshot: init.snapshot, subjectType: init.subject.type, results, partners, outcome })
        : null;
      // What leaves this object (D1, /detail, reports, webhooks) carries no CPF in clear.
      const cpfs = [init.subject.type === "pf" ? init.subject.document : "", ...qsaOf(results).map((p) => p.documento.replace(/\D/g, ""))];
      stored = redactCpfs(buildRunBody({
        init,
        status: forced === "cancelado" ? "cancelado" : outcome!.status,
        outcome,
        results,
        skipped: skippedSources(init.snapshot, byKey(results)),
        partners,
        analysis,
        startedAt: this.meta<string>("started_at") ?? null,
        completedAt,
      }), cpfs);
      this.setMeta("final", stored);
      this.setMeta("status", stored.body.status);
    }
    const body = stored.body;
    await finishRun(createDb(this.env.DB), init.runId, init.tenantId, {
      status: body.status,
      decision: body.decision,
      operativeDecision: body.operative_decision,
      riskBand: body.risk_band,
      creditsUsed: body.credits_used,
      result: JSON.stringify(stored),
      startedAt: body.started_at,
      completedAt: body.completed_at!,
    });
    // After the D1 mirror (a receiver that GETs the run sees it terminal) and before
    // `mirrored` (a crash in between re-enqueues: the event id is derived from the run).
    await enqueueRunEvent(this.env, init, body);
    if (init.parentRunId) {
      const parent = this.env.RUN.get(this.env.RUN.idFromName(init.parentRunId));
      await parent.partnerFinished({
        run_id: init.runId,
        status: body.status,
        decision: body.decision,
        risk_band: body.risk_band,
        operative_decision: body.operative_decision,
      });
    }
    this.setMeta("mirrored", true);
    await this.ctx.storage.deleteAlarm();
  }

  // ---- storage helpers ---------------------------------------------------

  private meta<T>(k: string): T | undefined {
    const row = this.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = ?", k).toArray()[0];
    return row ? (JSON.parse(row.v) as T) : undefined;
  }

  private setMeta(k: string, v: unknown): void {
    this.sql.exec("INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", k, JSON.stringify(v));
  }

  private status(): RunStatus {
    return this.meta<RunStatus>("status") ?? "queued";
  }

  private results(): SourceResult[] {
    return this.sql
      .exec<{ json: string }>("SELECT json FROM results ORDER BY seq")
      .toArray()
      .map((r) => JSON.parse(r.json) as SourceResult);
  }

  private partnerRows(): PartnerRow[] {
    return this.sql.exec<PartnerRow>("SELECT * FROM partners ORDER BY idx").toArray();
  }
}

function partnerOutcomeFromRow(
  row: PartnerRow,
  status: RunStatus,
  decision: PartnerOutcome["decision"],
  riskBand: PartnerOutcome["risk_band"],
): PartnerOutcome {
  return {
    run_id: row.run_id,
    name: row.name,
    documento_mascarado: maskDocument("pf", row.document),
    qualificacao: row.qualificacao,
    status,
    decision,
    risk_band: riskBand,
  };
}

