import type { ModelSignature } from "@/lib/onnx/types";

/** A model's inputs and outputs: name, element type, shape (symbolic dims as names). */
export function ModelSignatureTable({ signature, caption = "Model signature" }: { signature: ModelSignature; caption?: string }) {
  const rows = [...signature.inputs.map((t) => ({ io: "input", ...t })), ...signature.outputs.map((t) => ({ io: "output", ...t }))];
  return (
    <table className="w-full text-xs">
      <caption className="text-left font-medium">{caption}</caption>
      <thead>
        <tr className="text-left text-slate-500">
          <th>Kind</th>
          <th>Name</th>
          <th>Type</th>
          <th>Shape</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.io}-${r.name}`}>
            <td>{r.io}</td>
            <td className="font-mono">{r.name}</td>
            <td>{r.type}</td>
            <td className="font-mono">[{r.shape.join(", ")}]</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
