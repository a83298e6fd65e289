#!/usr/bin/env node
// Fake data provider for live mode on a developer machine, the e2e test and
// the benchmark. Plain node:http, no dependencies, loopback only.
//
// It speaks the generic provider protocol (docs/live-sources.md) for every
// catalogue source, one base URL per source:
//
//   POST /<source_key>/v1/check   {"source": "<source_key>", "subject": {"type", "document", "name"?}}
//   → 200 {"status": "VALID", "checks": {<every check>: "VALID"}, "data": {"fake": true}}
//     (the Receita sources add the holder's name: nome / razao_social)
//
// so the Worker is pointed at it with, per source,
//   SOURCE_URL_<KEY>=http://127.0.0.1:<port>/<source_key>   SOURCE_TOKEN_<KEY>=<anything>
//
// Usage:
//   node scripts/fake-provider.mjs [--port <n>] [--config <file.json>]
//   prints `FAKE_PROVIDER_URL=http://127.0.0.1:<port>` on stdout once listening.
//
// Settings (flags > env > config file > defaults):
//   --port / FAKE_PROVIDER_PORT     port, 0 (default) = random free port
//   --config / FAKE_PROVIDER_CONFIG JSON file: {"latency_factor": 1, "latency_ms": {"protestos": 50},
//                                   "faults": {"ofac_sdn": "500"}, "token": "…"}
//   FAKE_LATENCY_FACTOR             multiplies the catalogue's typical latency (default 1; 0 = instant)
//   FAKE_LATENCY_MS                 JSON per-source latency in ms, overrides the factor: '{"protestos": 50}'
//   FAKE_FAULTS                     JSON per-source fault: '{"protestos": "timeout", "ofac_sdn": "500"}'
//   FAKE_TOKEN                      when set, requests must carry `Authorization: Bearer <token>` (else 401)
//
// Faults (a string, or {"fault": "<string>", "retry_after": <s>, "times": <n>}; with `times`
// only the first n calls of that source fault, later calls answer normally):
//   "timeout"     never answers (holds the connection until the client gives up)
//   "<status>"    that HTTP status with a small JSON error body (e.g. "500", "503", "429", "401")
//   "flaky"       503 on the first 2 calls, then normal answers (= {"fault": "503", "times": 2})
//   "malformed"   200 application/json with broken JSON
//   "empty"       200 application/json with an empty body
//   "truncated"   declares Content-Length, sends part of the body, drops the connection
//   "huge"        200 application/json body of 1 MiB
//   "redirect"    302 to another path on this server
//   "html"        200 text/html
//   "invalid"     200 INVALID on every check (a hit, not a fault of the transport)
//   "no_data"     200 NO_DATA
//
// Control endpoints:
//   GET  /_stats   {"calls": {"<source>": n, …}, "total": n}
//   POST /_reset   zeroes the counters
//   POST /_faults  replaces the faults with the JSON body (same shape as FAKE_FAULTS)
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";

/** Typical latency (ms) and checks per source: mirrors src/sources/catalog.ts (a test keeps them equal). */
export const CATALOG = {
  receita_federal_cpf: { latency: 800, checks: ["situacao_cadastral", "registro_obito", "nome_confere"] },
  receita_federal_cnpj: { latency: 900, checks: ["situacao_cadastral", "qsa"] },
  cnj_mandados_prisao: { latency: 1500, checks: ["mandados_ativos"] },
  ofac_sdn: { latency: 300, checks: ["sancoes_ofac"] },
  un_sanctions: { latency: 300, checks: ["sancoes_onu"] },
  eu_sanctions: { latency: 300, checks: ["sancoes_ue"] },
  uk_sanctions: { latency: 300, checks: ["sancoes_uk"] },
  pep_coaf: { latency: 500, checks: ["pep_ativo"] },
  cgu_ceis: { latency: 600, checks: ["sancao_ativa"] },
  cgu_cnep: { latency: 600, checks: ["sancao_ativa"] },
  cgu_cnc: { latency: 900, checks: ["condenacao_improbidade"] },
  sit_trabalho_escravo: { latency: 400, checks: ["empregador_listado"] },
  protestos: { latency: 1200, checks: ["protestos_ativos"] },
  cnj_seeu_processos: { latency: 1200, checks: ["execucoes_penais"] },
  trf_processos: { latency: 1500, checks: ["processos_criminais"] },
  tse_doadores: { latency: 500, checks: ["doacoes"] },
  icij_offshore: { latency: 500, checks: ["entidades_offshore"] },
};

