import { defineConfig } from "drizzle-kit";

// drizzle-kit's output folder is wrangler's migrations_dir: the SQL it writes is
// what `wrangler d1 migrations apply` and the tests replay.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema/index.ts",
  out: "./migrations",
});
