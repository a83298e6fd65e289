// The request's D1 session (issue 11): /api/v1 reads go to a read replica near
// the caller instead of the primary in its one region, through the Sessions API.
// Read-your-writes across requests: every response carries the session's
// bookmark in X-Kycert-Bookmark, and a request that sends one back is served by
// a replica at least as new as that bookmark (D1 waits for it or uses the
// primary). A client that creates a run and then reads it sends the bookmark of
// the POST's answer; without one, a read may come from a replica a moment
// behind (lists; a run not found on the replica is read from the primary).
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import { ApiError } from "../errors";

export const BOOKMARK_HEADER = "X-Kycert-Bookmark";

// D1 bookmarks: four hex groups (8-8-8-32), e.g. 0000007b-0000b26e-00001538-0c3e87bb37b3db5cc52eedb93cd3b96b.
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/i;

export const d1Session = createMiddleware<AppEnv>(async (c, next) => {
  const asked = c.req.header(BOOKMARK_HEADER)?.trim() || undefined;
  if (asked !== undefined && !BOOKMARK.test(asked)) {
    throw new ApiError(
      "invalid_request",
      `${BOOKMARK_HEADER} inválido: envie de volta exatamente o valor recebido em uma resposta da API.`,
      BOOKMARK_HEADER,
    );
  }
  const session = c.env.DB.withSession(asked ?? "first-unconstrained");
  c.set("d1", session);
  await next();
  const bookmark = requestBookmark(c);
  if (bookmark) c.header(BOOKMARK_HEADER, bookmark);
});

/**
 * Where the request's session stands: its latest bookmark, or the client's own
 * when nothing was read through D1 yet (a cached terminal run keeps the client's
 * position). Null: no position, any replica will do. Work done elsewhere for this
 * request (a search in kycert-edge-engine) starts from it.
 */
export function requestBookmark(c: Context<AppEnv>): string | null {
  return c.get("d1")?.getBookmark() ?? (c.req.header(BOOKMARK_HEADER)?.trim() || null);
}

/**
 * What a route hands its services: the session to read through, ctx.waitUntil
 * for work after the response, and `follow`: a write made elsewhere for this
 * request (a Durable Object's) hands back its bookmark, and the request goes on
 * in a session opened at it, so what it reads next, and the bookmark its
 * response carries, include that write.
 */
export function sessionOptions(c: Context<AppEnv>) {
  return {
    d1: c.get("d1"),
    follow: (bookmark: string): D1DatabaseSession => {
      const session = c.env.DB.withSession(bookmark);
      c.set("d1", session);
      return session;
    },
    defer: (work: Promise<unknown>) => {
      work = work.catch(() => undefined);
      try {
        c.executionCtx.waitUntil(work);
      } catch {
        // No execution context (a direct app.fetch without one): the work runs unawaited.
      }
    },
  };
}
