// ListIngest: one Durable Object per list (idFromName(list id)) that carries out
// its refreshes, one at a time, in chunked alarm steps with checkpoints. The
// phases, in order (IngestJob.phase):
//
//   download  each file streamed from its URL into R2 (lists/<id>/<refresh>/…),
//             sha256 computed on the way; never a whole file in memory. Same
//             sha256 as the version serving → the refresh ends, no new rows.
//   inspect   each stored file read ahead of the parse (ingest.ts inspectFile):
//             a CSV whole, for the one encoding that reads all of it (a zip
//             bomb, a field past its cap or a file in two encodings is refused
//             here, before any row is staged); an XML file up to its root, for
//             its publication date — older than the serving version's → refused.
//   stage     the files streamed from R2 through the list's parser; entities
//             written to D1 under (list, sha256) in batches. Each step stages up
//             to a budget, checkpoints how many parser outputs it consumed, and
//             re-arms; the next step re-parses up to the checkpoint (parsing is
//             cheap next to the writes) and goes on. Rows of an unfinished
//             version are invisible: readers only see current_sha256.
//   switch    counts checked (none; under half the current version's; more of
//             its entities dropped than the list allows, by id → failure), then
//             ONE UPDATE makes the version current (atomic); a switch that does
//             not land (the refresh no longer holds the list) is a failure.
//   cleanup   rows of other versions deleted in bounded steps, after a grace
//             period (a search that pinned the old version finishes on it).
//
// A failed refresh (network, HTTP status, parse error, refused file, no
// entities, suspicious count or drop, older publication date, bad URL) ends at
// once with last_error; the previous version keeps serving. D1/R2 failures —
// a dropped R2 read included — are retried (maxFailures) before they end it too.
//
// Alarms are at-least-once and may overlap in one instance (a watchdog firing
// while a step awaits I/O, a test driving the alarm): a second invocation waits
// for the step in flight instead of running its own. Every step re-arms a
// watchdog before any I/O that can fail (like src/runs/run-object.ts), so an
// eviction, a restart or a D1 outage never strands a refresh; and every step
// is recorded before its work, so one that keeps killing its isolate (memory,
// CPU) fails the refresh after maxStepDeaths instead of running forever.
//
// The object remembers the version it last switched to (meta `serving`, its
// entity ids in `serving_ids`): the drop guard compares ids, the publication
// guard dates.
import { DurableObject } from "cloudflare:workers";
import { onListVersionCurrent } from "../monitoring/rescreen";
import { redactForLog } from "../domain/redaction";
import { sha256Hex, toHex } from "../lib/crypto";
import {
  fetchOrFail,
  inspectFile,
  limitsOf,
  listsTransportOf,
  maxDropOf,
  parseList,
  readFailure,
  RefreshFailure,
  resolveFiles,
  stagedSize,
  stageEntity,
  type FileFacts,
  type IngestLimits,
  type ListFile,
} from "./ingest";
import {
  deleteEntitiesStatements,
  deleteOtherVersions,
  deleteVersionRows,
  endRefresh,
  getListState,
  insertEntitiesStatements,
  markLoading,
  switchVersion,
  type StagedEntity,
} from "./store";
import type { ByteSource, ListEntity, ListId, TextEncoding } from "./types";

interface JobFile extends ListFile {
  /** R2 key once downloaded. */
  key: string | null;
  bytes: number | null;
  sha256: string | null;
  /** What the inspect phase read in it; null until then. */
  facts: FileFacts | null;
}

type Phase = "download" | "inspect" | "stage" | "switch";

/** The phases as last_error names them. */
const PHASE_NAMES: Record<Phase, string> = { download: "download", inspect: "leitura prévia", stage: "carga", switch: "troca de versão" };

