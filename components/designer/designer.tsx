"use client";

import { ReactFlowProvider } from "@xyflow/react";
import { useLayoutEffect, useRef, useState } from "react";
import { errorText } from "@/lib/contracts/api/client";
import { usePipelineDraft } from "@/components/pipelines/queries";
import { Editor } from "./editor";

/**
 * The designer page: loads the draft, then edits it; "Reload" after a conflict starts from the
 * saved state. It takes the whole window under the site header, edge to edge.
 */
export function Designer({ id }: { id: string }) {
  const { data, error, isLoading, refetch } = usePipelineDraft(id);
  const [generation, setGeneration] = useState(0);
  const frame = useFullWindow();
  if (isLoading) return <p>Loading the pipeline…</p>;
  if (error || !data) return <p role="alert">{error ? errorText(error) : "Pipeline not found"}</p>;
  return (
    <ReactFlowProvider>
      <div ref={frame} className="overflow-hidden border-t border-slate-200 bg-white">
        <Editor
          key={generation}
          draft={data}
          onReload={() => {
            void refetch().then(() => setGeneration((g) => g + 1));
          }}
        />
      </div>
    </ReactFlowProvider>
  );
}

/**
 * Stretches an element over the page's content box to the window's edges and bottom: it undoes
 * the page's padding and centring (whatever the layout sets them to) and keeps to the window's
 * height as it is resized, so the canvas gets every pixel the site header leaves.
 */
function useFullWindow() {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    const main = el?.closest("main");
    if (!el || !main) return;
    const fit = () => {
      const style = getComputedStyle(main);
      const box = main.getBoundingClientRect();
      el.style.marginTop = `-${style.paddingTop}`;
      el.style.marginBottom = `-${style.paddingBottom}`;
      el.style.marginLeft = `${-box.left - Number.parseFloat(style.paddingLeft)}px`;
      el.style.width = `${document.documentElement.clientWidth}px`;
      el.style.height = `${window.innerHeight - (box.top + window.scrollY)}px`;
    };
    fit();
    window.addEventListener("resize", fit);
    return () => window.removeEventListener("resize", fit);
  });
  return ref;
}
