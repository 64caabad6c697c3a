/** What a non-admin sees on an admin page (the API refuses them too). */
export function AdminOnly() {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-6 text-sm">
      <h1 className="text-lg font-semibold">Admins only</h1>
      <p className="mt-1 text-slate-600">This page manages users and settings: ask an admin of this studio.</p>
    </div>
  );
}
