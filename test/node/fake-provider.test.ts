// The fake provider (scripts/fake-provider.mjs) as a real process on
// loopback: CLI start-up on a random port, latency configuration, faults,
// stats, and the live generic adapter talking to it over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SOURCE_CATALOG } from "../../src/sources/catalog";
import { createLiveAdapterResolver } from "../../src/sources/live/index";
import { executeSource } from "../../src/runs/executor";
// @ts-expect-error plain .mjs script without type declarations
import { CATALOG } from "../../scripts/fake-provider.mjs";

// This file runs in Node, but the project's tsconfig carries only the Workers
// types (no @types/node): the few Node APIs used here are typed locally and
// loaded through a non-literal specifier so tsc does not try to resolve them.
interface Stream {
  on(event: "data", cb: (chunk: { toString(): string }) => void): void;
}
interface ChildProcess {
  stdout: Stream;
  stderr: Stream;
  exitCode: number | null;
  kill(signal: string): boolean;
  on(event: "exit", cb: (code: number | null) => void): void;
  once(event: "exit", cb: (code: number | null) => void): void;
}
const nodeProcess = (globalThis as unknown as { process: { execPath: string; env: Record<string, string | undefined> } }).process;
const childProcessModule = "node:child_process";
const { spawn } = (await import(childProcessModule)) as {
  spawn(cmd: string, args: string[], opts: { env: Record<string, string | undefined>; stdio: "pipe" }): ChildProcess;
};
const SCRIPT = decodeURIComponent(new URL("../../scripts/fake-provider.mjs", (import.meta as unknown as { url: string }).url).pathname);

let child: ChildProcess;
let base = "";

function startProvider(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(nodeProcess.execPath, [SCRIPT, "--port", "0"], { env: { ...nodeProcess.env, ...env }, stdio: "pipe" });
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`fake provider did not start: ${err}`)), 10_000);
    p.stdout.on("data", (d) => {
      out += d.toString();
      const m = /^FAKE_PROVIDER_URL=(http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child: p, url: m[1] });
      }
    });
    p.stderr.on("data", (d) => (err += d.toString()));
    p.on("exit", (code) => reject(new Error(`fake provider exited (${code}): ${err}`)));
  });
}

const check = (key: string, body: unknown = { source: key, subject: { type: "pf", document: "52998224725" } }, signal?: AbortSignal) =>
  fetch(`${base}/${key}/v1/check`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer t" },
    body: JSON.stringify(body),
    signal,
  });

beforeAll(async () => {
  ({ child, url: base } = await startProvider({
    FAKE_LATENCY_FACTOR: "0",
    FAKE_LATENCY_MS: JSON.stringify({ cgu_cnc: 150 }),
    FAKE_FAULTS: JSON.stringify({ ofac_sdn: "500", protestos: "timeout", un_sanctions: { fault: "429", retry_after: 2 }, eu_sanctions: "flaky" }),
  }));
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
});

