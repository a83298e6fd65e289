// Chooses how a run reaches its sources, by environment: sandbox keys get the
// simulated sources, live keys the real providers configured in the Worker's env.
import type { TemplateSource } from "../domain/types";
import { runtimeConfig } from "../env";
import type { AdapterResolver } from "./adapter";
import { createLiveAdapterResolverFromConfig, liveExecutionOverrides, parseLiveConfig } from "./live";
import { createSandboxAdapter } from "./sandbox";

export interface RunSourcing {
  adapter: AdapterResolver;
  /** Timeout and attempts of one source: the template's, unless the environment configures the provider. */
  settings(entry: TemplateSource, maxAttempts: number): { timeoutMs: number; maxAttempts: number };
}

/**
 * Outbound transport of live adapters. Production uses the global fetch; tests
 * replace it to script providers (the network is never reached in tests) and
 * may add provider configuration the test pool's env does not carry.
 */
export const liveTransport: { fetch: typeof fetch; extraConfig: Record<string, string> } = {
  fetch: (input, init) => fetch(input, init),
  extraConfig: {},
};

export function resolveSourcing(env: Env, livemode: boolean): RunSourcing {
  if (livemode) {
    const config = parseLiveConfig({ ...(env as unknown as Record<string, unknown>), ...liveTransport.extraConfig });
    return {
      adapter: createLiveAdapterResolverFromConfig(config, liveTransport.fetch),
      settings: (entry, maxAttempts) => liveExecutionOverrides(config, entry.source, entry.timeout_ms, maxAttempts),
    };
  }
  const sandbox = createSandboxAdapter({ latencyFactor: runtimeConfig(env).sandboxLatencyFactor });
  return { adapter: () => sandbox, settings: (entry, maxAttempts) => ({ timeoutMs: entry.timeout_ms, maxAttempts }) };
}
