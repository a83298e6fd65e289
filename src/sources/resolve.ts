// Chooses how a run reaches its sources, by environment: sandbox keys get the
// simulated sources, live keys the real providers configured in the Worker's env.
import type { SourceKey, TemplateSource } from "../domain/types";
import { runtimeConfig } from "../env";
import type { AdapterResolver } from "./adapter";
import { createLiveAdapterResolverFromConfig, liveExecutionOverrides, parseLiveConfig } from "./live";
import { withListBackedSources } from "./lists";
import { withRegistrySource } from "./registry";
import { createSandboxAdapter } from "./sandbox";

export interface RunSourcing {
  adapter: AdapterResolver;
  /** Timeout and attempts of one source: the template's, unless the environment configures the provider. */
  settings(entry: TemplateSource, maxAttempts: number): { timeoutMs: number; maxAttempts: number };
}

/** Outbound transport of live adapters, plus provider configuration the env does not carry. */
export interface LiveTransport {
  fetch: typeof fetch;
  extraConfig: Record<string, string>;
}

/**
 * The live transport travels with the env the run object was built with: an
 * env carrying a LiveTransport under this symbol uses it, any other env the
 * global fetch. Configuration (wrangler.toml, secrets) can only set string
 * keys, so in a deployed Worker the transport is always the global fetch; only
 * code that builds the object itself can inject one — the test Worker
 * (test/worker.ts) does, to script providers without reaching the network.
 */
export const LIVE_TRANSPORT = Symbol("kycert.liveTransport");

const GLOBAL_TRANSPORT: LiveTransport = { fetch: (input, init) => fetch(input, init), extraConfig: {} };

export const liveTransportOf = (env: Env): LiveTransport =>
  (env as Env & { [LIVE_TRANSPORT]?: LiveTransport })[LIVE_TRANSPORT] ?? GLOBAL_TRANSPORT;

export function resolveSourcing(env: Env, livemode: boolean): RunSourcing {
  if (livemode) {
    const transport = liveTransportOf(env);
    const config = parseLiveConfig({ ...(env as unknown as Record<string, unknown>), ...transport.extraConfig });
    const live = createLiveAdapterResolverFromConfig(config, transport.fetch);
    const hasProvider = (key: SourceKey) => config.sources[key] !== undefined || config.problems.some((p) => p.source === key);
    return {
      // The screening lists answer their sources unless a provider is configured (contract §14);
      // a provider configured wrongly stays "not configured" (fail closed), not silently replaced.
      // So does the company registry for receita_federal_cnpj (contract §18).
      adapter: withRegistrySource(withListBackedSources(live, hasProvider, env), hasProvider, env),
      settings: (entry, maxAttempts) => liveExecutionOverrides(config, entry.source, entry.timeout_ms, maxAttempts),
    };
  }
  const sandbox = createSandboxAdapter({ latencyFactor: runtimeConfig(env).sandboxLatencyFactor });
  return { adapter: () => sandbox, settings: (entry, maxAttempts) => ({ timeoutMs: entry.timeout_ms, maxAttempts }) };
}