describe("fake provider", () => {
  it("listens on loopback and prints its URL", () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(base).port)).toBeGreaterThan(0);
  });

  it("mirrors the catalogue's typical latencies and checks", () => {
    const fromCatalog = Object.fromEntries(
      Object.values(SOURCE_CATALOG).map((d) => [d.key, { latency: d.typicalLatencyMs, checks: [...d.checks] }]),
    );
    expect(CATALOG).toEqual(fromCatalog);
  });

  it("answers VALID on every check of the source, instantly with factor 0", async () => {
    await fetch(`${base}/_stats`); // the first request to a fresh process pays its warm-up (and /_stats counts no call)
    const t0 = Date.now();
    const r = await check("cgu_ceis");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await r.json()).toEqual({ status: "VALID", checks: { sancao_ativa: "VALID" }, data: { fake: true } });
    // Factor 0 skips the source's nominal 600 ms; half of it leaves room for a loaded machine.
    expect(Date.now() - t0).toBeLessThan(CATALOG.cgu_ceis.latency / 2);
  });

  it("applies a per-source latency", async () => {
    const t0 = Date.now();
    const r = await check("cgu_cnc");
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it("injects faults: 500, 429 with Retry-After, flaky, timeout", async () => {
    const r500 = await check("ofac_sdn");
    expect(r500.status).toBe(500);
    const r429 = await check("un_sanctions");
    expect(r429.status).toBe(429);
    expect(r429.headers.get("retry-after")).toBe("2");
    expect((await check("eu_sanctions")).status).toBe(503);
    expect((await check("eu_sanctions")).status).toBe(503);
    expect((await check("eu_sanctions")).status).toBe(200);
    await expect(check("protestos", undefined, AbortSignal.timeout(100))).rejects.toThrow();
  });

  it("rejects a body for another source", async () => {
    const r = await check("cgu_ceis", { source: "ofac_sdn", subject: { type: "pf", document: "1" } });
    expect(r.status).toBe(400);
  });

  it("counts calls per source at /_stats", async () => {
    const stats = (await (await fetch(`${base}/_stats`)).json()) as { calls: Record<string, number>; total: number };
    expect(stats.calls.ofac_sdn).toBe(1);
    expect(stats.calls.eu_sanctions).toBe(3);
    expect(stats.calls.protestos).toBe(1);
    expect(stats.calls.cgu_ceis).toBe(2);
    expect(stats.total).toBeGreaterThanOrEqual(9);
  });

  it("serves the live generic adapter end to end (VALID, and the 500 fault as ERROR)", async () => {
    const env = {
      SOURCE_URL_TSE_DOADORES: `${base}/tse_doadores`,
      SOURCE_TOKEN_TSE_DOADORES: "t",
      SOURCE_URL_OFAC_SDN: `${base}/ofac_sdn`,
      SOURCE_TOKEN_OFAC_SDN: "t",
    };
    const resolver = createLiveAdapterResolver(env, fetch);
    const policy = { maxAttempts: 2, retryBaseMs: 1, maxTimeoutMs: 2_000, deadlineAt: Date.now() + 3_000 };
    const subject = { type: "pf" as const, document: "52998224725", name: "Ana" };
    const entry = (source: "tse_doadores" | "ofac_sdn") => ({ source, phase: "additional" as const, on_hit: "info" as const, tier: 3 as const, weight: 1, timeout_ms: 1_000 });

    const ok = await executeSource(entry("tse_doadores"), subject, resolver(SOURCE_CATALOG.tse_doadores), policy);
    expect(ok).toMatchObject({ status: "VALID", checks: { doacoes: "VALID" }, attempts: 1 });

    const bad = await executeSource(entry("ofac_sdn"), subject, resolver(SOURCE_CATALOG.ofac_sdn), policy);
    expect(bad).toMatchObject({ status: "ERROR", reason: "Provedor indisponível (HTTP 500).", attempts: 2 });
  });

  it("every transport fault reaches the adapter as the documented ERROR (faults swapped at runtime)", async () => {
    const faults: Record<string, string> = {
      cgu_cnc: "malformed",
      sit_trabalho_escravo: "empty",
      trf_processos: "truncated",
      tse_doadores: "huge",
      icij_offshore: "redirect",
      cnj_seeu_processos: "html",
      cgu_ceis: "403",
      cgu_cnep: "invalid",
    };
    const set = await fetch(`${base}/_faults`, { method: "POST", body: JSON.stringify(faults) });
    expect(set.status).toBe(200);
    const env: Record<string, string> = {};
    for (const k of Object.keys(faults)) {
      env[`SOURCE_URL_${k.toUpperCase()}`] = `${base}/${k}`;
      env[`SOURCE_TOKEN_${k.toUpperCase()}`] = "t";
    }
    const resolver = createLiveAdapterResolver(env, fetch);
    const policy = { maxAttempts: 1, retryBaseMs: 1, maxTimeoutMs: 2_000, deadlineAt: Date.now() + 5_000 };
    // Named: icij_offshore screens names, and without one it is never queried.
    const subject = { type: "pf" as const, document: "52998224725", name: "Ana" };
    const outcome = async (key: keyof typeof SOURCE_CATALOG) => {
      const r = await executeSource(
        { source: key, phase: "important", on_hit: "review", tier: 2, weight: 1, timeout_ms: 2_000 },
        subject,
        resolver(SOURCE_CATALOG[key]),
        policy,
      );
      return r.status === "ERROR" ? r.reason : r.status;
    };
    expect(await outcome("cgu_cnc")).toBe("JSON malformado na resposta do provedor (HTTP 200).");
    expect(await outcome("sit_trabalho_escravo")).toBe("Resposta vazia do provedor (HTTP 200).");
    expect(await outcome("trf_processos")).toMatch(/^Resposta do provedor truncada: /);
    expect(await outcome("tse_doadores")).toBe("Resposta do provedor excede o limite de 262144 bytes (HTTP 200).");
    expect(await outcome("icij_offshore")).toBe("O provedor respondeu com redirecionamento (HTTP 302); redirecionamento não seguido.");
    expect(await outcome("cnj_seeu_processos")).toMatch(/^Tipo de conteúdo inesperado .*recebido text\/html\.$/);
    expect(await outcome("cgu_ceis")).toBe("Credencial recusada pelo provedor (HTTP 403).");
    expect(await outcome("cgu_cnep")).toBe("INVALID");
  });
});
