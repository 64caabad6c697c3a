"use client";

import { useQuery } from "@tanstack/react-query";
import type { DatasetJson, DatastoreJson, ModelJson, PipelineDraftJson, PipelineSummaryJson } from "@/lib/contracts/designer-api";
import { api } from "./api";

/** Query keys and hooks shared by the pipelines, designer and data pages. */
export const keys = {
  pipelines: (search = "") => ["pipelines", search] as const,
  pipeline: (id: string) => ["pipeline", id] as const,
  datasets: ["datasets"] as const,
  datastores: ["datastores"] as const,
  models: ["models"] as const,
};

export const usePipelines = (search: string) =>
  useQuery({ queryKey: keys.pipelines(search), queryFn: () => api<{ pipelines: PipelineSummaryJson[] }>(`/api/pipelines?search=${encodeURIComponent(search)}`) });
export const usePipelineDraft = (id: string) =>
  useQuery({ queryKey: keys.pipeline(id), queryFn: () => api<PipelineDraftJson>(`/api/pipelines/${id}`), staleTime: Infinity, refetchOnWindowFocus: false });
export const useDatasets = () => useQuery({ queryKey: keys.datasets, queryFn: () => api<{ datasets: DatasetJson[] }>("/api/datasets") });
export const useDatastores = () => useQuery({ queryKey: keys.datastores, queryFn: () => api<{ datastores: DatastoreJson[] }>("/api/datastores") });
export const useModels = () => useQuery({ queryKey: keys.models, queryFn: () => api<{ models: ModelJson[] }>("/api/models") });