const MAX_REQUEST_BYTES = 64 * 1024;

function parseJsonSetting(name, text) {
  if (text === undefined || text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${name} is not valid JSON`);
  }
}

function normaliseFault(spec) {
  if (spec === undefined || spec === null) return undefined;
  if (typeof spec === "string" || typeof spec === "number") spec = { fault: String(spec) };
  if (spec.fault === "flaky") spec = { times: 2, ...spec, fault: "503" };
  return { fault: String(spec.fault), retryAfter: spec.retry_after, times: spec.times };
}

/**
 * Starts the server. Options: {port, host, latencyFactor, latencyMs, faults, token}.
 * Resolves to {url, port, server, stats(), close()}.
 */
export async function startFakeProvider(options = {}) {
  const host = "127.0.0.1"; // loopback only, whatever the caller asks
  const latencyFactor = options.latencyFactor ?? 1;
  const latencyMs = { ...(options.latencyMs ?? {}) };
  let faults = { ...(options.faults ?? {}) };
  const token = options.token;
  const calls = Object.fromEntries(Object.keys(CATALOG).map((k) => [k, 0]));
  let baseUrl = "";

  const send = (res, status, body, headers = {}) => {
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  const readBody = (req) =>
    new Promise((resolve, reject) => {
      const chunks = [];
      let size = 0;
      req.on("data", (c) => {
        size += c.length;
        if (size > MAX_REQUEST_BYTES) {
          reject(new Error("too large"));
          req.destroy();
        } else chunks.push(c);
      });
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      req.on("error", reject);
    });

  // `res` (not `req`) closes when the client goes away: a request's own
  // "close" fires as soon as its body has been read.
  const wait = (ms, res) =>
    new Promise((resolve) => {
      if (ms <= 0) return resolve(true);
      const t = setTimeout(() => resolve(true), ms);
      res.once("close", () => {
        clearTimeout(t);
        resolve(false);
      });
    });

  function answer(key, subject, kind) {
    const checks = CATALOG[key].checks.filter((c) => c !== "nome_confere" || subject?.name);
    if (kind === "invalid") return { status: "INVALID", checks: Object.fromEntries(checks.map((c) => [c, "INVALID"])), data: { fake: true } };
    if (kind === "no_data") return { status: "NO_DATA", checks: {}, data: { fake: true } };
    // The identity sources return the holder's name, as Receita does: the
    // name-screened lists after them need it when the request gave none.
    const identity =
      key === "receita_federal_cpf"
        ? { nome: subject?.name ?? "MARIA FAKE DA SILVA" }
        : key === "receita_federal_cnpj"
          ? { razao_social: subject?.name ?? "EMPRESA FAKE LTDA" }
          : {};
    return { status: "VALID", checks: Object.fromEntries(checks.map((c) => [c, "VALID"])), data: { fake: true, ...identity } };
  }

  async function handleCheck(req, res, key) {
    calls[key] += 1;
    const callNo = calls[key];
    if (token && req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { error: "invalid token" });
    let body;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return send(res, 400, { error: "invalid JSON body" });
    }
    if (body?.source !== key || !body?.subject?.document) return send(res, 400, { error: "source/subject mismatch" });

    const fault = normaliseFault(faults[key]);
    const active = fault && (fault.times === undefined || callNo <= fault.times) ? fault : undefined;
    if (active?.fault === "timeout") return; // held open; closed by the client or on shutdown

    const latency = latencyMs[key] ?? Math.round(CATALOG[key].latency * latencyFactor);
    if (!(await wait(latency, res))) return; // client went away

    switch (active?.fault) {
      case undefined:
        return send(res, 200, answer(key, body.subject, "valid"));
      case "invalid":
      case "no_data":
        return send(res, 200, answer(key, body.subject, active.fault));
      case "malformed":
        return send(res, 200, '{"status": "VALID", "checks": {');
      case "empty":
        return send(res, 200, "");
      case "html":
        return send(res, 200, "<html><body>maintenance</body></html>", { "content-type": "text/html; charset=utf-8" });
      case "truncated": {
        res.writeHead(200, { "content-type": "application/json", "content-length": "200" });
        res.write('{"status":"VALID","checks":{');
        setTimeout(() => res.destroy(), 5);
        return;
      }
      case "huge": {
        res.writeHead(200, { "content-type": "application/json" });
        const chunk = " ".repeat(64 * 1024);
        for (let i = 0; i < 16; i++) res.write(chunk);
        return res.end(JSON.stringify(answer(key, body.subject, "valid")));
      }
      case "redirect":
        return send(res, 302, "", { location: `${baseUrl}/elsewhere/${key}` });
      default: {
        const status = Number(active.fault);
        if (!Number.isInteger(status) || status < 200 || status > 599) return send(res, 500, { error: `unknown fault ${active.fault}` });
        const headers = active.retryAfter !== undefined ? { "retry-after": String(active.retryAfter) } : {};
        return send(res, status, { error: `fake fault ${status}` }, headers);
      }
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const parts = url.pathname.split("/").filter(Boolean);
    if (req.method === "GET" && url.pathname === "/_stats") {
      return send(res, 200, { calls, total: Object.values(calls).reduce((a, b) => a + b, 0) });
    }
    if (req.method === "POST" && url.pathname === "/_reset") {
      for (const k of Object.keys(calls)) calls[k] = 0;
      return send(res, 200, { ok: true });
    }
    if (req.method === "POST" && url.pathname === "/_faults") {
      return readBody(req).then(
        (text) => {
          try {
            faults = { ...(JSON.parse(text || "{}") ?? {}) };
            send(res, 200, { faults });
          } catch {
            send(res, 400, { error: "invalid JSON body" });
          }
        },
        () => send(res, 413, { error: "body too large" }),
      );
    }
    if (req.method === "POST" && parts.length === 3 && parts[1] === "v1" && parts[2] === "check" && Object.hasOwn(CATALOG, parts[0])) {
      return handleCheck(req, res, parts[0]).catch(() => {
        if (!res.headersSent) send(res, 500, { error: "fake provider failure" });
        else res.destroy();
      });
    }
    return send(res, 404, { error: "not found" });
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const port = server.address().port;
  baseUrl = `http://${host}:${port}`;
  return {
    url: baseUrl,
    port,
    server,
    stats: () => ({ ...calls }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // hanging "timeout" requests included
      }),
  };
}

