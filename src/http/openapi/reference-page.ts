// The human-readable API reference: the OpenAPI document rendered on the
// server into one self-contained HTML page (inline CSS, no script, no fonts or
// assets from anywhere). Everything shown comes from the document, so the page
// cannot disagree with it.
import type { Json } from "./generate";

const esc = (s: unknown) =>
  String(s ?? "").replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

/** The markdown the document's descriptions use: `code`, **bold**, paragraphs, lists, tables, ## headings. */
function inline(s: string): string {
  return esc(s)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
}

function markdown(text: string | undefined): string {
  if (!text) return "";
  const out: string[] = [];
  const blocks = text.split(/\n{2,}/);
  for (const block of blocks) {
    const lines = block.split("\n");
    if (lines[0].startsWith("## ")) {
      out.push(`<h3>${inline(lines[0].slice(3))}</h3>`);
      if (lines.length > 1) out.push(markdown(lines.slice(1).join("\n")));
    } else if (lines.every((l) => l.startsWith("|"))) {
      const cells = (l: string) =>
        l
          .replace(/^\||\|$/g, "")
          .split(/(?<!\\)\|/)
          .map((c) => c.trim().replace(/\\\|/g, "|"));
      const [head, , ...rows] = lines;
      out.push(
        `<table><thead><tr>${cells(head).map((c) => `<th>${inline(c)}</th>`).join("")}</tr></thead><tbody>${rows
          .map((r) => `<tr>${cells(r).map((c) => `<td>${inline(c)}</td>`).join("")}</tr>`)
          .join("")}</tbody></table>`,
      );
    } else if (lines.every((l) => l.startsWith("- "))) {
      out.push(`<ul>${lines.map((l) => `<li>${inline(l.slice(2))}</li>`).join("")}</ul>`);
    } else out.push(`<p>${inline(block)}</p>`);
  }
  return out.join("\n");
}

const refName = (ref: string) => ref.split("/").pop()!;
const schemaLink = (ref: string) => `<a href="#schema-${esc(refName(ref))}">${esc(refName(ref))}</a>`;

function typeLabel(s: Json | undefined): string {
  if (!s || typeof s !== "object") return "any";
  if (s.$ref) return schemaLink(s.$ref);
  if (s.const !== undefined) return `<code>${esc(JSON.stringify(s.const))}</code>`;
  if (s.enum) return s.enum.map((v: unknown) => `<code>${esc(JSON.stringify(v))}</code>`).join(" | ");
  for (const k of ["anyOf", "oneOf"]) if (s[k]) return s[k].map((x: Json) => typeLabel(x)).join(" | ");
  if (s.allOf) return s.allOf.map((x: Json) => typeLabel(x)).join(" &amp; ");
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  const label = types.map((t) => {
    if (t === "array") return `array of ${typeLabel(s.items)}`;
    if (t === "object" && !s.properties && s.additionalProperties && typeof s.additionalProperties === "object") {
      return `map of ${typeLabel(s.additionalProperties)}`;
    }
    if (t === "string" && s.format) return `string (${esc(s.format)})`;
    return esc(t);
  });
  return label.join(" | ") || "any";
}

function constraints(s: Json): string {
  const parts: string[] = [];
  if (s.minLength !== undefined || s.maxLength !== undefined) parts.push(`length ${s.minLength ?? 0}–${s.maxLength ?? "∞"}`);
  if (s.minimum !== undefined || s.maximum !== undefined) parts.push(`${s.minimum ?? "−∞"} ≤ x ≤ ${s.maximum ?? "∞"}`);
  if (s.minItems !== undefined || s.maxItems !== undefined) parts.push(`${s.minItems ?? 0}–${s.maxItems ?? "∞"} items`);
  if (s.pattern && !s.format) parts.push(`pattern <code>${esc(s.pattern)}</code>`);
  if (s.default !== undefined) parts.push(`default <code>${esc(JSON.stringify(s.default))}</code>`);
  return parts.join("; ");
}

/** Rows for an object's fields, nested objects (and arrays of objects) flattened with a dotted prefix. */
function fieldRows(s: Json | undefined, prefix = "", depth = 0): string[] {
  if (!s || typeof s !== "object" || depth > 4) return [];
  const target = s.type === "array" && s.items && !s.items.$ref ? s.items : s;
  if (!target.properties) return [];
  const required: string[] = target.required ?? [];
  const rows: string[] = [];
  for (const [name, prop] of Object.entries<Json>(target.properties)) {
    const path = `${prefix}${name}`;
    const c = constraints(prop);
    rows.push(
      `<tr><td><code>${esc(path)}</code>${required.includes(name) ? ' <span class="req">required</span>' : ""}</td><td>${typeLabel(prop)}</td><td>${markdown(prop.description)}${c ? `<div class="muted">${c}</div>` : ""}</td></tr>`,
    );
    const nested = prop.type === "array" ? prop.items : prop;
    if (nested && !nested.$ref && nested.properties) rows.push(...fieldRows(nested, `${path}${prop.type === "array" ? "[]" : ""}.`, depth + 1));
  }
  return rows;
}

