import { Cell, Row, Table } from "@/components/ui/table";
import type { ModelSignature } from "@/lib/onnx/types";

/** A model's inputs and outputs: name, element type, shape (symbolic dims as names). */
export function ModelSignatureTable({ signature, caption = "Model signature" }: { signature: ModelSignature; caption?: string }) {
  const rows = [...signature.inputs.map((t) => ({ io: "input", ...t })), ...signature.outputs.map((t) => ({ io: "output", ...t }))];
  return (
    <Table columns={["Kind", "Name", "Type", "Shape"]} caption={caption} size="xs">
      {rows.map((r) => (
        <Row key={`${r.io}-${r.name}`}>
          <Cell>{r.io}</Cell>
          <Cell mono>{r.name}</Cell>
          <Cell>{r.type}</Cell>
          <Cell mono>[{r.shape.join(", ")}]</Cell>
        </Row>
      ))}
    </Table>
  );
}
