import type { OverviewData } from "@/lib/services/overview";

/** What is registered and the latest runs (the page loads the data: this file stays free of server code). */
export function Overview({ pipelines, datasets, models, runs }: OverviewData) {
  return (
    <div className="space-y-8">
      <Section title="Pipelines">
        {pipelines.map((p) => (
          <li key={p.id}>
            <span className="font-medium">{p.name}</span> v{p.latestVersion} · {p.runs} runs
          </li>
        ))}
      </Section>
      <Section title="Datasets">
        {datasets.map((d) => (
          <li key={d.id}>
            {d.name}:{d.version} · {d.kind} · {d.datastore}: {d.paths.join(" ")}
          </li>
        ))}
      </Section>
      <Section title="Models">
        {models.map((m) => (
          <li key={m.id}>
            {m.name}:{m.version} · {m.signature.inputs.map((i) => `${i.name} [${i.shape.join(",")}]`).join(", ")}
          </li>
        ))}
      </Section>
      <Section title="Recent runs">
        {runs.map((r) => (
          <li key={r.id}>
            <code>{r.id}</code> · {r.experimentName} · {r.pipeline.name} · <span className="font-medium">{r.status}</span>
            {r.statusReason ? <span className="text-slate-600"> · {r.statusReason}</span> : null}
          </li>
        ))}
      </Section>
    </div>
  );
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section>
      <h2 className="mb-2 text-lg font-semibold">{title}</h2>
      <ul className="space-y-1 rounded border border-slate-200 bg-white p-4 text-sm">{children}</ul>
    </section>
  );
}
