// Live source configuration, read from the Worker env only. No URL or
// credential ever comes from a tenant or a request: a tenant can choose
// templates, never where the Worker sends a subject's document.
//
// Per catalogue key K (upper case, e.g. CNJ_MANDADOS_PRISAO):
//   SOURCE_URL_<K>          base URL of a generic-protocol provider (https; http only on loopback)
//   SOURCE_TOKEN_<K>        bearer credential for it (required)
//   SOURCE_TIMEOUT_MS_<K>   optional per-attempt timeout override (1..120000)
//   SOURCE_RETRIES_<K>      optional retries after the first attempt (0..5)
// Provider-specific shapes, preferred when either of their variables is set:
//   SERPRO_CPF_URL / SERPRO_CPF_TOKEN            → receita_federal_cpf
//   TRANSPARENCIA_API_URL / TRANSPARENCIA_API_KEY → cgu_ceis, cgu_cnep, pep_coaf
// Anything invalid makes the source "not configured" (fail closed) and is
// listed in `problems`, which never contains secret values.
import type { SourceKey } from "../../domain/types";
import { SOURCE_KEYS } from "../catalog";

export type LiveProtocol = "generic" | "serpro_cpf" | "transparencia";

export interface LiveSourceConfig {
  source: SourceKey;
  protocol: LiveProtocol;
  /** Normalised base URL without a trailing slash. */
  baseUrl: string;
  /** Bearer token (generic, Serpro) or `chave-api-dados` (Transparência). */
  credential: string;
  /** Per-attempt timeout override (ms), when configured. */
  timeoutMs?: number;
  /** Retries after the first attempt, when configured (maxAttempts = retries + 1). */
  retries?: number;
}

export interface LiveConfigProblem {
  source: SourceKey;
  /** Name of the offending variable (never its value). */
  variable: string;
  problem: string;
}

export interface LiveConfig {
  sources: Partial<Record<SourceKey, LiveSourceConfig>>;
  problems: LiveConfigProblem[];
}

export const NOT_CONFIGURED_REASON = "Fonte não configurada neste ambiente.";

export const MAX_CONFIG_TIMEOUT_MS = 120_000;
export const MAX_CONFIG_RETRIES = 5;

const SERPRO_SOURCES: readonly SourceKey[] = ["receita_federal_cpf"];
const TRANSPARENCIA_SOURCES: readonly SourceKey[] = ["cgu_ceis", "cgu_cnep", "pep_coaf"];

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Only non-empty strings count: bindings (objects) and blanks are "absent". */
function str(env: Record<string, unknown>, name: string): string | undefined {
  const v = env[name];
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  return t === "" ? undefined : t;
}

/**
 * Validates a provider base URL: https anywhere, http only on a loopback host
 * (the local fake provider). No embedded credentials, query or fragment (the
 * adapters append paths and queries themselves).
 */
export function parseBaseUrl(value: string): { ok: true; url: string } | { ok: false; problem: string } {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return { ok: false, problem: "URL inválida" };
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return { ok: false, problem: "esquema deve ser https" };
  if (u.protocol === "http:" && !LOOPBACK_HOSTS.has(u.hostname.toLowerCase())) {
    return { ok: false, problem: "http só é aceito em loopback (127.0.0.1, localhost, [::1])" };
  }
  if (u.username || u.password) return { ok: false, problem: "URL não pode conter credenciais" };
  if (u.search || u.hash || value.includes("?") || value.includes("#")) {
    return { ok: false, problem: "URL não pode conter query nem fragmento" };
  }
  const path = u.pathname.replace(/\/+$/, "");
  return { ok: true, url: `${u.protocol}//${u.host}${path}` };
}

function parseIntIn(value: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
}