/** The refresh in progress, persisted after every step (the checkpoint). */
export interface IngestJob {
  list: ListId;
  /** When the refresh started; also its identity (D1 loading_since). */
  loadingSince: string;
  /** "Today" for the parsers (ended sanctions, PEP grace period). */
  asOf: string;
  phase: Phase;
  /** D1 shows the refresh (loading_since set). */
  marked: boolean;
  sourceUrl: string | null;
  files: JobFile[] | null;
  sha256: string | null;
  fetchedAt: string | null;
  /** The primary file's publication date (inspect phase), kept with the version once it serves. */
  publishedAt: string | null;
  /** Leftover rows of this sha256 (an earlier refresh that died) are gone. */
  purged: boolean;
  /** Parser outputs consumed (staged or skipped as duplicates): the staging checkpoint. */
  consumed: number;
  entities: number;
  names: number;
  duplicates: number;
  steps: number;
  /** Consecutive steps that failed on D1/R2. */
  failures: number;
  /** Set once the refresh is known to fail; recorded in D1 by the next step if that write failed. */
  failedWith: string | null;
  /**
   * The step under way: recorded durably before its work, cleared when it
   * ends (well or with an error). Found set when the next step begins, it
   * died with its isolate; `deaths` counts such steps at checkpoint `at`.
   */
  inFlight: { at: string; deaths: number } | null;
}

/** Where a step starts from: two steps with the same checkpoint would redo the same work. */
const checkpointOf = (job: IngestJob): string =>
  [
    job.phase,
    job.files?.filter((f) => f.sha256 !== null).length ?? 0,
    job.files?.filter((f) => f.facts !== null && f.facts !== undefined).length ?? 0,
    job.purged ? 1 : 0,
    job.consumed,
  ].join(":");

/** The version this object last switched to (its entity ids are in serving_ids). */
interface Serving {
  sha256: string;
  publishedAt: string | null;
}

interface Cleanup {
  list: ListId;
  /** Epoch ms: not before (grace period after a switch). */
  after: number;
}

/** Not a reason to give the refresh up at once: D1/R2 trouble, retried by the next steps. */
class TransientError extends Error {
  override name = "TransientError";
}

/**
 * A stored file's bytes, with a failed read of its body (a connection to R2
 * dropped mid-file) turned into a TransientError: the step is retried and the
 * refresh goes on, where the parser would have reported a broken file.
 */
async function* r2Bytes(body: ReadableStream<Uint8Array>, key: string): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (err) {
        finished = true;
        throw new TransientError(`R2: leitura de ${key} interrompida: ${(err as Error).message ?? err}`);
      }
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
    }
  } finally {
    // Stopped early (the parser is done with it, or the step ends): release the stream.
    if (!finished) await reader.cancel().catch(() => undefined);
  }
}

/** A share as last_error writes it: 16,6 %. */
const share = (x: number) => `${(x * 100).toLocaleString("pt-BR", { maximumFractionDigits: 1 })} %`;

