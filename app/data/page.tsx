import { DataPage } from "@/components/data/data-page";

export default function DataRoute() {
  return <DataPage />;
}
