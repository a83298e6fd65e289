// Live source adapters against scripted providers (issue 4). Every fault case
// runs through executeSource, the same path the run Durable Object uses, with
// tiny timeouts so the whole file stays fast.
import { describe, expect, it } from "vitest";
import { jsonBytes, SOURCE_DATA_BUDGET_BYTES } from "../src/domain/result-limits";
import type { SourceKey, Subject, TemplateSource } from "../src/domain/types";
import { executeSource, realClock, type ExecutionClock, type ExecutionPolicy } from "../src/runs/executor";
import { SOURCE_CATALOG } from "../src/sources/catalog";
import { createLimiter, MAX_OUTBOUND_CONNECTIONS } from "../src/sources/limiter";
import { liveExecutionOverrides, parseBaseUrl, parseLiveConfig } from "../src/sources/live/config";
import { MAX_RAW_BYTES, MAX_RESPONSE_BYTES, parseRetryAfter } from "../src/sources/live/http";
import { createLiveAdapterResolver, NOT_CONFIGURED_REASON } from "../src/sources/live/index";
import {
  brokenBody,
  delayed,
  hang,
  hugeBody,
  jsonResponse,
  networkError,
  scriptedFetch,
  statusResponse,
  textResponse,
  type ScriptedFetch,
} from "./helpers/scripted-fetch";

const CPF = "52998224725";
const CNPJ = "11222333000181";
const PF: Subject = { type: "pf", document: CPF, name: "José da Silva" };
const PJ: Subject = { type: "pj", document: CNPJ };

const BASE = "https://provider.test/protestos";
const CHECK_URL = `${BASE}/v1/check`;
const GENERIC_ENV = { SOURCE_URL_PROTESTOS: BASE, SOURCE_TOKEN_PROTESTOS: "tok_protestos" };
const VALID_BODY = { status: "VALID", checks: { protestos_ativos: "VALID" }, data: { total: 0 } };

const entry = (source: SourceKey, timeout_ms = 60): TemplateSource => ({
  source,
  phase: "important",
  on_hit: "review",
  tier: SOURCE_CATALOG[source].tier,
  weight: 10,
  timeout_ms,
});

const policy = (over: Partial<ExecutionPolicy> = {}): ExecutionPolicy => ({
  maxAttempts: 2,
  retryBaseMs: 1,
  maxTimeoutMs: 1_000,
  deadlineAt: Date.now() + 1_000,
  ...over,
});

/** Real time, but sleeps are recorded and skipped: asserts the wait the executor chose. */
function recordingClock(): ExecutionClock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { now: () => Date.now(), random: () => 0.5, sleep: async (ms) => void sleeps.push(ms), sleeps };
}

async function run(
  f: ScriptedFetch,
  opts: { source?: SourceKey; subject?: Subject; env?: Record<string, unknown>; timeoutMs?: number; policy?: Partial<ExecutionPolicy>; clock?: ExecutionClock } = {},
) {
  const source = opts.source ?? "protestos";
  const resolver = createLiveAdapterResolver(opts.env ?? GENERIC_ENV, f.fetch);
  const pol = policy(opts.policy);
  const budget = pol.deadlineAt - Date.now();
  const t0 = Date.now();
  const result = await executeSource(entry(source, opts.timeoutMs), opts.subject ?? PF, resolver(SOURCE_CATALOG[source]), pol, { clock: opts.clock ?? realClock });
  const elapsed = Date.now() - t0;
  // The run-wide deadline bounds every case, plus scheduling slack wide enough for a
  // shared machine's timer delays and GC pauses.
  expect(elapsed).toBeLessThanOrEqual(budget + 250);
  expect(result.duration_ms).toBeLessThanOrEqual(budget + 250);
  if (result.reason) expect(result.reason).not.toContain(CPF);
  if (result.reason) expect(result.reason).not.toContain(CNPJ);
  return { result, elapsed };
}

// ── fault cases (generic protocol) ──────────────────────────────────────────