export class ListIngest extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** The step running in this instance; overlapping alarm invocations wait for it. */
  private working: Promise<void> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY);
      CREATE TABLE IF NOT EXISTS serving_ids (id TEXT PRIMARY KEY);
    `);
  }

  // ---- RPC ---------------------------------------------------------------

  /**
   * Starts a refresh of `list`, or reports the one running (`started: false`,
   * same `loading_since`): never two at once.
   */
  async refresh(list: ListId, now: string): Promise<{ started: boolean; loading_since: string }> {
    const running = this.job();
    if (running) {
      if (Date.parse(now) - Date.parse(running.loadingSince) <= limitsOf(this.env).maxRefreshMs) return { started: false, loading_since: running.loadingSince };
      // Steps are bounded and failures counted, so this should not happen; if it does, the list must not stay stuck.
      await this.fail(running, "atualização abandonada: passou do tempo máximo sem terminar; a versão anterior continua valendo");
    }
    const job: IngestJob = {
      list,
      loadingSince: now,
      asOf: now.slice(0, 10),
      phase: "download",
      marked: false,
      sourceUrl: null,
      files: null,
      sha256: null,
      fetchedAt: null,
      publishedAt: null,
      purged: false,
      consumed: 0,
      entities: 0,
      names: 0,
      duplicates: 0,
      steps: 0,
      failures: 0,
      failedWith: null,
      inFlight: null,
    };
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM seen");
      this.sql.exec("DELETE FROM meta WHERE k = 'inflight'");
      this.saveJob(job);
    });
    await this.ctx.storage.setAlarm(Date.now() + limitsOf(this.env).stepGapMs);
    await markLoading(this.env.DB, list, now);
    const after = this.job();
    if (after && after.loadingSince === now && !after.marked) this.saveJob({ ...after, marked: true });
    return { started: true, loading_since: now };
  }

  /** What the object is doing (tests, diagnostics). */
  async progress(): Promise<{ job: IngestJob | null; cleanup: Cleanup | null; alarm: number | null }> {
    return { job: this.job() ?? null, cleanup: this.meta<Cleanup>("cleanup") ?? null, alarm: await this.ctx.storage.getAlarm() };
  }

  // ---- alarm -------------------------------------------------------------

  async alarm(): Promise<void> {
    if (this.working) {
      await this.working.catch(() => undefined);
      return;
    }
    this.working = this.tick();
    try {
      await this.working;
    } finally {
      this.working = null;
    }
  }

  private async tick(): Promise<void> {
    let job = this.job();
    const cleanup = this.meta<Cleanup>("cleanup");
    if (!job && !cleanup) return;
    const limits = limitsOf(this.env);
    // Re-arm before any I/O that can fail: this invocation may die and the refresh must resume.
    await this.ctx.storage.setAlarm(Date.now() + limits.watchdogMs);
    const startedAt = Date.now();
    try {
      if (job) {
        job = await this.beginStep(job, limits);
        let ended = false;
        try {
          await this.step(job, limits);
          ended = true;
        } finally {
          this.endStep(job, ended);
        }
        // One line per step: what it did and how long it took (bench/lists-ingest.mjs reads these).
        const after = this.job();
        console.log(
          JSON.stringify({
            level: "info",
            event: "list_ingest_step",
            list: job.list,
            phase: job.phase,
            next: after?.phase ?? "done",
            consumed: after?.consumed ?? null,
            entities: after?.entities ?? null,
            ms: Date.now() - startedAt,
          }),
        );
      } else if (cleanup && cleanup.after <= Date.now()) await this.cleanupStep(cleanup, limits);
    } catch (err) {
      if (job && this.job()?.loadingSince === job.loadingSince) return this.onStepError(err, limits);
      // Cleanup failed: the watchdog alarm comes back to it.
      console.error(JSON.stringify({ level: "error", list: cleanup?.list, step: "cleanup", error: (err as Error).name }));
      return;
    }
    await this.scheduleNext(limits);
  }

  /**
   * Records the step about to run, durably, before any of its work. A step
   * found still recorded never ended: its isolate died (memory, CPU, an
   * eviction). One that dies maxStepDeaths times at the same checkpoint fails
   * the refresh, where the watchdog would re-run it forever.
   */
  private async beginStep(job: IngestJob, limits: IngestLimits): Promise<IngestJob> {
    const at = checkpointOf(job);
    const died = job.inFlight ?? null;
    const deaths = died ? (died.at === at ? died.deaths + 1 : 1) : 0;
    if (died) console.error(JSON.stringify({ level: "error", event: "list_ingest_step_died", list: job.list, step: job.phase, at, deaths }));
    if (deaths >= limits.maxStepDeaths) {
      const message = `atualização abandonada: a etapa de ${PHASE_NAMES[job.phase]} parou ${deaths} vezes no mesmo ponto sem terminar (o processo morreu: memória ou tempo de CPU esgotados?); a versão anterior continua valendo`;
      return this.saveJob({ ...job, inFlight: null, failedWith: job.failedWith ?? message });
    }
    job = this.saveJob({ ...job, inFlight: { at, deaths } });
    // Durable before the work starts: the isolate may not live to commit it later.
    await this.ctx.storage.sync();
    return job;
  }

  /** The step ended in this isolate (done, or failed with an error handled here): no death to count; a step that went through resets the failure count. */
  private endStep(job: IngestJob, ok: boolean): void {
    const now = this.job();
    if (!now || now.loadingSince !== job.loadingSince) return;
    if (now.inFlight || (ok && now.failures > 0)) this.saveJob({ ...now, inFlight: null, failures: ok ? 0 : now.failures });
  }

  /**
   * A refresh failure (HTTP, parse, counts…) ends the refresh now, keeping the
   * previous version. D1/R2 trouble is retried after retryDelayMs, and ends
   * the refresh too after maxFailures consecutive failed steps.
   */
  private async onStepError(err: unknown, limits: IngestLimits): Promise<void> {
    let job = this.job()!;
    if (err instanceof RefreshFailure) {
      job = this.saveJob({ ...job, failedWith: err.message });
    } else {
      const failures = job.failures + 1;
      const message = `falha interna ao atualizar a lista (${(err as Error).name}): ${redactForLog(String((err as Error).message ?? err)).slice(0, 300)}`;
      job = this.saveJob({ ...job, failures, failedWith: failures >= limits.maxFailures ? message : null });
      console.error(JSON.stringify({ level: "error", list: job.list, step: job.phase, failures, error: (err as Error).name }));
    }
    if (job.failedWith) {
      try {
        await this.fail(job, job.failedWith);
        return this.scheduleNext(limits);
      } catch {
        // D1 unavailable to record it: the next step records it (failedWith is kept).
      }
    }
    await this.ctx.storage.setAlarm(Date.now() + limits.retryDelayMs);
  }

  private async scheduleNext(limits: IngestLimits): Promise<void> {
    const job = this.job();
    const cleanup = this.meta<Cleanup>("cleanup");
    if (job) await this.ctx.storage.setAlarm(Date.now() + limits.stepGapMs);
    else if (cleanup) await this.ctx.storage.setAlarm(Math.max(cleanup.after, Date.now() + limits.stepGapMs));
    else await this.ctx.storage.deleteAlarm();
  }

  private async step(job: IngestJob, limits: IngestLimits): Promise<void> {
    if (job.failedWith) return this.fail(job, job.failedWith);
    if (!job.marked) {
      await markLoading(this.env.DB, job.list, job.loadingSince);
      job = this.saveJob({ ...job, marked: true });
    }
    if (job.phase === "download") await this.download(job, limits);
    else if (job.phase === "inspect") await this.inspect(job);
    else if (job.phase === "stage") await this.stage(job, limits);
    else await this.switch(job, limits);
  }

  // ---- download ------------------------------------------------------------

  private async download(job: IngestJob, limits: IngestLimits): Promise<void> {
    const transport = listsTransportOf(this.env);
    if (!job.files) {
      // A misconfigured guard fails the refresh before anything is downloaded.
      maxDropOf(this.env, job.list);
      const resolved = await resolveFiles(this.env, job.list, transport.fetch, limits.fetchTimeoutMs);
      job = this.saveJob({
        ...job,
        sourceUrl: resolved.sourceUrl,
        files: resolved.files.map((f) => ({ ...f, key: null, bytes: null, sha256: null, facts: null })),
      });
    }
    const prefix = `${this.stagingPrefix(job.list)}${job.loadingSince.replace(/[^0-9]/g, "")}/`;
    for (let i = 0; i < job.files!.length; i++) {
      const file = job.files![i];
      if (file.sha256) continue;
      const got = await this.downloadFile(file, `${prefix}${file.name}`, transport.fetch, limits);
      const files = job.files!.map((f, j) => (j === i ? { ...f, ...got } : f));
      job = this.saveJob({ ...job, files });
    }
    const files = job.files!.filter((f) => f.key !== null);
    // One file: its own sha256 (what `sha256sum` prints). Several (OFAC): the sha256 of their names and hashes.
    const sha256 = files.length === 1 ? files[0].sha256! : await sha256Hex(files.map((f) => `${f.name} ${f.sha256}\n`).join(""));
    const row = await getListState(this.env.DB, job.list);
    if (row?.current_sha256 === sha256) {
      // Same bytes → same version: nothing new to write.
      await endRefresh(this.env.DB, job.list, job.loadingSince, null, new Date().toISOString());
      this.finish(job, 0);
      return;
    }
    this.saveJob({ ...job, sha256, fetchedAt: new Date().toISOString(), phase: "inspect" });
  }

  /**
   * Streams one file into R2 while hashing it. Memory: one multipart part
   * (limits.partBytes) at most; files smaller than a part are one put.
   */
  private async downloadFile(
    file: ListFile,
    key: string,
    fetcher: typeof fetch,
    limits: IngestLimits,
  ): Promise<{ key: string | null; bytes: number; sha256: string }> {
    let res: Response;
    try {
      res = await fetchOrFail(fetcher, file.url, limits.fetchTimeoutMs);
    } catch (err) {
      // An optional file (OFAC comments: spill-over remarks) the source does not have.
      if (!file.required && err instanceof RefreshFailure && /^HTTP 404 /.test(err.message)) return { key: null, bytes: 0, sha256: "" };
      throw err;
    }
    const digest = new crypto.DigestStream("SHA-256");
    const hash = digest.getWriter();
    const bucket = this.env.REPORTS;
    let upload: R2MultipartUpload | null = null;
    const parts: R2UploadedPart[] = [];
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let total = 0;
    const take = (n: number): Uint8Array => {
      const out = new Uint8Array(n);
      let o = 0;
      while (o < n) {
        const head = pending[0];
        const k = Math.min(head.length, n - o);
        out.set(head.subarray(0, k), o);
        o += k;
        if (k === head.length) pending.shift();
        else pending[0] = head.subarray(k);
      }
      pendingBytes -= n;
      return out;
    };
    const r2 = async <T>(op: () => Promise<T>): Promise<T> => {
      try {
        return await op();
      } catch (err) {
        throw new TransientError(`R2: ${(err as Error).message ?? err}`);
      }
    };
    try {
      const reader = res.body?.getReader();
      for (;;) {
        if (!reader) break;
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (err) {
          throw new RefreshFailure(`falha de rede ao baixar ${file.url}: ${(err as Error).message ?? err}`.slice(0, 500));
        }
        if (chunk.done) break;
        const bytes = chunk.value;
        total += bytes.length;
        if (total > limits.maxFileBytes) {
          await reader.cancel().catch(() => undefined);
          throw new RefreshFailure(`arquivo maior que ${limits.maxFileBytes} bytes: ${file.url}`);
        }
        await hash.write(bytes);
        pending.push(bytes);
        pendingBytes += bytes.length;
        while (pendingBytes >= limits.partBytes) {
          const part = take(limits.partBytes);
          upload ??= await r2(() => bucket.createMultipartUpload(key));
          const u = upload;
          parts.push(await r2(() => u.uploadPart(parts.length + 1, part)));
        }
      }
      await hash.close();
      const rest = take(pendingBytes);
      pending = [];
      if (upload) {
        const u: R2MultipartUpload = upload;
        if (rest.length > 0) parts.push(await r2(() => u.uploadPart(parts.length + 1, rest)));
        await r2(() => u.complete(parts));
      } else {
        await r2(() => bucket.put(key, rest));
      }
      return { key, bytes: total, sha256: toHex(await digest.digest) };
    } catch (err) {
      const u: R2MultipartUpload | null = upload;
      if (u) await u.abort().catch(() => undefined);
      throw err;
    }
  }

  // ---- inspect ---------------------------------------------------------------

  /** Reads each stored file ahead of the parse (ingest.ts inspectFile), one checkpoint per file, then checks the publication date. */
  private async inspect(job: IngestJob): Promise<void> {
    for (let i = 0; i < job.files!.length; i++) {
      const file = job.files![i];
      if (!file.key || file.facts) continue;
      let facts: FileFacts;
      try {
        facts = await inspectFile(job.list, file.role, () => this.openStaged(file.key!));
      } catch (err) {
        if (err instanceof TransientError) throw err;
        throw readFailure(err);
      }
      job = this.saveJob({ ...job, files: job.files!.map((f, j) => (j === i ? { ...f, facts } : f)) });
    }
    const publishedAt = job.files!.find((f) => f.role === "primary")?.facts?.publishedAt ?? null;
    const serving = this.meta<Serving>("serving");
    if (publishedAt && serving?.publishedAt && Date.parse(publishedAt) < Date.parse(serving.publishedAt)) {
      const row = await getListState(this.env.DB, job.list);
      // Only against the version that serves (the object may remember one a deploy or a test replaced).
      if (row?.current_sha256 === serving.sha256) {
        throw new RefreshFailure(
          `o arquivo foi gerado em ${publishedAt}, antes da versão em uso (gerada em ${serving.publishedAt}): uma cópia desatualizada não volta a lista no tempo; a versão anterior continua valendo`,
        );
      }
    }
    this.saveJob({ ...job, publishedAt, phase: "stage" });
  }

  /** A stored file, streamed; R2 trouble (the get, or the body's read) is a TransientError. */
  private async openStaged(key: string): Promise<ByteSource> {
    let obj: R2ObjectBody | null;
    try {
      obj = await this.env.REPORTS.get(key);
    } catch (err) {
      throw new TransientError(`R2: ${(err as Error).message ?? err}`);
    }
    if (!obj) throw new TransientError(`arquivo baixado não encontrado no R2: ${key}`);
    return r2Bytes(obj.body, key);
  }

  // ---- stage -----------------------------------------------------------------

  private async stage(job: IngestJob, limits: IngestLimits): Promise<void> {
    const db = this.env.DB;
    const deadline = Date.now() + limits.stepBudgetMs;
    const sha256 = job.sha256!;
    if (!job.purged) {
      // Rows of this very version left by a refresh that died: gone before staging starts over.
      while ((await deleteVersionRows(db, job.list, sha256, limits.deleteRows)) > 0) {
        if (Date.now() > deadline) return;
      }
      job = this.saveJob({ ...job, purged: true });
    }
    const inflight = this.meta<string[]>("inflight");
    if (inflight) {
      // A batch reached D1 but its checkpoint did not: undo it, the parser will give it again.
      await db.batch(deleteEntitiesStatements(db, job.list, sha256, inflight));
      this.deleteMeta("inflight");
    }

    const open = async (role: string): Promise<ByteSource | undefined> => {
      const file = job.files!.find((f) => f.role === role);
      return file?.key ? this.openStaged(file.key) : undefined;
    };
    // Each CSV's encoding as the inspect phase found it over the whole file.
    const encodings: Partial<Record<string, TextEncoding>> = {};
    for (const f of job.files!) if (f.facts?.encoding) encodings[f.role] = f.facts.encoding;

    const entities = parseList(job.list, open, { asOf: job.asOf, encodings })[Symbol.asyncIterator]();
    let ordinal = 0;
    let staged = 0;
    let batch: StagedEntity[] = [];
    let batchIds = new Set<string>();
    let batchBytes = 0;
    let duplicates = 0;
    let exhausted = false;
    try {
      for (;;) {
        let next: IteratorResult<ListEntity>;
        try {
          next = await entities.next();
        } catch (err) {
          if (err instanceof TransientError) throw err;
          throw readFailure(err);
        }
        if (next.done) {
          exhausted = true;
          break;
        }
        ordinal++;
        if (ordinal <= job.consumed) continue;
        const entity = next.value;
        if (batchIds.has(entity.entity_id) || this.sql.exec("SELECT 1 FROM seen WHERE id = ?", entity.entity_id).toArray().length > 0) {
          // Listed twice under one id: the first one stays.
          duplicates++;
          continue;
        }
        const s = await stageEntity(entity, (names) => this.env.ENGINE.normalizeNames(names));
        batch.push(s);
        batchIds.add(entity.entity_id);
        batchBytes += stagedSize(s);
        staged++;
        if (batch.length >= limits.batchEntities || batchBytes >= limits.batchBytes) {
          job = await this.flush(job, batch, ordinal, duplicates);
          batch = [];
          batchIds = new Set();
          batchBytes = 0;
          duplicates = 0;
          if (staged >= limits.stepEntities || Date.now() >= deadline) break;
        }
      }
    } finally {
      // Stops the parser (and the R2 stream under it) when the step ends early.
      if (!exhausted) await entities.return?.(undefined).catch(() => undefined);
    }
    if (!exhausted) return;
    job = await this.flush(job, batch, ordinal, duplicates);
    await this.checkCounts(job);
    job = this.saveJob({ ...job, phase: "switch" });
    await this.switch(job, limits);
  }

  /**
   * The staged version against the serving one (CONTRACT §14): no entities,
   * fewer than half, or more of the serving version's entities dropped than
   * the list allows → refused. Dropped = serving ids the new version lacks
   * (serving_ids, kept by the switch); for a version this object did not
   * stage, the fall in the count.
   */
  private async checkCounts(job: IngestJob): Promise<void> {
    if (job.entities === 0) throw new RefreshFailure("o arquivo não trouxe nenhuma entidade; a versão anterior continua valendo");
    const row = await getListState(this.env.DB, job.list);
    const current = row?.current_sha256 ? (row.current_entities ?? 0) : 0;
    if (job.entities < current / 2) {
      throw new RefreshFailure(
        `atualização suspeita: ${job.entities} entidades, menos da metade das ${current} da versão atual; a versão anterior continua valendo`,
      );
    }
    if (current === 0) return;
    const maxDrop = maxDropOf(this.env, job.list);
    const byId = this.meta<Serving>("serving")?.sha256 === row!.current_sha256;
    const dropped = byId
      ? this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM serving_ids s WHERE NOT EXISTS (SELECT 1 FROM seen WHERE seen.id = s.id)").one().n
      : Math.max(0, current - job.entities);
    if (dropped > current * maxDrop) {
      throw new RefreshFailure(
        `atualização suspeita: a nova versão retira ${dropped} das ${current} entidades da versão atual (${share(dropped / current)}), ` +
          `mais que os ${share(maxDrop)} permitidos (LIST_MAX_DROP_${job.list.toUpperCase()}); a versão anterior continua valendo`,
      );
    }
  }

  /** Writes a batch, then records the checkpoint in one synchronous (atomic) block of the object's storage. */
  private async flush(job: IngestJob, batch: StagedEntity[], ordinal: number, duplicates: number): Promise<IngestJob> {
    if (batch.length > 0) {
      const db = this.env.DB;
      this.setMeta(
        "inflight",
        batch.map((s) => s.entity.entity_id),
      );
      try {
        await db.batch(insertEntitiesStatements(db, job.list, job.sha256!, batch));
      } catch (err) {
        throw new TransientError(`D1: ${(err as Error).message ?? err}`);
      }
    }
    let out = job;
    this.ctx.storage.transactionSync(() => {
      for (const s of batch) this.sql.exec("INSERT OR IGNORE INTO seen (id) VALUES (?)", s.entity.entity_id);
      out = this.saveJob({
        ...job,
        consumed: ordinal,
        entities: job.entities + batch.length,
        names: job.names + batch.reduce((n, s) => n + s.names.length, 0),
        duplicates: job.duplicates + duplicates,
        steps: job.steps + 1,
        failures: 0,
      });
      this.deleteMeta("inflight");
    });
    return out;
  }

  // ---- switch, failure, cleanup ------------------------------------------------

  private async switch(job: IngestJob, limits: IngestLimits): Promise<void> {
    const now = new Date().toISOString();
    // The version this one replaces, for monitoring's delta: the one serving now, or — on the retry of a
    // switch that landed before its isolate died — the one this object last switched to.
    const before = (await getListState(this.env.DB, job.list))?.current_sha256 ?? null;
    const previous = before !== job.sha256 ? before : (this.meta<Serving>("serving")?.sha256 ?? null);
    const switched = await switchVersion(
      this.env.DB,
      job.list,
      job.loadingSince,
      { sha256: job.sha256!, fetchedAt: job.fetchedAt!, entities: job.entities, names: job.names, sourceUrl: job.sourceUrl ?? "" },
      now,
    );
    // Not switched: this refresh no longer holds the list — unless this is the retry of a switch that landed before its isolate died.
    if (!switched && (await getListState(this.env.DB, job.list))?.current_sha256 !== job.sha256) {
      throw new RefreshFailure(
        "a troca de versão não foi aplicada: a lista não estava mais em atualização por este pedido (outro o substituiu ou o encerrou); a versão anterior continua valendo",
      );
    }
    if (job.duplicates > 0) console.log(JSON.stringify({ level: "info", list: job.list, duplicates: job.duplicates }));
    // Monitoring re-screens every active subject against the new version (contract §17); this only queues the work.
    // A failure here retries the step, which finds the switch landed and calls again (idempotent).
    await onListVersionCurrent(this.env, { list: job.list, sha256: job.sha256!, previous_sha256: previous });
    this.finish(job, limits.cleanupGraceMs, { sha256: job.sha256!, publishedAt: job.publishedAt ?? null });
  }

  /** Records the failure in D1 (previous version kept), then leaves the staged rows and files to the cleanup. */
  private async fail(job: IngestJob, message: string): Promise<void> {
    await endRefresh(this.env.DB, job.list, job.loadingSince, message, new Date().toISOString());
    console.log(JSON.stringify({ level: "warn", list: job.list, refresh_failed: redactForLog(message).slice(0, 300) }));
    this.finish(job, 0);
  }

  /**
   * The refresh is over: forget it, and have the rows of other versions and the
   * staged files deleted after `graceMs`. `served`: it switched — its ids
   * (`seen`) become the serving version's, for the next refresh's guards.
   */
  private finish(job: IngestJob, graceMs: number, served?: Serving): void {
    this.ctx.storage.transactionSync(() => {
      if (served) {
        this.sql.exec("DELETE FROM serving_ids");
        this.sql.exec("INSERT INTO serving_ids (id) SELECT id FROM seen");
        this.setMeta("serving", served);
      }
      this.deleteMeta("job");
      this.deleteMeta("inflight");
      this.sql.exec("DELETE FROM seen");
      const pending = this.meta<Cleanup>("cleanup");
      this.setMeta("cleanup", { list: job.list, after: Math.max(pending?.after ?? 0, Date.now() + graceMs) } satisfies Cleanup);
    });
  }

  private async cleanupStep(cleanup: Cleanup, limits: IngestLimits): Promise<void> {
    const db = this.env.DB;
    const deadline = Date.now() + limits.stepBudgetMs;
    const row = await getListState(db, cleanup.list);
    const keep = () => {
      // Never the version serving, nor one a refresh started meanwhile is staging.
      const job = this.job();
      return [row?.current_sha256, job?.sha256].filter((s): s is string => !!s);
    };
    for (;;) {
      const n = await deleteOtherVersions(db, cleanup.list, keep(), limits.deleteRows);
      if (n === 0) break;
      if (Date.now() > deadline) return;
    }
    const active = this.job();
    const activePrefix = active ? `${this.stagingPrefix(active.list)}${active.loadingSince.replace(/[^0-9]/g, "")}/` : null;
    const listed = await this.env.REPORTS.list({ prefix: this.stagingPrefix(cleanup.list), limit: 1000 });
    const stale = listed.objects.map((o) => o.key).filter((k) => !activePrefix || !k.startsWith(activePrefix));
    if (stale.length > 0) await this.env.REPORTS.delete(stale);
    if (listed.truncated) return;
    const latest = this.meta<Cleanup>("cleanup");
    if (latest && latest.after === cleanup.after) this.deleteMeta("cleanup");
  }

  // ---- storage -------------------------------------------------------------

  /** R2 prefix of a list's downloaded files (in the REPORTS bucket, beside reports/). */
  private stagingPrefix(list: ListId): string {
    return `lists/${list}/`;
  }

  private job(): IngestJob | undefined {
    return this.meta<IngestJob>("job");
  }

  private saveJob(job: IngestJob): IngestJob {
    this.setMeta("job", job);
    return job;
  }

  private meta<T>(k: string): T | undefined {
    const row = this.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = ?", k).toArray()[0];
    return row ? (JSON.parse(row.v) as T) : undefined;
  }

  private setMeta(k: string, v: unknown): void {
    this.sql.exec("INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", k, JSON.stringify(v));
  }

  private deleteMeta(k: string): void {
    this.sql.exec("DELETE FROM meta WHERE k = ?", k);
  }
}