function argValue(argv, name) {
  const i = argv.indexOf(name);
  if (i >= 0 && i + 1 < argv.length) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith(`${name}=`));
  return eq ? eq.slice(name.length + 1) : undefined;
}

async function main() {
  const argv = process.argv.slice(2);
  const configPath = argValue(argv, "--config") ?? process.env.FAKE_PROVIDER_CONFIG;
  const file = configPath ? JSON.parse(readFileSync(configPath, "utf8")) : {};
  const portText = argValue(argv, "--port") ?? process.env.FAKE_PROVIDER_PORT ?? String(file.port ?? 0);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port ${portText}`);
  const factorText = process.env.FAKE_LATENCY_FACTOR;
  const latencyFactor = factorText !== undefined && factorText !== "" ? Number(factorText) : (file.latency_factor ?? 1);
  if (!Number.isFinite(latencyFactor) || latencyFactor < 0) throw new Error("FAKE_LATENCY_FACTOR must be a number ≥ 0");

  const provider = await startFakeProvider({
    port,
    latencyFactor,
    latencyMs: { ...(file.latency_ms ?? {}), ...(parseJsonSetting("FAKE_LATENCY_MS", process.env.FAKE_LATENCY_MS) ?? {}) },
    faults: { ...(file.faults ?? {}), ...(parseJsonSetting("FAKE_FAULTS", process.env.FAKE_FAULTS) ?? {}) },
    token: process.env.FAKE_TOKEN || file.token,
  });
  process.stdout.write(`FAKE_PROVIDER_URL=${provider.url}\n`);
  const stop = () => provider.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    process.stderr.write(`fake-provider: ${err.message}\n`);
    process.exit(1);
  });
}
