import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Db = ReturnType<typeof createDb>;

/**
 * A D1 database or a Sessions API session (replica reads, src/http/middleware/d1-session.ts):
 * drizzle's D1 driver only calls `prepare` and `batch`, which a session has too.
 */
export const createDb = (d1: D1Database | D1DatabaseSession) => drizzle(d1 as D1Database, { schema });
