// A known path called with a method it does not serve answers 405
// method_not_allowed with `Allow`, not 404 route_not_found: the client has the
// path right and only the method wrong. Hono routes by method and path
// together, so a request that matched no route reaches app.notFound either
// way; this tells the two cases apart from the app's own route table.

/** What Hono's `app.routes` lists: one entry per (method, path pattern); middleware is `ALL`. */
export interface RouteEntry {
  method: string;
  path: string;
}

const escapeRegex = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

/** `/runs/:id` → /^\/runs\/[^/]+$/ (a `*` segment matches the rest of the path). */
function pathPattern(path: string): RegExp {
  const source = path
    .split("/")
    .map((segment) => (segment === "*" ? ".*" : segment.startsWith(":") ? "[^/]+" : escapeRegex(segment)))
    .join("/");
  return new RegExp(`^${source}$`);
}

/**
 * A lookup from a request path to the methods the app serves on it (upper
 * case, in a stable order); [] for a path no route has. Built once, from the
 * routes as registered: middleware (`ALL`) is not a method a client can use.
 */
export function methodsByPath(routes: readonly RouteEntry[]): (path: string) => string[] {
  const patterns = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  for (const r of routes) {
    const method = r.method.toUpperCase();
    if (method === "ALL") continue;
    const entry = patterns.get(r.path) ?? { pattern: pathPattern(r.path), methods: new Set<string>() };
    entry.methods.add(method);
    patterns.set(r.path, entry);
  }
  const order = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
  return (path) => {
    const methods = new Set<string>();
    for (const { pattern, methods: m } of patterns.values()) if (pattern.test(path)) for (const x of m) methods.add(x);
    return [...methods].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  };
}