export function parseLiveConfig(env: Record<string, unknown>): LiveConfig {
  const sources: LiveConfig["sources"] = {};
  const problems: LiveConfigProblem[] = [];

  const serpro = { url: str(env, "SERPRO_CPF_URL"), token: str(env, "SERPRO_CPF_TOKEN") };
  const transp = { url: str(env, "TRANSPARENCIA_API_URL"), key: str(env, "TRANSPARENCIA_API_KEY") };

  for (const key of SOURCE_KEYS) {
    const K = key.toUpperCase();
    const fail = (variable: string, problem: string) => {
      problems.push({ source: key, variable, problem });
      return undefined;
    };

    // Which shape: the provider-specific one when any of its vars is set (a
    // half-configured Serpro must not silently fall back to another provider).
    let protocol: LiveProtocol = "generic";
    let urlVar = `SOURCE_URL_${K}`;
    let credVar = `SOURCE_TOKEN_${K}`;
    if (SERPRO_SOURCES.includes(key) && (serpro.url || serpro.token)) {
      protocol = "serpro_cpf";
      urlVar = "SERPRO_CPF_URL";
      credVar = "SERPRO_CPF_TOKEN";
    } else if (TRANSPARENCIA_SOURCES.includes(key) && (transp.url || transp.key)) {
      protocol = "transparencia";
      urlVar = "TRANSPARENCIA_API_URL";
      credVar = "TRANSPARENCIA_API_KEY";
    }

    const rawUrl = str(env, urlVar);
    const credential = str(env, credVar);
    if (!rawUrl) {
      // Nothing configured for this source at all is normal (not a problem);
      // a credential without a URL is a misconfiguration worth reporting.
      if (credential) fail(urlVar, "credencial definida sem URL");
      continue;
    }
    const url = parseBaseUrl(rawUrl);
    if (!url.ok) {
      fail(urlVar, url.problem);
      continue;
    }
    if (!credential) {
      fail(credVar, "credencial ausente");
      continue;
    }

    const cfg: LiveSourceConfig = { source: key, protocol, baseUrl: url.url, credential };
    const rawTimeout = str(env, `SOURCE_TIMEOUT_MS_${K}`);
    if (rawTimeout !== undefined) {
      const t = parseIntIn(rawTimeout, 1, MAX_CONFIG_TIMEOUT_MS);
      if (t === undefined) {
        fail(`SOURCE_TIMEOUT_MS_${K}`, `deve ser um inteiro entre 1 e ${MAX_CONFIG_TIMEOUT_MS}`);
        continue;
      }
      cfg.timeoutMs = t;
    }
    const rawRetries = str(env, `SOURCE_RETRIES_${K}`);
    if (rawRetries !== undefined) {
      const r = parseIntIn(rawRetries, 0, MAX_CONFIG_RETRIES);
      if (r === undefined) {
        fail(`SOURCE_RETRIES_${K}`, `deve ser um inteiro entre 0 e ${MAX_CONFIG_RETRIES}`);
        continue;
      }
      cfg.retries = r;
    }
    sources[key] = cfg;
  }
  return { sources, problems };
}

/** The configuration of one source, or undefined when it is not configured. */
export function liveSourceConfig(config: LiveConfig, key: SourceKey): LiveSourceConfig | undefined {
  return config.sources[key];
}

/**
 * Per-source execution overrides for the caller of `executeSource` (the run
 * Durable Object builds the TemplateSource/ExecutionPolicy it passes with
 * these). The issue makes timeout and retries per-source *environment*
 * settings, so when set they replace the template's `timeout_ms` and the
 * policy's `maxAttempts`; the policy's `maxTimeoutMs` and run deadline still
 * bound everything.
 */
export function liveExecutionOverrides(
  config: LiveConfig,
  key: SourceKey,
  templateTimeoutMs: number,
  maxAttempts: number,
): { timeoutMs: number; maxAttempts: number } {
  const cfg = config.sources[key];
  return {
    timeoutMs: cfg?.timeoutMs ?? templateTimeoutMs,
    maxAttempts: cfg?.retries !== undefined ? cfg.retries + 1 : maxAttempts,
  };
}