describe("fault tolerance through executeSource", () => {
  it("a provider hanging past the timeout ends in ERROR after every attempt, each aborted", async () => {
    const f = scriptedFetch().on(CHECK_URL, hang());
    const { result, elapsed } = await run(f, { timeoutMs: 40, policy: { maxAttempts: 2 } });
    expect(result).toMatchObject({ status: "ERROR", reason: "Tempo limite de 40 ms excedido.", attempts: 2, checks: {} });
    expect(f.calls).toHaveLength(2);
    expect(f.calls.every((c) => c.signal?.aborted)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(80);
  });

  it("a slow provider under the timeout answers", async () => {
    const f = scriptedFetch().on(CHECK_URL, delayed(20, jsonResponse(VALID_BODY)));
    const { result, elapsed } = await run(f, { timeoutMs: 200 });
    expect(result).toMatchObject({ status: "VALID", checks: { protestos_ativos: "VALID" }, data: { total: 0 }, attempts: 1 });
    expect(result.raw).toBe(JSON.stringify(VALID_BODY));
    expect(elapsed).toBeGreaterThanOrEqual(19);
  });

  it("the run deadline cuts retries of a hanging provider", async () => {
    const f = scriptedFetch().on(CHECK_URL, hang());
    const { result, elapsed } = await run(f, { timeoutMs: 40, policy: { maxAttempts: 10, deadlineAt: Date.now() + 100 } });
    expect(result.status).toBe("ERROR");
    expect(result.attempts).toBeGreaterThanOrEqual(2);
    expect(result.attempts).toBeLessThanOrEqual(3);
    expect(elapsed).toBeLessThan(400); // without the deadline, 10 attempts of 40 ms take at least 400 ms
  });

  for (const status of [500, 502, 503]) {
    it(`${status} without Retry-After is retried, then ERROR`, async () => {
      const f = scriptedFetch().on(CHECK_URL, statusResponse(status, {}, "upstream down"));
      const clock = recordingClock();
      const { result } = await run(f, { policy: { maxAttempts: 3 }, clock });
      expect(result).toMatchObject({ status: "ERROR", reason: `Provedor indisponível (HTTP ${status}).`, attempts: 3, raw: "upstream down" });
      expect(clock.sleeps).toEqual([1, 2]); // exponential backoff from retryBaseMs 1 (jitter fixed at 0.75 → rounded)
    });

    it(`${status} with Retry-After: the server's delay is honoured before the retry`, async () => {
      const f = scriptedFetch().on(CHECK_URL, statusResponse(status, { "retry-after": "2" }), jsonResponse(VALID_BODY));
      const clock = recordingClock();
      const { result } = await run(f, { policy: { maxAttempts: 3, deadlineAt: Date.now() + 5_000 }, clock });
      expect(result).toMatchObject({ status: "VALID", attempts: 2 });
      expect(clock.sleeps).toEqual([2_000]);
    });
  }

  it("a Retry-After longer than the run deadline stops retrying at once", async () => {
    const f = scriptedFetch().on(CHECK_URL, statusResponse(503, { "retry-after": "20" }), jsonResponse(VALID_BODY));
    const clock = recordingClock();
    const { result } = await run(f, { policy: { maxAttempts: 3, deadlineAt: Date.now() + 300 }, clock });
    expect(result).toMatchObject({ status: "ERROR", reason: "Provedor indisponível (HTTP 503).", attempts: 1 });
    expect(clock.sleeps).toEqual([]); // it never waited for the server's 20 s
  });

  it("Retry-After as an HTTP date is honoured (and capped at 30 s)", async () => {
    const soon = new Date(Date.now() + 3_000).toUTCString();
    const f = scriptedFetch().on(CHECK_URL, statusResponse(503, { "retry-after": soon }), statusResponse(503, { "retry-after": "3600" }), jsonResponse(VALID_BODY));
    const clock = recordingClock();
    const { result } = await run(f, { policy: { maxAttempts: 3, deadlineAt: Date.now() + 60_000 }, clock });
    expect(result).toMatchObject({ status: "VALID", attempts: 3 });
    expect(clock.sleeps[0]).toBeGreaterThan(1_000);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(3_000);
    expect(clock.sleeps[1]).toBe(30_000);
  });

  it("504 is a retryable provider timeout", async () => {
    const f = scriptedFetch().on(CHECK_URL, statusResponse(504));
    const { result } = await run(f, { policy: { maxAttempts: 2 } });
    expect(result).toMatchObject({ status: "ERROR", reason: "Tempo esgotado no provedor (HTTP 504).", attempts: 2 });
    expect(f.calls).toHaveLength(2);
  });

  it("429 without Retry-After backs off and retries", async () => {
    const f = scriptedFetch().on(CHECK_URL, statusResponse(429), jsonResponse(VALID_BODY));
    const clock = recordingClock();
    const { result } = await run(f, { policy: { maxAttempts: 2 }, clock });
    expect(result).toMatchObject({ status: "VALID", attempts: 2 });
    expect(clock.sleeps).toEqual([1]);
  });

  it("429 with Retry-After waits as told; exhausted attempts end in ERROR with the reason", async () => {
    const f = scriptedFetch().on(CHECK_URL, statusResponse(429, { "retry-after": "1" }));
    const clock = recordingClock();
    const { result } = await run(f, { policy: { maxAttempts: 2, deadlineAt: Date.now() + 5_000 }, clock });
    expect(result).toMatchObject({ status: "ERROR", reason: "Limite de requisições do provedor excedido (HTTP 429).", attempts: 2 });
    expect(clock.sleeps).toEqual([1_000]);
  });

  for (const status of [401, 403]) {
    it(`${status} is a refused credential: no retry`, async () => {
      const f = scriptedFetch().on(CHECK_URL, statusResponse(status, {}, '{"error":"bad token"}'));
      const { result } = await run(f, { policy: { maxAttempts: 3 } });
      expect(result).toMatchObject({ status: "ERROR", reason: `Credencial recusada pelo provedor (HTTP ${status}).`, attempts: 1, raw: '{"error":"bad token"}' });
      expect(f.calls).toHaveLength(1);
    });
  }

  it("malformed JSON is an ERROR, not retried, raw kept", async () => {
    const f = scriptedFetch().on(CHECK_URL, jsonResponse('{"status": "VALID", "checks": {'));
    const { result } = await run(f, { policy: { maxAttempts: 3 } });
    expect(result).toMatchObject({ status: "ERROR", reason: "JSON malformado na resposta do provedor (HTTP 200).", attempts: 1 });
    expect(result.raw).toBe('{"status": "VALID", "checks": {');
  });

  it("an empty body is an ERROR", async () => {
    const f = scriptedFetch().on(CHECK_URL, jsonResponse(""));
    const { result } = await run(f, { policy: { maxAttempts: 3 } });
    expect(result).toMatchObject({ status: "ERROR", reason: "Resposta vazia do provedor (HTTP 200).", attempts: 1 });
  });

  it("a body cut by a dropped connection is a retryable ERROR", async () => {
    const f = scriptedFetch().on(CHECK_URL, brokenBody('{"status":"VALID","chec'));
    const { result } = await run(f, { policy: { maxAttempts: 2 } });
    expect(result).toMatchObject({
      status: "ERROR",
      reason: "Resposta do provedor truncada: conexão interrompida após 23 bytes (HTTP 200).",
      attempts: 2,
      raw: '{"status":"VALID","chec',
    });
  });

  it("a body shorter than its Content-Length is truncated, then the retry succeeds", async () => {
    const short = '{"status":"VALID"';
    const f = scriptedFetch().on(
      CHECK_URL,
      () => new Response(new Blob([short]).stream(), { headers: { "content-type": "application/json", "content-length": "120" } }),
      jsonResponse(VALID_BODY),
    );
    const { result } = await run(f, { policy: { maxAttempts: 2 } });
    expect(result).toMatchObject({ status: "VALID", attempts: 2 });
  });

  it("a huge streamed body is cut at the cap without reading it all", async () => {
    const { step, stats } = hugeBody(4 * 1024 * 1024);
    const f = scriptedFetch().on(CHECK_URL, step);
    const { result } = await run(f, { policy: { maxAttempts: 3 } });
    expect(result).toMatchObject({
      status: "ERROR",
      reason: `Resposta do provedor excede o limite de ${MAX_RESPONSE_BYTES} bytes (HTTP 200).`,
      attempts: 1,
    });
    expect(stats.enqueued).toBeLessThan(MAX_RESPONSE_BYTES + 64 * 1024);
    expect(stats.cancelled).toBe(true);
    expect(result.raw).toHaveLength(MAX_RAW_BYTES); // the prefix is kept for /detail
  });

  it("a large but allowed answer is kept cut to the stored-result budgets, marked as cut", async () => {
    const big = { ...VALID_BODY, data: { total: 3, registros: "x".repeat(100 * 1024) } };
    const f = scriptedFetch().on(CHECK_URL, jsonResponse(big));
    const { result } = await run(f);
    expect(result.status).toBe("VALID");
    expect(result.data).toMatchObject({ total: 3, _truncated: true });
    expect((result.data as { registros: string }).registros).toBe(`${"x".repeat(1024)}…`);
    expect(jsonBytes(result.data)).toBeLessThanOrEqual(SOURCE_DATA_BUDGET_BYTES);
    expect(result.raw).toBe(JSON.stringify(big).slice(0, MAX_RAW_BYTES));
  });

  it("a huge declared Content-Length is refused before reading", async () => {
    const { step, stats } = hugeBody(1024 * 1024, 1024, { "content-length": String(10 * 1024 * 1024) });
    const f = scriptedFetch().on(CHECK_URL, step);
    const { result } = await run(f);
    expect(result.status).toBe("ERROR");
    expect(result.reason).toBe(`Resposta do provedor excede o limite de ${MAX_RESPONSE_BYTES} bytes (HTTP 200; declarados 10485760).`);
    // At most the chunk the stream pre-pulls on construction; then cancelled.
    expect(stats.enqueued).toBeLessThanOrEqual(1024);
    expect(stats.cancelled).toBe(true);
  });

  it("a redirect is not followed", async () => {
    const f = scriptedFetch()
      .on(CHECK_URL, statusResponse(302, { location: "https://evil.test/collect" }))
      .on("https://evil.test/*", jsonResponse(VALID_BODY));
    const { result } = await run(f, { policy: { maxAttempts: 3 } });
    expect(result).toMatchObject({
      status: "ERROR",
      reason: "O provedor respondeu com redirecionamento (HTTP 302); redirecionamento não seguido.",
      attempts: 1,
    });
    expect(f.calls).toHaveLength(1);
    expect(f.calls[0].redirect).toBe("manual");
    expect(f.callsTo("https://evil.test/*")).toHaveLength(0);
  });

  it("intermittent: fails twice, then succeeds with maxAttempts 3", async () => {
    const f = scriptedFetch().on(CHECK_URL, statusResponse(503), networkError(), jsonResponse(VALID_BODY));
    const { result } = await run(f, { policy: { maxAttempts: 3 } });
    expect(result).toMatchObject({ status: "VALID", attempts: 3, checks: { protestos_ativos: "VALID" } });
    expect(f.calls).toHaveLength(3);
  });

  it("a network failure is retryable", async () => {
    const f = scriptedFetch().on(CHECK_URL, networkError());
    const { result } = await run(f, { policy: { maxAttempts: 2 } });
    expect(result).toMatchObject({ status: "ERROR", reason: "Falha de rede ao contatar o provedor (sem resposta HTTP).", attempts: 2 });
  });

  it("a wrong content type is an ERROR even on 200", async () => {
    const f = scriptedFetch().on(CHECK_URL, textResponse("<html>login</html>", { headers: { "content-type": "text/html; charset=utf-8" } }));
    const { result } = await run(f, { policy: { maxAttempts: 3 } });
    expect(result).toMatchObject({
      status: "ERROR",
      reason: "Tipo de conteúdo inesperado na resposta do provedor (HTTP 200): esperado application/json, recebido text/html.",
      attempts: 1,
    });
  });

  it("an unexpected status is an ERROR, not retried", async () => {
    const f = scriptedFetch().on(CHECK_URL, statusResponse(418));
    const { result } = await run(f, { policy: { maxAttempts: 3 } });
    expect(result).toMatchObject({ status: "ERROR", reason: "Status HTTP inesperado do provedor (HTTP 418).", attempts: 1 });
  });

  it("a source with no configuration answers ERROR without any fetch", async () => {
    const f = scriptedFetch();
    const { result } = await run(f, { env: {}, policy: { maxAttempts: 3 } });
    expect(result).toMatchObject({ status: "ERROR", reason: NOT_CONFIGURED_REASON, attempts: 1 });
    expect(f.calls).toHaveLength(0);
  });
});

// ── generic protocol ────────────────────────────────────────────────────────

describe("generic provider protocol", () => {
  it("POSTs the subject to {SOURCE_URL}/v1/check with the bearer token", async () => {
    const f = scriptedFetch().on(CHECK_URL, jsonResponse(VALID_BODY));
    await run(f);
    expect(f.calls).toHaveLength(1);
    const call = f.calls[0];
    expect(call.method).toBe("POST");
    expect(call.url).toBe(CHECK_URL);
    expect(call.headers.authorization).toBe("Bearer tok_protestos");
    expect(call.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(call.body!)).toEqual({ source: "protestos", subject: { type: "pf", document: CPF, name: "José da Silva" } });
  });

  it("omits the name when the subject has none; PJ subjects go as pj", async () => {
    const f = scriptedFetch().on(CHECK_URL, jsonResponse(VALID_BODY));
    await run(f, { subject: PJ });
    expect(JSON.parse(f.calls[0].body!)).toEqual({ source: "protestos", subject: { type: "pj", document: CNPJ } });
  });

  it("INVALID and NO_DATA answers pass through", async () => {
    const f = scriptedFetch().on(
      CHECK_URL,
      jsonResponse({ status: "INVALID", checks: { protestos_ativos: "INVALID" }, data: { protestos: [{ valor: 100 }] } }),
    );
    const { result } = await run(f);
    expect(result).toMatchObject({ status: "INVALID", checks: { protestos_ativos: "INVALID" }, data: { protestos: [{ valor: 100 }] } });

    const g = scriptedFetch().on(CHECK_URL, jsonResponse({ status: "NO_DATA" }));
    const { result: r2 } = await run(g);
    expect(r2).toMatchObject({ status: "NO_DATA", checks: {} });
  });

  const broken: [string, unknown, string][] = [
    ["unknown check name", { status: "VALID", checks: { protestos_ativos: "VALID", mandados_ativos: "VALID" } }, 'verificação desconhecida para esta fonte: "mandados_ativos"'],
    ["VALID without checks", { status: "VALID", checks: {} }, "status VALID sem nenhuma verificação"],
    ["VALID with an INVALID check", { status: "VALID", checks: { protestos_ativos: "INVALID" } }, "status VALID com verificação INVALID"],
    ["INVALID without an INVALID check", { status: "INVALID", checks: { protestos_ativos: "VALID" } }, "status INVALID sem nenhuma verificação INVALID"],
    ["NO_DATA with checks", { status: "NO_DATA", checks: { protestos_ativos: "VALID" } }, "status NO_DATA não pode trazer verificações"],
    ["another source's answer", { source: "ofac_sdn", status: "VALID", checks: { protestos_ativos: "VALID" } }, 'fonte respondida "ofac_sdn" difere da consultada'],
    ["unknown status", { status: "OK", checks: {} }, "campos inválidos (status)"],
    ["bad check value", { status: "VALID", checks: { protestos_ativos: "YES" } }, "campos inválidos (checks.protestos_ativos)"],
    ["data not an object", { status: "VALID", checks: { protestos_ativos: "VALID" }, data: [1, 2] }, "campos inválidos (data)"],
    ["an array", [VALID_BODY], "campos inválidos ((raiz))"],
  ];
  for (const [name, body, why] of broken) {
    it(`rejects ${name}`, async () => {
      const f = scriptedFetch().on(CHECK_URL, jsonResponse(body));
      const { result } = await run(f, { policy: { maxAttempts: 3 } });
      expect(result).toMatchObject({ status: "ERROR", reason: `Resposta do provedor fora do protocolo: ${why}.`, attempts: 1 });
    });
  }

  it("a check named after the document never leaks it into the reason", async () => {
    const f = scriptedFetch().on(CHECK_URL, jsonResponse({ status: "VALID", checks: { [CPF]: "VALID" } }));
    const { result } = await run(f);
    expect(result.status).toBe("ERROR");
    expect(result.reason).toContain("***");
  });

  it("a source that does not apply to the subject type is refused without a fetch", async () => {
    const f = scriptedFetch().on("https://p.test/mandados/v1/check", jsonResponse(VALID_BODY));
    const { result } = await run(f, {
      source: "cnj_mandados_prisao",
      subject: PJ,
      env: { SOURCE_URL_CNJ_MANDADOS_PRISAO: "https://p.test/mandados", SOURCE_TOKEN_CNJ_MANDADOS_PRISAO: "t" },
    });
    expect(result).toMatchObject({ status: "ERROR", reason: "Fonte não se aplica a pessoa jurídica." });
    expect(f.calls).toHaveLength(0);
  });
});

// ── Serpro Consulta CPF ────────────────────────────────────────────────────

describe("receita_federal_cpf (Serpro Consulta CPF)", () => {
  const SERPRO_ENV = { SERPRO_CPF_URL: "https://serpro.test/consulta-cpf/v1/", SERPRO_CPF_TOKEN: "serpro-access-token" };
  const URL_CPF = `https://serpro.test/consulta-cpf/v1/consulta/cpf/${CPF}`;
  const body = (codigo: string, descricao: string, extra: Record<string, unknown> = {}) => ({
    ni: CPF,
    nome: "JOSE DA SILVA",
    situacao: { codigo, descricao },
    nascimento: "31121980",
    ...extra,
  });
  const serpro = (f: ScriptedFetch, subject: Subject = PF) =>
    run(f, { source: "receita_federal_cpf", env: SERPRO_ENV, subject, policy: { maxAttempts: 3 } });

  it("GETs /consulta/cpf/{cpf} with the bearer token; REGULAR is VALID", async () => {
    const f = scriptedFetch().on(URL_CPF, jsonResponse(body("0", "Regular")));
    const { result } = await serpro(f);
    expect(f.calls[0]).toMatchObject({ method: "GET", url: URL_CPF, body: null });
    expect(f.calls[0].headers.authorization).toBe("Bearer serpro-access-token");
    expect(f.calls[0].headers.accept).toBe("application/json");
    expect(result).toMatchObject({
      status: "VALID",
      attempts: 1,
      checks: { situacao_cadastral: "VALID", registro_obito: "VALID", nome_confere: "VALID" },
      data: {
        nome: "JOSE DA SILVA",
        data_nascimento: "1980-12-31",
        situacao_cadastral: "Regular",
        situacao_codigo: "0",
        obito: false,
        nome_confere: true,
      },
    });
  });

  const invalidCodes: [string, string][] = [
    ["2", "Suspensa"],
    ["4", "Pendente de Regularização"],
    ["5", "Cancelada por Multiplicidade"],
    ["8", "Nula"],
    ["9", "Cancelada de Ofício"],
  ];
  for (const [codigo, descricao] of invalidCodes) {
    it(`situacao ${codigo} (${descricao}) is INVALID on situacao_cadastral`, async () => {
      const f = scriptedFetch().on(URL_CPF, jsonResponse(body(codigo, descricao)));
      const { result } = await serpro(f);
      expect(result).toMatchObject({
        status: "INVALID",
        checks: { situacao_cadastral: "INVALID", registro_obito: "VALID", nome_confere: "VALID" },
        data: { situacao_cadastral: descricao, situacao_codigo: codigo, obito: false },
      });
    });
  }

  it("situacao 3 (Titular Falecido) fails situacao_cadastral and registro_obito", async () => {
    const f = scriptedFetch().on(URL_CPF, jsonResponse(body("3", "Titular Falecido", { obito: "2019" })));
    const { result } = await serpro(f);
    expect(result).toMatchObject({
      status: "INVALID",
      checks: { situacao_cadastral: "INVALID", registro_obito: "INVALID" },
      data: { situacao_codigo: "3", obito: true },
    });
  });

  it("a numeric codigo is accepted", async () => {
    const f = scriptedFetch().on(URL_CPF, jsonResponse(body("0", "Regular", { situacao: { codigo: 0, descricao: "Regular" } })));
    const { result } = await serpro(f);
    expect(result).toMatchObject({ status: "VALID", data: { situacao_codigo: "0" } });
  });

  it("nome_confere ignores accents and case; a different name is INVALID; no name → null and no check", async () => {
    const f = scriptedFetch().on(URL_CPF, jsonResponse(body("0", "Regular", { nome: "JOSÉ  DA SILVA" })));
    const same = await serpro(f, { ...PF, name: "jose da silva" });
    expect(same.result).toMatchObject({ status: "VALID", data: { nome_confere: true } });

    const other = await serpro(f, { ...PF, name: "Maria Souza" });
    expect(other.result).toMatchObject({ status: "INVALID", checks: { situacao_cadastral: "VALID", nome_confere: "INVALID" }, data: { nome_confere: false } });

    const none = await serpro(f, { type: "pf", document: CPF });
    expect(none.result.status).toBe("VALID");
    expect(none.result.checks).toEqual({ situacao_cadastral: "VALID", registro_obito: "VALID" });
    expect(none.result.data).toMatchObject({ nome_confere: null });
  });

  it("404 is INVALID: CPF not found", async () => {
    const f = scriptedFetch().on(URL_CPF, statusResponse(404, { "content-type": "application/json" }, '{"mensagem":"CPF não encontrado"}'));
    const { result } = await serpro(f);
    expect(result).toMatchObject({
      status: "INVALID",
      attempts: 1,
      checks: { situacao_cadastral: "INVALID" },
      data: { situacao_cadastral: "CPF não encontrado na base da Receita", nome: null, obito: false },
      raw: '{"mensagem":"CPF não encontrado"}',
    });
  });

  it("422 is NO_DATA: minor, data blocked", async () => {
    const f = scriptedFetch().on(URL_CPF, statusResponse(422));
    const { result } = await serpro(f);
    expect(result).toMatchObject({ status: "NO_DATA", attempts: 1, checks: {}, data: { motivo: "Titular menor de idade: dados bloqueados pela Receita" } });
  });

  const bad: [string, unknown, string][] = [
    ["an unknown situacao code", body("7", "Desconhecida"), "Código de situação cadastral desconhecido na Consulta CPF (7)."],
    ["another CPF", body("0", "Regular", { ni: "11144477735" }), "CPF retornado pela Consulta CPF difere do consultado."],
    ["an impossible birth date", body("0", "Regular", { nascimento: "31022000" }), "Data de nascimento inválida na resposta da Consulta CPF."],
    ["a missing situacao", { ni: CPF, nome: "X", nascimento: "01011990" }, "Resposta da Consulta CPF fora do formato esperado (situacao)."],
  ];
  for (const [name, payload, reason] of bad) {
    it(`ERROR on ${name}, document not in the reason`, async () => {
      const f = scriptedFetch().on(URL_CPF, jsonResponse(payload));
      const { result } = await serpro(f);
      expect(result).toMatchObject({ status: "ERROR", reason, attempts: 1 });
    });
  }

  it("Serpro faults use the shared HTTP rules (401 not retried, 503 retried)", async () => {
    const f = scriptedFetch().on(URL_CPF, statusResponse(401));
    expect((await serpro(f)).result).toMatchObject({ status: "ERROR", reason: "Credencial recusada pelo provedor (HTTP 401).", attempts: 1 });
    const g = scriptedFetch().on(URL_CPF, statusResponse(503), jsonResponse(body("0", "Regular")));
    expect((await serpro(g)).result).toMatchObject({ status: "VALID", attempts: 2 });
  });

  it("without Serpro vars receita_federal_cpf falls back to the generic protocol", async () => {
    const f = scriptedFetch().on(
      "https://vendor.test/cpf/v1/check",
      jsonResponse({ status: "VALID", checks: { situacao_cadastral: "VALID", registro_obito: "VALID" } }),
    );
    const { result } = await run(f, {
      source: "receita_federal_cpf",
      env: { SOURCE_URL_RECEITA_FEDERAL_CPF: "https://vendor.test/cpf", SOURCE_TOKEN_RECEITA_FEDERAL_CPF: "v" },
    });
    expect(result.status).toBe("VALID");
    expect(f.calls[0].method).toBe("POST");
  });
});

// ── Portal da Transparência ────────────────────────────────────────────────

describe("cgu_ceis, cgu_cnep, pep_coaf (Portal da Transparência)", () => {
  const T_ENV = { TRANSPARENCIA_API_URL: "https://api.portal.test", TRANSPARENCIA_API_KEY: "chave-123" };
  const ceisRecord = {
    id: 1,
    dataInicioSancao: "15/03/2024",
    dataFimSancao: "15/03/2027",
    numeroProcesso: "00190.100000/2024-11",
    tipoSancao: { descricaoResumida: "Impedimento/proibição de contratar", descricaoPortal: "Impedimento" },
    orgaoSancionador: { nome: "Ministério da Defesa", siglaUf: "DF", poder: "Executivo" },
    sancionado: { nome: "ACME LTDA", codigoFormatado: "11.222.333/0001-81" },
    fundamentacao: [{ codigo: "1", descricao: "Lei 14.133/2021" }],
  };
  const transp = (f: ScriptedFetch, source: SourceKey, subject: Subject = PF) =>
    run(f, { source, env: T_ENV, subject, policy: { maxAttempts: 3 } });

  it("CEIS: queries by document with chave-api-dados; [] is VALID", async () => {
    const url = `https://api.portal.test/api-de-dados/ceis?codigoSancionado=${CNPJ}&pagina=1`;
    const f = scriptedFetch().on(url, jsonResponse([]));
    const { result } = await transp(f, "cgu_ceis", PJ);
    expect(f.calls[0]).toMatchObject({ method: "GET", url });
    expect(f.calls[0].headers["chave-api-dados"]).toBe("chave-123");
    expect(f.calls[0].headers.accept).toBe("application/json");
    expect(f.calls[0].headers.authorization).toBeUndefined();
    expect(result).toMatchObject({ status: "VALID", checks: { sancao_ativa: "VALID" }, data: { sancoes: [] }, attempts: 1 });
  });

  it("CEIS: records are INVALID with the sanctions mapped", async () => {
    const f = scriptedFetch().on("https://api.portal.test/api-de-dados/ceis*", jsonResponse([ceisRecord, { tipoSancao: null }]));
    const { result } = await transp(f, "cgu_ceis", PJ);
    expect(result).toMatchObject({ status: "INVALID", checks: { sancao_ativa: "INVALID" } });
    expect(result.data).toEqual({
      sancoes: [
        { tipo: "Impedimento/proibição de contratar", orgao: "Ministério da Defesa", processo: "00190.100000/2024-11", inicio: "2024-03-15", fim: "2027-03-15" },
        { tipo: null, orgao: null, processo: null, inicio: null, fim: null },
      ],
    });
  });

  it("CNEP: same shape on /cnep", async () => {
    const url = `https://api.portal.test/api-de-dados/cnep?codigoSancionado=${CPF}&pagina=1`;
    const f = scriptedFetch().on(url, jsonResponse([{ ...ceisRecord, valorMulta: "1000,00" }]));
    const { result } = await transp(f, "cgu_cnep");
    expect(f.calls[0].url).toBe(url);
    expect(result).toMatchObject({ status: "INVALID", checks: { sancao_ativa: "INVALID" }, data: { sancoes: [{ orgao: "Ministério da Defesa" }] } });
  });

  it("PEP: queries /peps?cpf=; [] is VALID, a record is INVALID with cargo/orgao/dates", async () => {
    const url = `https://api.portal.test/api-de-dados/peps?cpf=${CPF}&pagina=1`;
    const f = scriptedFetch().on(url, jsonResponse([]));
    const { result } = await transp(f, "pep_coaf");
    expect(f.calls[0].url).toBe(url);
    expect(result).toMatchObject({ status: "VALID", checks: { pep_ativo: "VALID" } });

    const g = scriptedFetch().on(
      url,
      jsonResponse([
        {
          cpf: "***.982.247-**",
          nome: "JOSE DA SILVA",
          sigla_funcao: "DAS-6",
          descricao_funcao: "SECRETARIO EXECUTIVO",
          nivel_funcao: "6",
          cod_orgao: "26000",
          nome_orgao: "Ministério da Educação",
          dt_inicio_exercicio: "01/02/2021",
          dt_fim_exercicio: "31/12/2022",
          dt_fim_carencia: "31/12/2027",
        },
      ]),
    );
    const { result: pep } = await transp(g, "pep_coaf");
    expect(pep).toMatchObject({ status: "INVALID", checks: { pep_ativo: "INVALID" } });
    expect(pep.data).toEqual({
      cargo: "SECRETARIO EXECUTIVO",
      orgao: "Ministério da Educação",
      inicio_exercicio: "2021-02-01",
      fim_exercicio: "2022-12-31",
      fim_carencia: "2027-12-31",
      registros: 1,
    });
  });

  it("PEP does not apply to companies", async () => {
    const f = scriptedFetch();
    const { result } = await transp(f, "pep_coaf", PJ);
    expect(result).toMatchObject({ status: "ERROR", reason: "Fonte não se aplica a pessoa jurídica." });
    expect(f.calls).toHaveLength(0);
  });

  it("a non-array or a malformed record is an ERROR", async () => {
    const f = scriptedFetch().on("https://api.portal.test/*", jsonResponse({ erro: "x" }));
    expect((await transp(f, "cgu_ceis")).result).toMatchObject({
      status: "ERROR",
      reason: "Resposta do Portal da Transparência fora do formato esperado (esperada uma lista JSON).",
      attempts: 1,
    });
    const g = scriptedFetch().on("https://api.portal.test/*", jsonResponse([{ numeroProcesso: { x: 1 } }]));
    expect((await transp(g, "cgu_cnep")).result).toMatchObject({
      status: "ERROR",
      reason: "Resposta do Portal da Transparência fora do formato esperado (0.numeroProcesso).",
    });
  });

  it("a refused key is not retried; a portal 429 is", async () => {
    const f = scriptedFetch().on("https://api.portal.test/*", statusResponse(403));
    expect((await transp(f, "cgu_ceis")).result).toMatchObject({ status: "ERROR", reason: "Credencial recusada pelo provedor (HTTP 403).", attempts: 1 });
    const g = scriptedFetch().on("https://api.portal.test/*", statusResponse(429), jsonResponse([]));
    expect((await transp(g, "cgu_ceis")).result).toMatchObject({ status: "VALID", attempts: 2 });
  });

  it("without Transparência vars the three sources fall back to the generic protocol", async () => {
    const f = scriptedFetch().on("https://vendor.test/ceis/v1/check", jsonResponse({ status: "VALID", checks: { sancao_ativa: "VALID" } }));
    const { result } = await run(f, { source: "cgu_ceis", env: { SOURCE_URL_CGU_CEIS: "https://vendor.test/ceis", SOURCE_TOKEN_CGU_CEIS: "v" } });
    expect(result.status).toBe("VALID");
  });
});

// ── configuration ──────────────────────────────────────────────────────────

describe("live configuration (env only)", () => {
  it("accepts https anywhere and http only on loopback", () => {
    expect(parseBaseUrl("https://api.vendor.com/base/")).toEqual({ ok: true, url: "https://api.vendor.com/base" });
    expect(parseBaseUrl("http://127.0.0.1:8788/protestos")).toEqual({ ok: true, url: "http://127.0.0.1:8788/protestos" });
    expect(parseBaseUrl("http://localhost:1/x")).toMatchObject({ ok: true });
    expect(parseBaseUrl("http://[::1]:9/x")).toMatchObject({ ok: true });
    for (const bad of ["http://api.vendor.com", "http://10.0.0.1", "ftp://x.test", "https://u:p@x.test", "https://x.test/?a=1", "nonsense", "http://127.0.0.2"]) {
      expect(parseBaseUrl(bad).ok, bad).toBe(false);
    }
  });

  it("parses URL, token, timeout and retries; invalid entries are not configured and reported without values", () => {
    const cfg = parseLiveConfig({
      SOURCE_URL_PROTESTOS: "https://p.test/",
      SOURCE_TOKEN_PROTESTOS: "secret-1",
      SOURCE_TIMEOUT_MS_PROTESTOS: "2500",
      SOURCE_RETRIES_PROTESTOS: "1",
      SOURCE_URL_OFAC_SDN: "http://ofac.example.com",
      SOURCE_TOKEN_OFAC_SDN: "secret-2",
      SOURCE_URL_TSE_DOADORES: "https://tse.test",
      SOURCE_URL_ICIJ_OFFSHORE: "https://icij.test",
      SOURCE_TOKEN_ICIJ_OFFSHORE: "secret-3",
      SOURCE_TIMEOUT_MS_ICIJ_OFFSHORE: "soon",
      SOURCE_TOKEN_UK_SANCTIONS: "secret-4",
      SOURCE_URL_EU_SANCTIONS: { not: "a string" },
    });
    expect(Object.keys(cfg.sources)).toEqual(["protestos"]);
    expect(cfg.sources.protestos).toEqual({
      source: "protestos",
      protocol: "generic",
      baseUrl: "https://p.test",
      credential: "secret-1",
      timeoutMs: 2500,
      retries: 1,
    });
    expect(cfg.problems.map((p) => `${p.source}:${p.variable}`).sort()).toEqual([
      "icij_offshore:SOURCE_TIMEOUT_MS_ICIJ_OFFSHORE",
      "ofac_sdn:SOURCE_URL_OFAC_SDN",
      "tse_doadores:SOURCE_TOKEN_TSE_DOADORES",
      "uk_sanctions:SOURCE_URL_UK_SANCTIONS",
    ]);
    expect(JSON.stringify(cfg.problems)).not.toMatch(/secret-|ofac\.example/);
    expect(liveExecutionOverrides(cfg, "protestos", 4800, 2)).toEqual({ timeoutMs: 2500, maxAttempts: 2 });
    expect(liveExecutionOverrides(cfg, "ofac_sdn", 3000, 2)).toEqual({ timeoutMs: 3000, maxAttempts: 2 });
  });

  it("provider-specific vars win over generic ones; a half-configured provider is not configured", () => {
    const both = parseLiveConfig({
      SERPRO_CPF_URL: "https://serpro.test",
      SERPRO_CPF_TOKEN: "s",
      SOURCE_URL_RECEITA_FEDERAL_CPF: "https://vendor.test",
      SOURCE_TOKEN_RECEITA_FEDERAL_CPF: "v",
      TRANSPARENCIA_API_URL: "https://portal.test",
      TRANSPARENCIA_API_KEY: "k",
    });
    expect(both.sources.receita_federal_cpf).toMatchObject({ protocol: "serpro_cpf", baseUrl: "https://serpro.test", credential: "s" });
    for (const k of ["cgu_ceis", "cgu_cnep", "pep_coaf"] as const) {
      expect(both.sources[k]).toMatchObject({ protocol: "transparencia", baseUrl: "https://portal.test", credential: "k" });
    }
    const half = parseLiveConfig({ SERPRO_CPF_URL: "https://serpro.test", SOURCE_URL_RECEITA_FEDERAL_CPF: "https://vendor.test", SOURCE_TOKEN_RECEITA_FEDERAL_CPF: "v" });
    expect(half.sources.receita_federal_cpf).toBeUndefined();
    expect(half.problems).toEqual([{ source: "receita_federal_cpf", variable: "SERPRO_CPF_TOKEN", problem: "credencial ausente" }]);
  });

  it("parses Retry-After seconds and dates, clamped", () => {
    const now = Date.parse("2026-11-26T20:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3_000);
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter("99999", now)).toBe(30_000);
    expect(parseRetryAfter("Thu, 26 Nov 2026 20:00:05 GMT", now)).toBe(5_000);
    expect(parseRetryAfter("Thu, 26 Nov 2026 19:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("-1", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

// ── outbound connection limiter ────────────────────────────────────────────

describe("outbound limiter", () => {
  it("runs 10 tasks with never more than 6 in flight, starting them FIFO", async () => {
    expect(MAX_OUTBOUND_CONNECTIONS).toBe(6);
    const limiter = createLimiter(MAX_OUTBOUND_CONNECTIONS);
    let inFlight = 0;
    let peak = 0;
    const started: number[] = [];
    const gates: (() => void)[] = [];
    const tasks = Array.from({ length: 10 }, (_, i) =>
      limiter.run(async () => {
        started.push(i);
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise<void>((resolve) => gates.push(resolve));
        inFlight -= 1;
        return i;
      }),
    );
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(limiter.active).toBe(6);
    expect(limiter.pending).toBe(4);
    // Finish out of order: the waiters still start in arrival order.
    const release = async (k: number) => {
      gates[k]();
      for (let i = 0; i < 5; i++) await Promise.resolve();
    };
    await release(3);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    await release(0);
    await release(6);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    await release(1);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(limiter.pending).toBe(0);
    for (const k of [2, 4, 5, 7, 8, 9]) gates[k]();
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(6);
    expect(limiter.active).toBe(0);
  });

  it("a failing task frees its slot", async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await limiter.run(async () => 42)).toBe(42);
    expect(limiter.active).toBe(0);
  });

  it("a task queued while the limiter is full starts before one submitted as a slot frees", async () => {
    const limiter = createLimiter(1);
    const started: string[] = [];
    let finishA!: () => void;
    const a = limiter.run(async () => {
      started.push("a");
      await new Promise<void>((resolve) => (finishA = resolve));
    });
    const b = limiter.run(async () => void started.push("b"));
    for (let i = 0; i < 3; i++) await Promise.resolve();
    expect(started).toEqual(["a"]);
    finishA();
    const c = limiter.run(async () => void started.push("c"));
    await Promise.all([a, b, c]);
    expect(started).toEqual(["a", "b", "c"]);
  });

  it("a task that throws before returning a promise frees its slot too", async () => {
    const limiter = createLimiter(1);
    await expect(
      limiter.run(() => {
        throw new Error("sync boom");
      }),
    ).rejects.toThrow("sync boom");
    expect(await limiter.run(async () => 7)).toBe(7);
    expect(limiter.active).toBe(0);
  });

  it("caps a parallel phase of live sources at 6 concurrent fetches (waves)", async () => {
    let inFlight = 0;
    let peak = 0;
    const fetchFn = (async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
      return new Response(JSON.stringify({ status: "VALID", checks: { protestos_ativos: "VALID" } }), {
        headers: { "content-type": "application/json" },
      });
    }) as typeof fetch;
    const resolver = createLiveAdapterResolver(GENERIC_ENV, fetchFn);
    const limiter = createLimiter(MAX_OUTBOUND_CONNECTIONS);
    const pol = policy({ deadlineAt: Date.now() + 2_000 });
    const results = await Promise.all(
      Array.from({ length: 13 }, () => limiter.run(() => executeSource(entry("protestos", 500), PF, resolver(SOURCE_CATALOG.protestos), pol))),
    );
    expect(results.every((r) => r.status === "VALID")).toBe(true);
    expect(peak).toBe(6);
  });
});
