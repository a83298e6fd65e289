// Writes the OpenAPI document the Worker serves to dist/openapi/openapi.json,
// built from the route declarations in Node (no server, no bindings: the
// document needs none). `npm run openapi` then lints it and type-checks the
// typed client example against it (see package.json).
import { mkdirSync, writeFileSync } from "node:fs";
import { buildOpenApiDocument } from "../src/http/openapi/document";

const out = new URL("../dist/openapi/", import.meta.url);
mkdirSync(out, { recursive: true });
const doc = buildOpenApiDocument({ serverUrl: "https://api.kycert.example" });
writeFileSync(new URL("openapi.json", out), JSON.stringify(doc, null, 2) + "\n");
console.log(`dist/openapi/openapi.json: ${Object.keys(doc.paths).length} paths, ${Object.keys(doc.components.schemas).length} schemas`);