function fieldsTable(s: Json | undefined): string {
  if (s?.$ref) return `<p>${schemaLink(s.$ref)}</p>`;
  const rows = fieldRows(s);
  if (rows.length === 0) return `<p>${typeLabel(s)}</p>`;
  return `<table class="fields"><thead><tr><th>field</th><th>type</th><th>description</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function parametersTable(params: Json[], doc: Json): string {
  const resolved = params.map((p) => (p.$ref ? doc.components.parameters[refName(p.$ref)] : p));
  if (resolved.length === 0) return "";
  return `<h4>Parameters</h4><table class="fields"><thead><tr><th>name</th><th>in</th><th>type</th><th>description</th></tr></thead><tbody>${resolved
    .map((p) => {
      const c = p.schema ? constraints(p.schema) : "";
      return `<tr><td><code>${esc(p.name)}</code>${p.required ? ' <span class="req">required</span>' : ""}</td><td>${esc(p.in)}</td><td>${typeLabel(p.schema)}</td><td>${markdown(p.description)}${c ? `<div class="muted">${c}</div>` : ""}</td></tr>`;
    })
    .join("")}</tbody></table>`;
}

function securityLine(op: Json): string {
  const sec: Json[] = op.security ?? [];
  if (sec.length === 0) return `<p class="auth">Public: no credentials.</p>`;
  if (sec.some((s) => "AdminToken" in s)) return `<p class="auth">Admin token: <code>Authorization: Bearer &lt;ADMIN_TOKEN&gt;</code></p>`;
  const scope = op["x-required-scope"];
  return `<p class="auth">API key (<code>X-API-Key</code> or <code>Authorization: Bearer</code>)${scope ? `, scope <code>${esc(scope)}</code>` : ""}</p>`;
}

/** A JSON example, folded (the document's examples are whole objects). */
const exampleBlock = (example: unknown): string =>
  example === undefined ? "" : `<details><summary>Example</summary><pre>${esc(JSON.stringify(example, null, 2))}</pre></details>`;

function responsesBlock(op: Json): string {
  const out: string[] = ["<h4>Responses</h4>"];
  for (const [status, r] of Object.entries<Json>(op.responses)) {
    const headers = Object.keys(r.headers ?? {});
    const codes: string[] | undefined = r["x-error-codes"];
    out.push(`<div class="resp"><div class="status s${esc(status[0])}">${esc(status)}</div><div class="resp-body">`);
    if (codes) {
      out.push(
        `<table class="errors"><thead><tr><th>error code</th><th>meaning</th></tr></thead><tbody>${codes
          .map((c, i) => `<tr><td><code>${esc(c)}</code></td><td>${inline(r.description.split("\n\n")[i]?.replace(/^`[^`]+`: /, "") ?? "")}</td></tr>`)
          .join("")}</tbody></table><p class="muted">Body: the ${schemaLink("#/components/schemas/Error")} envelope.</p>`,
      );
    } else {
      out.push(markdown(r.description));
      for (const [type, media] of Object.entries<Json>(r.content ?? {})) {
        out.push(type === "application/json" ? fieldsTable(media.schema) + exampleBlock(media.example) : `<p class="muted">${esc(type)}</p>`);
      }
    }
    if (headers.length) out.push(`<p class="muted">Headers: ${headers.map((h) => `<code>${esc(h)}</code>`).join(", ")}</p>`);
    out.push("</div></div>");
  }
  return out.join("\n");
}

