import { durationBetween, formatDuration, relativeTime } from "@/components/runs/format";
import { plural } from "@/components/runs/plural";
import { StatusBadge } from "@/components/runs/status-badge";
import type { RunStatus } from "@/lib/contracts/statuses";
import type { OverviewData } from "@/lib/services/overview";

const SAMPLE = "digit-identification";

/**
 * The home page: what this is, what to do next (open the sample, submit a run, register data),
 * recent runs and what is registered. The page loads the data: this file stays free of server code.
 */
export function Overview({ pipelines, datasets, models, runs, now }: OverviewData & { now: number }) {
  const sample = pipelines.find((p) => p.name === SAMPLE);
  return (
    <div className="space-y-8">
      <header className="space-y-2">
        <h1 className="text-2xl font-semibold">Parallel Run Studio</h1>
        <p className="max-w-3xl text-slate-600 dark:text-slate-300">
          Batch inference with Azure ML&apos;s ParallelRunStep semantics, on your own machines: draw a pipeline, point it at a dataset and a model, and watch
          its mini-batches run across worker processes.
        </p>
      </header>
      <section aria-labelledby="next-steps">
        <h2 id="next-steps" className="mb-3 text-lg font-semibold">
          What to do next
        </h2>
        <ol className="grid gap-3 md:grid-cols-3">
          <NextStep
            n={1}
            title="Open the sample"
            href={sample ? `/pipelines/${sample.id}` : "/pipelines"}
            text={sample ? `${SAMPLE}: MNIST digits scored by an ONNX model, ready to run.` : "The sample appears after `npm start` set it up."}
          />
          <NextStep n={2} title="Submit a run" href="/runs" text="Pick a pipeline, change its parameters, and follow the run live on its graph." />
          <NextStep
            n={3}
            title="Bring your data"
            href="/data"
            text="Register a datastore folder, a dataset and an ONNX model, then use them in the designer."
          />
        </ol>
      </section>
      <div className="grid gap-8 lg:grid-cols-2">
        <Section title="Recent runs" more={{ href: "/runs", label: "All runs" }}>
          {runs.length === 0 ? <li className="text-slate-500">No runs yet: submit the sample to see one.</li> : null}
          {runs.slice(0, 8).map((r) => (
            <li key={r.id} className="flex flex-wrap items-center gap-x-2 gap-y-0.5">
              <a href={`/runs/${r.id}`} className="font-mono text-blue-700 hover:underline dark:text-blue-300">
                {r.id}
              </a>
              <StatusBadge status={r.status as RunStatus} />
              <span className="text-slate-600 dark:text-slate-300">{r.pipeline.name}</span>
              <span className="ml-auto text-xs text-slate-500 dark:text-slate-400">
                {relativeTime(r.createdAt, now)}
                {r.endedAt ? ` · took ${formatDuration(durationBetween(r.startedAt?.toISOString() ?? null, r.endedAt.toISOString(), now))}` : ""}
              </span>
            </li>
          ))}
        </Section>
        <Section title="Pipelines" more={{ href: "/pipelines", label: "All pipelines" }}>
          {pipelines.map((p) => (
            <li key={p.id} className="flex items-center gap-2">
              <a href={`/pipelines/${p.id}`} className="font-medium text-blue-700 hover:underline dark:text-blue-300">
                {p.name}
              </a>
              <span className="text-slate-600 dark:text-slate-300">{p.latestVersion > 0 ? `v${p.latestVersion}` : "draft"}</span>
              <span className="ml-auto text-xs text-slate-500 dark:text-slate-400">{plural(p.runs, "run")}</span>
            </li>
          ))}
        </Section>
        <Section title="Datasets" more={{ href: "/data", label: "Data & models" }}>
          {datasets.map((d) => (
            <li key={d.id} className="break-all">
              {d.name}:{d.version} · {d.kind} · {d.datastore}: {d.paths.join(" ")}
            </li>
          ))}
        </Section>
        <Section title="Models">
          {models.map((m) => (
            <li key={m.id} className="break-all">
              {m.name}:{m.version} · {m.signature.inputs.map((i) => `${i.name} [${i.shape.join(",")}]`).join(", ")}
            </li>
          ))}
        </Section>
      </div>
    </div>
  );
}

function NextStep({ n, title, href, text }: { n: number; title: string; href: string; text: string }) {
  return (
    <li>
      <a
        href={href}
        className="block h-full rounded-lg border border-slate-200 bg-white p-4 hover:border-blue-400 hover:shadow-sm dark:border-slate-700 dark:bg-slate-900"
      >
        <span className="mr-2 inline-flex h-6 w-6 items-center justify-center rounded-full bg-blue-600 text-xs font-semibold text-white">{n}</span>
        <span className="font-semibold">{title}</span>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">{text}</p>
      </a>
    </li>
  );
}

function Section({ title, more, children }: { title: string; more?: { href: string; label: string }; children: React.ReactNode }) {
  return (
    <section aria-label={title}>
      <div className="mb-2 flex items-baseline gap-3">
        <h2 className="text-lg font-semibold">{title}</h2>
        {more ? (
          <a href={more.href} className="text-sm text-blue-700 hover:underline dark:text-blue-300">
            {more.label}
          </a>
        ) : null}
      </div>
      <ul className="space-y-1.5 rounded border border-slate-200 bg-white p-4 text-sm dark:border-slate-700 dark:bg-slate-900">{children}</ul>
    </section>
  );
}
