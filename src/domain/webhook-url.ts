// Which webhook URLs the service will call (contract §11). Outbound calls go to
// the public Internet only: no loopback, private or link-local targets, no
// credentials, and https on 443 unless the key is a sandbox key.
// One exception, for local development only: with `loopback` (the
// LOCAL_WEBHOOK_LOOPBACK var, set in wrangler.toml's top-level [vars] and in no
// deployed environment), sandbox runs and test endpoints may deliver to a
// receiver on the developer's machine (http://127.0.0.1:PORT/…, http://localhost:PORT/…).

const LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"];

const INTERNAL_SUFFIXES = [".localhost", ".local", ".internal", ".intranet", ".lan", ".home", ".corp", ".localdomain", ".arpa"];

/** Returns null when the URL is acceptable, otherwise the pt-BR reason. */
export function webhookUrlProblem(raw: string, opts: { sandbox: boolean; loopback?: boolean }): string | null {
  if (raw.length > 2048) return "URL longa demais (máximo 2048 caracteres).";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "URL malformada.";
  }
  if (url.protocol !== "https:" && !(opts.sandbox && url.protocol === "http:")) {
    return opts.sandbox ? "Use https (ou http no ambiente de testes)." : "Use https.";
  }
  if (url.username || url.password) return "A URL não pode conter credenciais.";
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (opts.sandbox && opts.loopback && LOOPBACK_HOSTS.includes(host)) return null;
  if (host.startsWith("[") || /^[\d.]+$/.test(host) || /^0x[0-9a-f]+$/i.test(host) || host.includes(":")) {
    return "Use um nome de domínio, não um endereço IP.";
  }
  if (!host.includes(".") || host === "localhost" || INTERNAL_SUFFIXES.some((s) => host.endsWith(s))) {
    return "Endereços locais ou internos não são permitidos.";
  }
  const defaultPort = url.port === "" || (url.protocol === "https:" && url.port === "443");
  if (!opts.sandbox && !defaultPort) return "Use a porta 443.";
  return null;
}
