/**
 * A readable API reference rendered on the server from the OpenAPI document: one section per tag,
 * each operation with its parameters, request body and answer. Plain HTML and inline CSS, so it
 * works offline (a hosted viewer would load its JavaScript from a CDN).
 */

type Json = Record<string, unknown>;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

const asRecord = (value: unknown): Json => (typeof value === "object" && value !== null ? (value as Json) : {});

function schemaBlock(label: string, content: unknown): string {
  const entries = Object.entries(asRecord(content));
  if (entries.length === 0) return "";
  return entries
    .map(([type, media]) => {
      const schema = asRecord(media).schema;
      return `<details><summary>${escapeHtml(label)} <code>${escapeHtml(type)}</code></summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>`;
    })
    .join("");
}

function parameterTable(parameters: unknown): string {
  const rows = (Array.isArray(parameters) ? parameters : []).map(asRecord);
  if (rows.length === 0) return "";
  const body = rows
    .map((p) => {
      const schema = asRecord(p.schema);
      const type = typeof schema.type === "string" ? schema.type : "";
      const about = typeof p.description === "string" ? p.description : typeof schema.description === "string" ? schema.description : "";
      return `<tr><td><code>${escapeHtml(String(p.name))}</code></td><td>${escapeHtml(String(p.in))}</td><td>${p.required ? "required" : ""}</td><td>${escapeHtml(type)}</td><td>${escapeHtml(about)}</td></tr>`;
    })
    .join("");
  return `<table><thead><tr><th>name</th><th>in</th><th></th><th>type</th><th>description</th></tr></thead><tbody>${body}</tbody></table>`;
}

function operationHtml(method: string, path: string, op: Json): string {
  const responses = Object.entries(asRecord(op.responses))
    .filter(([status]) => status !== "default")
    .map(([status, r]) => schemaBlock(`${status} answer`, asRecord(r).content))
    .join("");
  return `<section class="op" id="${escapeHtml(String(op.operationId))}">
<h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(String(op.summary ?? ""))}</p>
${parameterTable(op.parameters)}
${schemaBlock("Request body", asRecord(op.requestBody).content)}
${responses}
</section>`;
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:24px;color:#1e293b}
h2{border-bottom:1px solid #cbd5e1;padding-bottom:4px;margin-top:40px;text-transform:capitalize}
.op{border:1px solid #e2e8f0;border-radius:6px;padding:8px 16px;margin:12px 0}.op h3{margin:4px 0;font-size:16px}
.method{display:inline-block;min-width:64px;text-align:center;border-radius:4px;color:#fff;font-size:12px;padding:2px 6px;background:#475569}
.get{background:#2563eb}.post{background:#16a34a}.put,.patch{background:#d97706}.delete{background:#dc2626}
table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{border-bottom:1px solid #e2e8f0;padding:2px 8px;text-align:left}
pre{background:#f8fafc;border:1px solid #e2e8f0;padding:8px;overflow:auto;font-size:12px;max-height:400px}summary{cursor:pointer}`;

export function apiReferenceHtml(document: Json, documentUrl: string): string {
  const info = asRecord(document.info);
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(asRecord(document.paths))) {
    for (const [method, op] of Object.entries(asRecord(item))) {
      const tag = String((asRecord(op).tags as unknown[] | undefined)?.[0] ?? "api");
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(method, path, asRecord(op))]);
    }
  }
  const sections = [...byTag].map(([tag, ops]) => `<h2 id="tag-${escapeHtml(tag)}">${escapeHtml(tag)}</h2>${ops.join("\n")}`).join("\n");
  const toc = [...byTag.keys()].map((tag) => `<a href="#tag-${escapeHtml(tag)}">${escapeHtml(tag)}</a>`).join(" · ");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(String(info.title ?? "API"))} reference</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(String(info.title ?? "API"))}</h1><p>${escapeHtml(String(info.description ?? ""))} Errors answer <code>{ "error": "…", "code": "…" }</code> with a 4xx/5xx status. Machine-readable: <a href="${escapeHtml(documentUrl)}">OpenAPI 3.1 document</a>.</p>
<nav>${toc}</nav>${sections}</body></html>`;
}
