import { Cell, Row, Table } from "@/components/ui/table";
import type { DatasetPreviewJson } from "@/lib/contracts/designer-api";

/** What a dataset's paths match before it is created: file count, first files, first rows of a table. */
export function DatasetPreview({ preview }: { preview: DatasetPreviewJson }) {
  return (
    <div aria-label="Dataset preview" role="region" className="space-y-2 text-sm">
      <p>{matchedText(preview)}</p>
      <ul className="font-mono text-xs">
        {preview.files.map((f) => (
          <li key={f.path}>
            {f.path} ({f.size.toLocaleString()} bytes)
          </li>
        ))}
      </ul>
      {preview.note ? <p className="rounded border border-amber-200 bg-amber-50 p-2 break-words">{preview.note}</p> : null}
      {preview.columns ? (
        <Table columns={preview.columns} caption="First rows" size="xs">
          {preview.rows?.map((r, i) => (
            // Rows have no identity of their own; their order is the file's.
            <Row key={i}>
              {r.map((v, j) => (
                <Cell key={j}>{v}</Cell>
              ))}
            </Row>
          ))}
        </Table>
      ) : null}
    </div>
  );
}

function matchedText({ matched, more }: DatasetPreviewJson): string {
  if (matched === 0) return "No files match these paths.";
  return `${more ? "More than " : ""}${matched.toLocaleString()} file${matched === 1 ? "" : "s"} match.`;
}
