import { Designer } from "@/components/designer/designer";

export default async function DesignerPage({ params }: { params: Promise<{ id: string }> }) {
  return <Designer id={(await params).id} />;
}
