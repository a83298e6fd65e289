// Prints the SQL of the global templates seed migration from
// src/domain/standard-templates.ts (the test "seeded templates" checks that
// D1 holds exactly those snapshots). Run: npx tsx scripts/seed-templates-sql.ts
import { STANDARD_TEMPLATES } from "../src/domain/standard-templates";

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
const at = "2026-11-01T00:00:00.000Z";
for (const t of STANDARD_TEMPLATES) {
  console.log(
    `INSERT INTO templates (id, version, tenant_id, name, subject_type, status, snapshot, created_at, published_at) VALUES (${q(t.id)}, ${t.version}, NULL, ${q(t.name)}, ${q(t.subject_type)}, 'published', ${q(JSON.stringify(t))}, ${q(at)}, ${q(at)});`,
  );
  console.log("--> statement-breakpoint");
}
