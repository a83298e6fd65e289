// One Durable Object per run: a thin shell that persists the run's state in
// its SQLite storage and carries out the plan the domain computes.
//
// `start` stores the template snapshot and arms an alarm, then returns; the
// alarm executes the plan. Alarms are at-least-once, so the handler is
// idempotent: every source result is persisted as it arrives and a re-run
// resumes where the last one stopped, never calling a finished source again.
// Input gates do not hold across outbound I/O, so the status is re-read from
// storage after every await.
//
// Liveness: every alarm re-arms before any I/O that can fail (cloudflare/agents
// does the same), so a D1 outage longer than the platform's alarm retries, an
// eviction or a restart of the runtime never strands a run: the alarm comes
// back within WATCHDOG_MS and the run resumes where its stored results end.
import { DurableObject } from "cloudflare:workers";
import { createDb } from "../db/client";
import { advanceRunStatus, childRuns, finishRun, getRunById, insertRunReserving, type RunRow } from "../db/queries/runs";
import { findPublishedTemplate } from "../db/queries/templates";
import { analyze } from "../domain/analysis";
import { decide } from "../domain/decision";
import { maskDocument } from "../domain/documents";
import { listScreenedOutcome, splitPartnerSources, unscreenedListedOutcome } from "../domain/partner-lists";
import { listedPartnerSubject, PARTNER_GAP_REASONS, partnerSubject, planPartners, qsaOf, subjectWithIdentity, type ListedPartner } from "../domain/partners";
import { redactCpfs } from "../domain/redaction";
import { nextStep, skippedSources } from "../domain/plan";
import {
  isTerminal,
  type PartnerOutcome,
  type RunBody,
  type RunStatus,
  type SourceResult,
  type Subject,
  type TemplateSnapshot,
  type TemplateSource,
  type UnscreenedPartner,
} from "../domain/types";
import { runtimeConfig } from "../env";
import { newId } from "../lib/ids";
import { SOURCE_CATALOG } from "../sources/catalog";
import { renderAndStore } from "../reports/service";
import type { ReportMode, ReportObject } from "../reports/types";
import { createLimiter, MAX_OUTBOUND_CONNECTIONS } from "../sources/limiter";
import { createListAdapter, isListBacked } from "../sources/lists";
import { resolveSourcing, type RunSourcing } from "../sources/resolve";
import { enqueueRunEvent } from "../webhooks/events";
import { executeSource, type ExecutionPolicy } from "./executor";
import { newRunRow, runInitFor, terminalFields } from "./records";
import type { RunInit, StoredResult } from "./types";
import { buildRunBody } from "./views";
import { clearRememberedMatches, subjectHash } from "../cases/matches";
import { afterCaseOpening, caseOpeningFor } from "../cases/opening";
import { enrolFromRun } from "../monitoring/enrol-run";
import { withClearedMatchFindings, type ClearedMatch } from "../domain/cases";

type PartnerRow = {
  run_id: string;
  idx: number;
  name: string;
  document: string;
  qualificacao: string;
  started: number;
  outcome: string | null;
};

/** A partner known only by a masked CPF, screened on the lists by this object (no run of its own). */
type ListedPartnerRow = { idx: number; partner: string; outcome: string | null };

/** Results by source, as the planner reads them. */
const byKey = (results: SourceResult[]) => new Map(results.map((r) => [r.source, r] as const));

/**
 * How soon a run resumes after its execution died (eviction, runtime restart,
 * a failed write): the alarm is re-armed this far ahead before any I/O. Well
 * under the run deadline, so a resumed run still has time for its pending sources.
 */
export const WATCHDOG_MS = 5_000;

/** How often a run waiting for partner runs checks on (and re-drives) them if no notice arrives. */
const PARTNER_POLL_MS = 15_000;

/** Retry interval of a terminal run whose mirror, webhook or parent notice did not go out. */
const FINALIZE_RETRY_MS = 15_000;