function operationSection(method: string, path: string, op: Json, doc: Json): string {
  const body = op.requestBody?.content?.["application/json"];
  return `<section class="op" id="op-${esc(op.operationId)}">
<h3><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> <code class="path">${esc(path)}</code></h3>
<p class="summary">${inline(op.summary ?? "")}</p>
${markdown(op.description)}
${securityLine(op)}
${parametersTable(op.parameters ?? [], doc)}
${body ? `<h4>Request body</h4>${fieldsTable(body.schema)}${body.example ? `<pre>${esc(JSON.stringify(body.example, null, 2))}</pre>` : ""}` : ""}
${responsesBlock(op)}
</section>`;
}

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#fff}
nav{position:fixed;top:0;left:0;bottom:0;width:290px;overflow:auto;padding:20px 16px;background:#f5f6f8;border-right:1px solid #e2e5ea;font-size:13.5px}
nav h2{font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:#6b7280;margin:18px 0 6px}nav a{display:block;color:#1d2330;text-decoration:none;padding:2px 0}
nav a:hover{color:#0b5cff}main{margin-left:290px;padding:28px 44px;max-width:1180px}
h1{margin:0 0 4px;font-size:26px}h2.tag{margin-top:48px;border-bottom:2px solid #1d2330;padding-bottom:4px}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f1f3f5;padding:1px 4px;border-radius:3px}
pre{background:#0f172a;color:#e2e8f0;padding:12px 14px;border-radius:6px;overflow:auto;font:13px ui-monospace,Menlo,Consolas,monospace}
table{border-collapse:collapse;width:100%;margin:8px 0 14px;font-size:13.5px}th,td{border:1px solid #e2e5ea;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f8f9fb;font-weight:600}td p{margin:0}
.op{border-top:1px solid #e2e5ea;padding:18px 0 8px}.op h3{margin:0 0 4px;font-size:17px}.path{font-size:15px;background:none}
.method{display:inline-block;min-width:62px;text-align:center;color:#fff;border-radius:4px;padding:1px 6px;font-size:12.5px;font-weight:700;margin-right:6px}
.get{background:#1f7a4d}.post{background:#0b5cff}.patch{background:#b45309}.delete{background:#b91c1c}
.summary{font-weight:600;margin:4px 0}.auth{color:#374151;font-size:13.5px}.req{color:#b91c1c;font-size:11px;font-weight:600}
.muted{color:#6b7280;font-size:12.5px}.resp{display:flex;gap:12px;margin:8px 0}.resp-body{flex:1;min-width:0}
.status{font-weight:700;min-width:44px;font-family:ui-monospace,Menlo,monospace}.s2{color:#1f7a4d}.s3{color:#6d28d9}.s4{color:#b45309}.s5{color:#b91c1c}
.schema{border-top:1px solid #e2e5ea;padding:12px 0}.schema h3{margin:0;font-size:16px}
`;

/** The whole page. */
export function renderReferencePage(doc: Json): string {
  const byTag = new Map<string, { method: string; path: string; op: Json }[]>();
  for (const [path, item] of Object.entries<Json>(doc.paths)) {
    for (const [method, op] of Object.entries<Json>(item)) {
      const tag = op.tags?.[0] ?? "Other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, op }]);
    }
  }
  const tags: Json[] = doc.tags ?? [];
  const nav = tags
    .filter((t) => byTag.has(t.name))
    .map(
      (t) =>
        `<h2>${esc(t.name)}</h2>${byTag
          .get(t.name)!
          .map(({ method, op }) => `<a href="#op-${esc(op.operationId)}"><span class="muted">${esc(method.toUpperCase())}</span> ${esc(op.summary)}</a>`)
          .join("")}`,
    )
    .join("");
  const sections = tags
    .filter((t) => byTag.has(t.name))
    .map(
      (t) =>
        `<h2 class="tag" id="tag-${esc(t.name)}">${esc(t.name)}</h2>${markdown(t.description)}${byTag
          .get(t.name)!
          .map(({ method, path, op }) => operationSection(method, path, op, doc))
          .join("\n")}`,
    )
    .join("\n");
  const webhooks = Object.entries<Json>(doc.webhooks ?? {})
    .map(([name, item]) => {
      const op = item.post;
      return `<section class="op" id="webhook-${esc(name)}"><h3><span class="method post">POST</span> <code class="path">${esc(name)}</code></h3>
<p class="summary">${inline(op.summary)}</p>${markdown(op.description)}${parametersTable(op.parameters ?? [], doc)}
<h4>Body</h4>${fieldsTable(op.requestBody.content["application/json"].schema)}${exampleBlock(op.requestBody.content["application/json"].example)}</section>`;
    })
    .join("\n");
  const schemas = Object.entries<Json>(doc.components.schemas)
    .map(([name, s]) => `<section class="schema" id="schema-${esc(name)}"><h3>${esc(name)}</h3>${markdown(s.description)}${fieldsTable(s)}</section>`)
    .join("\n");

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(doc.info.title)} — API reference</title><style>${CSS}</style></head>
<body><nav><strong>${esc(doc.info.title)}</strong><div class="muted">version ${esc(doc.info.version)} · <a href="/api/v1/openapi.json" style="display:inline">openapi.json</a></div>
<h2>Guide</h2><a href="#intro">Introduction</a>${nav}<h2>Webhooks</h2>${Object.keys(doc.webhooks ?? {})
    .map((n) => `<a href="#webhook-${esc(n)}">${esc(n)}</a>`)
    .join("")}<h2>Schemas</h2><a href="#schemas">All schemas</a></nav>
<main><h1>${esc(doc.info.title)}</h1><p class="muted">OpenAPI ${esc(doc.openapi)} · API version ${esc(doc.info.version)} · generated from the same zod schemas the API validates with.</p>
<section id="intro">${markdown(doc.info.description)}</section>
${sections}
<h2 class="tag" id="webhooks">Webhooks</h2>${webhooks}
<h2 class="tag" id="schemas">Schemas</h2>${schemas}
</main></body></html>`;
}
