import { ApiTokens } from "@/components/profile/api-tokens";
import { pageUser } from "@/lib/http/page-user";

export const dynamic = "force-dynamic";

export default async function ProfilePage() {
  const user = await pageUser();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">Profile</h1>
        <p className="mt-1 text-sm text-slate-600">
          {user?.name} · {user?.email} · role <strong>{user?.role}</strong>
        </p>
      </div>
      <ApiTokens />
    </div>
  );
}
