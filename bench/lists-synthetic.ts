// Writes the synthetic full-size list files (src/screening/parsers/synthetic.ts)
// into <out>/ once, laid out the way scripts/serve-lists.mjs serves them:
//   ofac-sdn/SDN.CSV ALT.CSV ADD.CSV SDN_COMMENTS.CSV   (20k entries / 30k aliases)
//   br/pep.zip                                          (CGU PEP, 70k rows)
//   eu/eu-fsf.xml                                       (EU FSF 1.1, 6,000 subjects, ~25 MiB)
// Used by bench/lists-ingest.mjs:  npx tsx bench/lists-synthetic.ts <out>
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { syntheticEuXml, syntheticOfac, syntheticPepZip } from "../src/screening/parsers/synthetic";
import type { ByteSource } from "../src/screening/types";

async function write(path: string, src: ByteSource): Promise<void> {
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  const out = createWriteStream(`${path}.part`);
  for await (const chunk of src) if (!out.write(chunk)) await new Promise((r) => out.once("drain", r));
  await new Promise<void>((r, f) => out.end((err?: Error | null) => (err ? f(err) : r())));
  const { renameSync } = await import("node:fs");
  renameSync(`${path}.part`, path);
}

const out = process.argv[2];
if (!out) throw new Error("usage: tsx bench/lists-synthetic.ts <out dir>");
const sdn = syntheticOfac();
await write(join(out, "ofac-sdn", "SDN.CSV"), sdn.primary);
await write(join(out, "ofac-sdn", "ALT.CSV"), sdn.alt);
await write(join(out, "ofac-sdn", "ADD.CSV"), sdn.add);
await write(join(out, "ofac-sdn", "SDN_COMMENTS.CSV"), sdn.comments);
await write(join(out, "br", "pep.zip"), syntheticPepZip());
await write(join(out, "eu", "eu-fsf.xml"), syntheticEuXml());
