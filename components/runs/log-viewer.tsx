"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { api } from "@/lib/contracts/api/client";
import type { LogTarget } from "./failures-table";

const LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"] as const;
const MAX_LINES = 5000;

function levelOf(line: string): (typeof LEVELS)[number] | undefined {
  const m = /^\S+ (DEBUG|INFO|WARNING|ERROR) /.exec(line);
  return m ? (m[1] as (typeof LEVELS)[number]) : undefined;
}

/** A run's log files: pick one, filter by level or text, follow it live while the run goes on. */
export function LogViewer({ runId, active, target, step: preferredStep }: { runId: string; active: boolean; target?: LogTarget; step?: string }) {
  const files = useQuery({
    queryKey: ["run-logs", runId],
    queryFn: () => api.listLogs({ params: { runId } }),
    refetchInterval: active ? 3000 : false,
  });
  const { refetch } = files;
  // When the run ends its last files (job_result.txt, the reports) appear: list them once more.
  useEffect(() => {
    if (!active) void refetch();
  }, [active, refetch]);
  const [selected, setSelected] = useState<string>("");
  // A file the user chose (or a failure's log) is kept; otherwise the pick follows the run.
  const chosen = useRef(false);
  const [minLevel, setMinLevel] = useState<string>("DEBUG");
  const [filter, setFilter] = useState("");
  const [tail, setTail] = useState(true);
  const [lines, setLines] = useState<string[]>([]);
  const offset = useRef<number | undefined>(undefined);
  const box = useRef<HTMLPreElement>(null);

  useEffect(() => {
    if (target) {
      chosen.current = true;
      setSelected(`${target.step}\n${target.path}`);
      setFilter(target.filter);
    }
  }, [target]);

  const list = files.data?.files ?? [];
  useEffect(() => {
    if (chosen.current || !list.length) return;
    const preferred = defaultLogFile(list, active, preferredStep);
    const key = `${preferred.step}\n${preferred.path}`;
    if (key !== selected) setSelected(key);
  }, [list, selected, active, preferredStep]);

  useEffect(() => {
    if (!selected) return;
    const [step, path] = selected.split("\n") as [string, string];
    offset.current = undefined;
    setLines([]);
    let stopped = false;
    let timer: ReturnType<typeof setTimeout>;
    const read = async () => {
      try {
        const query = { step, path, ...(offset.current !== undefined ? { offset: String(offset.current) } : {}) };
        const chunk = await api.readLog({ params: { runId }, query });
        if (stopped) return;
        offset.current = chunk.nextOffset;
        if (chunk.text) setLines((old) => [...old, ...chunk.text.split("\n").filter((l) => l !== "")].slice(-MAX_LINES));
      } catch {
        /* the file may not exist yet */
      }
      if (!stopped && active && tail) timer = setTimeout(read, 1000);
    };
    void read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [runId, selected, active, tail]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: every new line scrolls the tail into view
  useEffect(() => {
    if (tail && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, tail]);

  const min = LEVELS.indexOf(minLevel as (typeof LEVELS)[number]);
  const shown = lines.filter((line) => {
    const level = levelOf(line);
    if (level && LEVELS.indexOf(level) < min) return false;
    return !filter || line.toLowerCase().includes(filter.toLowerCase());
  });

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <label>
          File{" "}
          <select
            aria-label="Log file"
            value={selected}
            onChange={(e) => {
              chosen.current = true;
              setSelected(e.target.value);
            }}
            className="max-w-md rounded border border-slate-300 px-2 py-1"
          >
            {list.map((f) => (
              <option key={`${f.step}/${f.path}`} value={`${f.step}\n${f.path}`}>
                {f.step}/{f.path}
              </option>
            ))}
          </select>
        </label>
        <label>
          Level{" "}
          <select aria-label="Log level" value={minLevel} onChange={(e) => setMinLevel(e.target.value)} className="rounded border border-slate-300 px-2 py-1">
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l} and above
              </option>
            ))}
          </select>
        </label>
        <label>
          Filter{" "}
          <input aria-label="Log filter" value={filter} onChange={(e) => setFilter(e.target.value)} className="rounded border border-slate-300 px-2 py-1" />
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={tail} onChange={(e) => setTail(e.target.checked)} /> Live tail
        </label>
        <a href={api.url("logArchive", { params: { runId } })} className="ml-auto text-blue-700 hover:underline" download>
          Download logs (.tar.gz)
        </a>
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (axe scrollable-region-focusable) */}
      <pre ref={box} role="log" aria-label="Log lines" tabIndex={0} className="h-72 overflow-auto rounded bg-slate-900 p-3 text-xs leading-5 text-slate-100">
        {shown.length ? (
          shown.map((line, i) => (
            <div key={i} className={levelOf(line) === "ERROR" ? "text-red-300" : levelOf(line) === "WARNING" ? "text-amber-200" : undefined}>
              {line}
            </div>
          ))
        ) : (
          <span className="text-slate-400">No lines{filter ? " match the filter" : " yet"}.</span>
        )}
      </pre>
    </div>
  );
}

/** While a run goes on, the entry script's log; once it ended, the job result (why each step ended) of the chosen step. */
export function defaultLogFile<F extends { step: string; path: string }>(list: F[], active: boolean, step?: string): F {
  const ofStep = list.filter((f) => f.step === step);
  const pool = ofStep.length ? ofStep : list;
  const result = pool.find((f) => f.path === "job_result.txt");
  const script = pool.find((f) => f.path.startsWith("user/entry_script_log/"));
  return (active ? (script ?? result) : (result ?? script)) ?? pool[0]!;
}
