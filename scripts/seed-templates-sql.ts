// Prints the SQL of the global templates seed migration from
// src/domain/standard-templates.ts (the test "seeded templates" checks that
// D1 holds exactly those snapshots). Run: npx tsx scripts/seed-templates-sql.ts
// [template ids…] — a new published version of a standard template is a new
// migration holding that template only (0009: tpl_pf_padrao v2).
import { STANDARD_TEMPLATES } from "../src/domain/standard-templates";

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
const at = "2026-11-01T00:00:00.000Z";
const only = process.argv.slice(2);
for (const t of STANDARD_TEMPLATES.filter((t) => only.length === 0 || only.includes(t.id))) {
  console.log(
    `INSERT INTO templates (id, version, tenant_id, name, subject_type, status, snapshot, created_at, published_at) VALUES (${q(t.id)}, ${t.version}, NULL, ${q(t.name)}, ${q(t.subject_type)}, 'published', ${q(JSON.stringify(t))}, ${q(at)}, ${q(at)});`,
  );
  console.log("--> statement-breakpoint");
}
