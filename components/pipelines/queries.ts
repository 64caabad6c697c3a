"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/contracts/api/client";

/** Query keys and hooks shared by the pipelines, designer and data pages. */
export const keys = {
  pipelines: (search = "") => ["pipelines", search] as const,
  pipeline: (id: string) => ["pipeline", id] as const,
  datasets: ["datasets"] as const,
  datastores: ["datastores"] as const,
  models: ["models"] as const,
};

export const usePipelines = (search: string) => useQuery({ queryKey: keys.pipelines(search), queryFn: () => api.listPipelines({ query: { search } }) });
export const usePipelineDraft = (id: string) =>
  useQuery({ queryKey: keys.pipeline(id), queryFn: () => api.getPipeline({ params: { id } }), staleTime: Infinity, refetchOnWindowFocus: false });
export const useDatasets = () => useQuery({ queryKey: keys.datasets, queryFn: () => api.listDatasets() });
export const useDatastores = () => useQuery({ queryKey: keys.datastores, queryFn: () => api.listDatastores() });
export const useModels = () => useQuery({ queryKey: keys.models, queryFn: () => api.listModels() });