export class RunObject extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** Aborts in-flight source calls when the run is cancelled (in-memory only). */
  private inflight: AbortController | null = null;
  /**
   * When the execution running in this instance began (null: none). A watchdog
   * alarm that finds one alive only re-arms; after an eviction or a restart the
   * field is gone with the instance, and the next alarm resumes the run.
   */
  private executingSince: number | null = null;
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
      CREATE TABLE IF NOT EXISTS listed_partners (idx INTEGER PRIMARY KEY, partner TEXT NOT NULL, outcome TEXT);
      CREATE TABLE IF NOT EXISTS listed_partner_calls (seq INTEGER PRIMARY KEY AUTOINCREMENT, idx INTEGER NOT NULL,
        source TEXT NOT NULL, attempt INTEGER NOT NULL, at TEXT NOT NULL);
    `);
  }

  // ---- RPC ---------------------------------------------------------------

  /**
   * Persists the run and arms the alarm that executes it. Idempotent: a second
   * call stores nothing and only re-drives a run whose alarm went missing, so
   * callers (a replayed POST, a parent waiting for its partner) may call it again.
   */
  async start(init: RunInit): Promise<{ started: boolean; status: RunStatus }> {
    // The sweeper gave this run up as never started (and failed it in D1): a late start must not revive it.
    if (this.meta<boolean>("abandoned")) return { started: false, status: "failed" };
    if (this.meta<RunInit>("init")) return { started: false, status: (await this.redrive()).status ?? "queued" };
    if (init.parentRunId) {
      const company = await this.env.RUN.get(this.env.RUN.idFromName(init.parentRunId)).currentStatus();
      // Input gates do not hold across that call: another start may have stored the run meanwhile.
      if (this.meta<RunInit>("init")) return { started: false, status: (await this.redrive()).status ?? "queued" };
      // A partner whose company ended (was cancelled) while it was being started
      // refuses to run: it ends `cancelado` at once, its reservation returned, no source called.
      if (company && isTerminal(company)) {
        this.setMeta("init", init);
        this.setMeta("status", "cancelado");
        await this.ctx.storage.setAlarm(Date.now() + FINALIZE_RETRY_MS);
        await this.finalize(init, "cancelado");
        return { started: false, status: "cancelado" };
      }
    }
    this.setMeta("init", init);
    this.setMeta("status", "queued");
    await this.ctx.storage.setAlarm(Date.now());
    return { started: true, status: "queued" };
  }

  /**
   * Makes sure a run that is not done has an alarm coming (the sweeper and the
   * parent's wait call this). `status: null`: start never reached this object.
   */
  async redrive(): Promise<{ status: RunStatus | null }> {
    if (!this.meta<RunInit>("init")) return { status: null };
    const status = this.status();
    const done = isTerminal(status) && this.meta<boolean>("mirrored");
    if (!done && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now());
    return { status };
  }

  /**
   * For the sweeper: a run whose start never arrived cannot execute (only this
   * object ever holds the clear document). Refuses any later start so the run
   * can be failed in D1 safely. A run that did start is left alone.
   */
  async abandon(): Promise<{ abandoned: boolean; status: RunStatus | null }> {
    if (this.meta<RunInit>("init")) return { abandoned: false, status: this.status() };
    this.setMeta("abandoned", true);
    return { abandoned: true, status: null };
  }

  /** Current status as the object knows it (D1 mirrors it). */
  currentStatus(): RunStatus | null {
    return this.meta<RunInit>("init") ? this.status() : null;
  }

  /**
   * Audit trail of adapter calls, in order (also proves no source was called
   * twice after a resume): the run's own, then the list searches of its
   * partners known only by a masked CPF (`partner`: the masked CPF).
   */
  callLog(): { source: string; attempt: number; at: string; partner?: string }[] {
    const own = this.sql.exec<{ source: string; attempt: number; at: string }>("SELECT source, attempt, at FROM calls ORDER BY seq").toArray();
    const documents = new Map(this.listedPartnerRows().map((r) => [r.idx, (JSON.parse(r.partner) as ListedPartner).documento]));
    const partners = this.sql
      .exec<{ idx: number; source: string; attempt: number; at: string }>("SELECT idx, source, attempt, at FROM listed_partner_calls ORDER BY seq")
      .toArray()
      .map((c) => ({ source: c.source, attempt: c.attempt, at: c.at, partner: documents.get(c.idx) ?? "" }));
    return [...own, ...partners];
  }

  /**
   * Cancels a run that is not terminal. `bookmark`: the D1 position of the
   * cancellation's write, so the caller can read it back (and hand it to its
   * client) with read-your-writes, wherever its own session stands.
   */
  async cancel(): Promise<{ cancelled: boolean; status: RunStatus | null; bookmark: string | null }> {
    const init = this.meta<RunInit>("init");
    if (!init) return { cancelled: false, status: null, bookmark: null };
    const status = this.status();
    if (isTerminal(status)) return { cancelled: false, status, bookmark: null };
    this.setMeta("status", "cancelado");
    this.inflight?.abort(new Error("cancelled"));
    // If the D1 mirror or a notice below fails, the alarm finishes the job.
    await this.ctx.storage.setAlarm(Date.now() + FINALIZE_RETRY_MS);
    const session = this.env.DB.withSession("first-primary");
    await this.finalize(init, "cancelado", session);
    // The cancel has committed; a partner's cancel that fails is the armed alarm's to repeat.
    await this.cancelPartners().catch((err) => console.error(`run ${init.runId}: partners' cancel left to the alarm`, err instanceof Error ? err.message : String(err)));
    return { cancelled: true, status: "cancelado", bookmark: session.getBookmark() };
  }

  /**
   * A company's cancel cancels its partners (they cannot be cancelled alone). A
   * partner whose start is still in flight is not `started` yet: its start
   * refuses once it sees this run terminal, and startPartner re-checks too. Done
   * once all are cancelled: until then the alarm armed by cancel() comes back to it
   * (a partner's cancel that failed, or an isolate that died after the finalize).
   */
  private async cancelPartners(): Promise<void> {
    for (const p of this.partnerRows()) {
      if (p.started && !p.outcome) await this.env.RUN.get(this.env.RUN.idFromName(p.run_id)).cancel();
    }
    this.setMeta("partners_cancelled", true);
    await this.ctx.storage.deleteAlarm();
  }

  private partnersLeftToCancel(): boolean {
    return this.status() === "cancelado" && !this.meta<boolean>("partners_cancelled");
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
    this.recordPartnerOutcome(row, child.status, child.decision, child.risk_band, child.operative_decision);
    if (this.status() === "em_analise" && this.partnerRows().every((p) => p.outcome) && this.listedPartnerRows().every((p) => p.outcome)) {
      await this.ctx.storage.setAlarm(Date.now());
    }
  }

  // ---- Alarm: the plan ---------------------------------------------------

  async alarm(): Promise<void> {
    const init = this.meta<RunInit>("init");
    if (!init) return;
    const status = this.status();
    if (isTerminal(status)) {
      // Terminal but the mirror/notifications, or a cancel's partners, may not have gone out (crash in between).
      const mirrored = this.meta<boolean>("mirrored") === true;
      const partnersLeft = this.partnersLeftToCancel();
      if (!mirrored || partnersLeft) {
        await this.ctx.storage.setAlarm(Date.now() + FINALIZE_RETRY_MS);
        if (!mirrored) await this.finalize(init, status);
        if (partnersLeft) await this.cancelPartners();
      }
      return;
    }
    // Re-arm before any I/O that can fail: this invocation may die (eviction,
    // restart, a D1 outage longer than the platform's retries) and the run must resume.
    await this.ctx.storage.setAlarm(Date.now() + WATCHDOG_MS);
    const cfg = runtimeConfig(this.env);
    // An execution is alive in this very instance (the watchdog fired while it
    // awaits its sources): it re-arms at its end, nothing to do. One that has
    // been "alive" for longer than any execution can last is taken as stuck.
    if (this.executingSince !== null && Date.now() - this.executingSince < cfg.runDeadlineMs + cfg.maxSourceTimeoutMs) return;
    this.executingSince = Date.now();
    try {
      await this.execute(init);
    } finally {
      this.executingSince = null;
    }
  }

  private async execute(init: RunInit): Promise<void> {
    const cfg = runtimeConfig(this.env);
    const db = createDb(this.env.DB);
    // D1 mirror writes overlap the sources instead of delaying them: they are
    // conditional (a status only moves forward), so their arrival order is safe.
    const mirrors: Promise<unknown>[] = [];
    // A failed mirror write surfaces when the mirrors are awaited below (the
    // alarm then fails and comes back); until then it must not count as unhandled.
    const mirror = (p: Promise<unknown>) => {
      p.catch(() => undefined);
      mirrors.push(p);
    };
    if (this.status() === "queued") {
      const startedAt = new Date().toISOString();
      this.setMeta("status", "running");
      this.setMeta("started_at", startedAt);
      mirror(advanceRunStatus(db, init.runId, "running", startedAt));
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
        if (this.status() !== "running") return void (await Promise.all(mirrors)); // cancelled meanwhile
        const results = this.results();
        const step = nextStep(init.snapshot, byKey(results));
        if (step.kind === "done") break;
        const entries = step.kind === "critical" ? [step.entry] : step.entries;
        // Sources after the identity source screen the name (and birth date) it returned when the request gave none.
        const subject = subjectWithIdentity(init.subject, results);
        // Live sources share the Workers limit of 6 simultaneous outbound connections.
        const limit = createLimiter(init.livemode ? MAX_OUTBOUND_CONNECTIONS : entries.length);
        await Promise.all(
          entries.map((entry) => limit.run(() => this.runSource(entry, subject, sourcing, policy, this.inflight!.signal))),
        );
      }
      if (this.status() !== "running") return void (await Promise.all(mirrors));
      this.setMeta("status", "em_analise");
      mirror(advanceRunStatus(db, init.runId, "em_analise"));
    }
    if (this.status() !== "em_analise") return void (await Promise.all(mirrors));

    const waitUntil = await this.ensurePartnerRuns(init, cfg.partnerDeadlineMs);
    // Cancelled while partners were being started or checked: the cancel finalized the run.
    if (this.status() !== "em_analise") return void (await Promise.all(mirrors));
    if (waitUntil !== null) {
      await Promise.all(mirrors);
      await this.ctx.storage.setAlarm(Math.min(Date.now() + PARTNER_POLL_MS, waitUntil));
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
    // One statement (seq = results so far): each storage call of this hot path costs the shared thread locally.
    this.sql.exec("INSERT OR IGNORE INTO results (source, seq, json) SELECT ?, count(*), ? FROM results", entry.source, JSON.stringify(result));
  }

  /**
   * Starts the partner runs of a company (once) and tells until when the parent
   * must wait for them (null: no more waiting). Each child id is persisted
   * before anything is created, so a retried alarm re-uses it and creates
   * nothing twice. The wait is bounded: partners without an outcome at the
   * deadline count as unscreened (the company goes on hold).
   */
  private async ensurePartnerRuns(init: RunInit, deadlineMs: number): Promise<number | null> {
    const snapshot = init.snapshot;
    if (!snapshot.partner_runs) return null;
    const db = createDb(this.env.DB);
    if (!this.meta<boolean>("partners_planned")) {
      const results = this.results();
      const step = nextStep(snapshot, byKey(results));
      const blocked = step.kind === "done" && step.blockedBy !== null;
      // Live runs screen partners known only by a masked CPF on the lists, which are the service's own.
      const plan = planPartners(snapshot, results, blocked, { screenMaskedOnLists: init.livemode });
      plan.listed.forEach((p, idx) => {
        this.sql.exec("INSERT OR IGNORE INTO listed_partners (idx, partner) VALUES (?, ?)", idx, JSON.stringify(p));
      });
      plan.selected.forEach((p, idx) => {
        this.sql.exec(
          "INSERT OR IGNORE INTO partners (run_id, idx, name, document, qualificacao) VALUES (?, ?, ?, ?, ?)",
          newId("run"),
          idx,
          p.nome,
          p.documento,
          p.qualificacao,
        );
      });
      this.setMeta("unscreened_partners", plan.unscreened);
      this.setMeta("partners_since", Date.now());
      this.setMeta("partners_planned", true);
    }
    const waitUntil = (this.meta<number>("partners_since") ?? Date.now()) + deadlineMs;
    const pending = this.partnerRows().filter((p) => !p.started);
    if (pending.length > 0) {
      const childTemplate = await findPublishedTemplate(db, snapshot.partner_runs.template_id, init.tenantId);
      if (childTemplate) this.setMeta("partner_template", childTemplate);
      for (const p of pending) {
        // Re-checked after every await: a cancel that landed meanwhile stops the starts (no partner created or charged after it).
        if (this.status() !== "em_analise") return null;
        await this.startPartner(init, p, childTemplate ?? null);
      }
    }
    // Partner runs go on in their own objects meanwhile.
    await this.screenListedPartners(init, waitUntil);
    if (this.status() !== "em_analise") return null;
    if (this.partnerRows().every((p) => p.outcome)) return null;
    // A notice may have been lost (the parent was restarting): ask D1 too.
    const children = await childRuns(db, init.runId);
    for (const child of children) {
      const row = this.partnerRows().find((r) => r.run_id === child.id);
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
    const unfinished = this.partnerRows().filter((p) => !p.outcome);
    if (unfinished.length === 0) return null;
    if (Date.now() >= waitUntil) {
      // Stop waiting: what a late partner finds no longer changes this run.
      for (const p of unfinished) {
        const child = children.find((c) => c.id === p.run_id);
        this.recordPartnerOutcome(p, (child?.status as RunStatus | undefined) ?? "queued", null, null, null, PARTNER_GAP_REASONS.deadlinePassed);
      }
      return null;
    }
    // Re-drive children whose object stopped (its `start` is idempotent and re-arms a missing alarm).
    const template = this.meta<TemplateSnapshot>("partner_template");
    for (const p of unfinished) {
      const row = children.find((c) => c.id === p.run_id);
      if (template && row) await this.partnerStub(p).start({ ...runInitFor(row, template, this.partnerSubject(p, init)), monitor: init.monitor });
    }
    return waitUntil;
  }

  /**
   * Screens the partners known only by a masked CPF on the lists that back the
   * partner template's list-backed sources, one partner after the other, each
   * outcome persisted as it arrives: a restarted object screens only the
   * partners it has no outcome for. The lists always answer here, even for a
   * source with a provider configured: a provider is asked by CPF, and there is none.
   */
  private async screenListedPartners(init: RunInit, deadlineAt: number): Promise<void> {
    const pending = this.listedPartnerRows().filter((p) => !p.outcome);
    if (pending.length === 0) return;
    let template = this.meta<TemplateSnapshot>("partner_template") ?? null;
    if (!template) {
      template = (await findPublishedTemplate(createDb(this.env.DB), init.snapshot.partner_runs!.template_id, init.tenantId)) ?? null;
      if (this.status() !== "em_analise") return;
      if (template) this.setMeta("partner_template", template);
    }
    const cfg = runtimeConfig(this.env);
    const policy: ExecutionPolicy = {
      maxAttempts: cfg.sourceMaxAttempts,
      retryBaseMs: cfg.sourceRetryBaseMs,
      maxTimeoutMs: cfg.maxSourceTimeoutMs,
      deadlineAt,
    };
    const year = Number(init.createdAt.slice(0, 4));
    const requireFullCpf = init.snapshot.partner_runs?.require_full_cpf === true;
    this.inflight ??= new AbortController();
    const cancel = this.inflight.signal;
    for (const row of pending) {
      if (this.status() !== "em_analise") return;
      const partner = JSON.parse(row.partner) as ListedPartner;
      if (!template || template.subject_type !== "pf") {
        this.recordListedOutcome(row, unscreenedListedOutcome(partner, PARTNER_GAP_REASONS.templateUnavailable));
        continue;
      }
      const { lists, notRun } = splitPartnerSources(template, isListBacked);
      const subject = listedPartnerSubject(partner, year);
      const limit = createLimiter(MAX_OUTBOUND_CONNECTIONS);
      const results = await Promise.all(
        lists.map((entry) =>
          limit.run(() =>
            executeSource(entry, subject, createListAdapter(this.env, SOURCE_CATALOG[entry.source]), policy, {
              cancel,
              onAttempt: (attempt) =>
                this.sql.exec(
                  "INSERT INTO listed_partner_calls (idx, source, attempt, at) VALUES (?, ?, ?, ?)",
                  row.idx,
                  entry.source,
                  attempt,
                  new Date().toISOString(),
                ),
            }),
          ),
        ),
      );
      // Cancelled while the lists answered: a terminal run never changes.
      if (this.status() !== "em_analise") return;
      this.recordListedOutcome(row, listScreenedOutcome({ partner, template, results, notRun, requireFullCpf }));
      // Durable before the next partner's searches go out: an object that dies during them must not search this one again.
      await this.ctx.storage.sync();
    }
  }

  private recordListedOutcome(row: ListedPartnerRow, outcome: PartnerOutcome): void {
    this.sql.exec("UPDATE listed_partners SET outcome = ? WHERE idx = ? AND outcome IS NULL", JSON.stringify(outcome), row.idx);
  }

  private partnerStub(p: PartnerRow) {
    return this.env.RUN.get(this.env.RUN.idFromName(p.run_id));
  }

  /** The partner as its run screens it: CPF, name, and what the company's QSA says of its age (domain/partners.ts). */
  private partnerSubject(p: PartnerRow, init: RunInit): Subject {
    return partnerSubject(p, qsaOf(this.results()), Number(init.createdAt.slice(0, 4)));
  }

  private recordPartnerOutcome(
    p: PartnerRow,
    status: RunStatus,
    decision: PartnerOutcome["decision"],
    riskBand: PartnerOutcome["risk_band"],
    operative: PartnerOutcome["operative_decision"],
    reason?: string,
  ): void {
    const outcome: PartnerOutcome = {
      ...partnerOutcomeFromRow(p, status, decision, riskBand),
      operative_decision: operative ?? null,
      ...(reason ? { reason } : {}),
    };
    this.sql.exec("UPDATE partners SET started = 1, outcome = ? WHERE run_id = ? AND outcome IS NULL", JSON.stringify(outcome), p.run_id);
  }

  private async startPartner(init: RunInit, p: PartnerRow, template: TemplateSnapshot | null): Promise<void> {
    const db = createDb(this.env.DB);
    if (!template || template.subject_type !== "pf") {
      return this.recordPartnerOutcome(p, "failed", null, null, null, PARTNER_GAP_REASONS.templateUnavailable);
    }
    let row: RunRow | undefined = await getRunById(db, p.run_id);
    // The company was cancelled during that read: no partner row, no reservation.
    if (this.status() !== "em_analise") return;
    if (!row) {
      const fresh = newRunRow({
        id: p.run_id,
        tenantId: init.tenantId,
        livemode: init.livemode,
        keyId: init.keyId ?? null,
        template,
        document: p.document,
        parentRunId: init.runId,
        externalId: null,
        metadata: {},
        webhookUrl: null,
        createdAt: new Date().toISOString(),
      });
      // The reservation and the row in one batch: never credits held without a run, nor a run unpaid.
      const created = await insertRunReserving(db, fresh, fresh.creditsReserved);
      // No credits for this partner: it is refused and said so, and the company goes on hold.
      if (created !== "created") return this.recordPartnerOutcome(p, "failed", null, null, null, PARTNER_GAP_REASONS.noCredits);
      row = fresh;
    }
    // If the company was cancelled during the reservation, the partner's start
    // sees it terminal and ends cancelled at once (its reservation returned).
    // A company monitored when it completes has its screened partners monitored too.
    await this.partnerStub(p).start({ ...runInitFor(row, template, this.partnerSubject(p, init)), monitor: init.monitor });
    this.sql.exec("UPDATE partners SET started = 1 WHERE run_id = ?", p.run_id);
    // A cancel that landed during the start found this partner not started yet: cancel it now.
    if (isTerminal(this.status())) await this.partnerStub(p).cancel();
  }

  /**
   * Computes the decision (or records the cancellation), persists the terminal
   * state here first, then mirrors it to D1 and tells the parent. Each step is
   * idempotent, so a crash in between is repaired by the next alarm.
   */
  private async finalize(init: RunInit, forced: "cancelado" | RunStatus | null, session?: D1DatabaseSession): Promise<void> {
    let stored = this.meta<StoredResult>("final");
    // Matches this subject's earlier cases resolved as false positives are cleared before deciding (contract §15).
    const memory = stored || forced === "cancelado" ? null : await this.rememberedFalsePositives(init);
    // Input gates do not hold across that D1 read: a cancel may have ended the run meanwhile (it finalizes itself).
    if (memory && this.status() === "cancelado") return;
    stored = this.meta<StoredResult>("final");
    if (!stored) {
      const results = memory?.results ?? this.results();
      const partners = [...this.partnerRows(), ...this.listedPartnerRows()]
        .map((p) => (p.outcome ? (JSON.parse(p.outcome) as PartnerOutcome) : null))
        .filter((p): p is PartnerOutcome => p !== null);
      const completedAt = new Date().toISOString();
      const outcome =
        forced === "cancelado"
          ? null
          : decide({ snapshot: init.snapshot, results, partners, livemode: init.livemode });
      const unscreened = this.meta<UnscreenedPartner[]>("unscreened_partners") ?? [];
      const analysis = outcome
        ? withClearedMatchFindings(
            analyze({ snapshot: init.snapshot, subjectType: init.subject.type, results, partners, unscreened, outcome }),
            memory?.cleared ?? [],
          )
        : null;
      // What leaves this object (D1, /detail, reports, webhooks) carries no CPF in clear.
      const cpfs = knownCpfs(init, results);
      stored = redactCpfs(buildRunBody({
        init,
        status: forced === "cancelado" ? "cancelado" : outcome!.status,
        outcome,
        results,
        skipped: skippedSources(init.snapshot, byKey(results)),
        partners,
        unscreened,
        analysis,
        startedAt: this.meta<string>("started_at") ?? null,
        completedAt,
      }), cpfs);
      this.setMeta("final", stored);
      this.setMeta("status", stored.body.status);
    }
    const body = stored.body;
    const db = createDb(session ?? this.env.DB);
    // A `review` / `hold` run opens its case in the terminal write's batch (once: UNIQUE run_id), with its case.opened outbox event.
    const opening = await caseOpeningFor(
      this.env,
      db,
      { tenantId: init.tenantId, livemode: init.livemode, subjectHash: this.meta<string>("subject_hash") ?? null, webhookUrl: init.webhookUrl },
      body,
    );
    await finishRun(db, init.runId, init.tenantId, terminalFields(stored), opening ?? undefined);
    // case.opened, then the run's event carrying case_id as GET /runs/{id} shows it.
    const caseFields = opening ? await afterCaseOpening(this.env, db, init) : { caseId: null, finalDecision: null };
    // After the D1 mirror (a receiver that GETs the run sees it terminal) and before
    // `mirrored` (a crash in between re-enqueues: the event id is derived from the run).
    await enqueueRunEvent(this.env, init, { ...body, case_id: caseFields.caseId, final_decision: caseFields.finalDecision as RunBody["final_decision"] });
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
    // `"monitor": true`: the subject enrolled while the clear document is still here (it is dropped right after).
    if (init.monitor && !this.meta<boolean>("monitor_enrolled")) {
      await enrolFromRun(this.env, init, stored);
      this.setMeta("monitor_enrolled", true);
    }
    this.setMeta("mirrored", true);
    this.forgetClearDocuments(init);
    // A cancel's partners are cancelled after this: until they are, the alarm stays to finish it.
    if (!this.partnersLeftToCancel()) await this.ctx.storage.deleteAlarm();
  }

  /**
   * The false-positive memory step: the subject's keyed document hash (kept in
   * meta: the clear document is dropped once the run is mirrored), its
   * remembered false positives read from D1, and the pure clearing step.
   */
  private async rememberedFalsePositives(init: RunInit): Promise<{ results: SourceResult[]; cleared: ClearedMatch[] }> {
    let hash = this.meta<string>("subject_hash");
    if (!hash) {
      hash = await subjectHash(this.env.SERVER_SECRET, init.subject);
      this.setMeta("subject_hash", hash);
    }
    const db = createDb(this.env.DB);
    const results = this.results();
    // Record hashes are taken on the results as they will be stored (CPFs masked), the form a case resolves them in.
    return clearRememberedMatches(db, { tenantId: init.tenantId, livemode: init.livemode, subjectHash: hash }, results, (r) => redactCpfs(r, knownCpfs(init, r)));
  }

  /**
   * Retention: once the terminal state is stored in D1 (masked) nothing needs
   * the clear CPFs any more — reports render from D1 — so the subject's and the
   * partners' documents and the raw provider answers are dropped from this object.
   */
  private forgetClearDocuments(init: RunInit): void {
    if (this.meta<boolean>("documents_forgotten")) return;
    const masked = maskDocument(init.subject.type, init.subject.document);
    this.setMeta("init", { ...init, subject: { ...init.subject, document: masked } });
    for (const p of this.partnerRows()) {
      this.sql.exec("UPDATE partners SET document = ? WHERE run_id = ?", maskDocument("pf", p.document), p.run_id);
    }
    this.sql.exec("DELETE FROM results");
    this.setMeta("documents_forgotten", true);
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

  private listedPartnerRows(): ListedPartnerRow[] {
    return this.sql.exec<ListedPartnerRow>("SELECT idx, partner, outcome FROM listed_partners ORDER BY idx").toArray();
  }
}

/** The CPFs a run knows (its subject's, its partners'): masked wherever they appear in what the run stores. */
function knownCpfs(init: RunInit, results: SourceResult[]): string[] {
  return [init.subject.type === "pf" ? init.subject.document : "", ...qsaOf(results).map((p) => p.documento.replace(/\D/g, ""))];
}

function partnerOutcomeFromRow(
  row: PartnerRow,
  status: RunStatus,
  decision: PartnerOutcome["decision"],
  riskBand: PartnerOutcome["risk_band"],
): PartnerOutcome {
  return {
    run_id: row.run_id,
    screened_by: "run",
    name: row.name,
    documento_mascarado: maskDocument("pf", row.document),
    qualificacao: row.qualificacao,
    status,
    decision,
    risk_band: riskBand,
  };
}

