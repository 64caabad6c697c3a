"use client";

import { IfRole } from "@/components/auth/current-user";
import { CreateDatasetForm } from "./datasets/create-dataset-form";
import { DatasetList } from "./datasets/dataset-list";
import { DatastoreList } from "./datastores/datastore-list";
import { EnvironmentList } from "./environments/environment-list";
import { RegisterEnvironmentForm } from "./environments/register-environment-form";
import { RegisterDatastoreForm } from "./datastores/register-datastore-form";
import { ModelList } from "./models/model-list";
import { UploadModelForm } from "./models/upload-model-form";
import { Section } from "./section";

/** Datastores, datasets and models: what is registered, and forms to register more from the browser. */
export function DataPage() {
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold">Data &amp; models</h1>
      <Section title="Datastores">
        <DatastoreList />
        <IfRole atLeast="admin">
          <RegisterDatastoreForm />
        </IfRole>
      </Section>
      <Section title="Datasets">
        <DatasetList />
        <IfRole atLeast="editor">
          <CreateDatasetForm />
        </IfRole>
      </Section>
      <Section title="Models">
        <ModelList />
        <IfRole atLeast="editor">
          <UploadModelForm />
        </IfRole>
      </Section>
      <Section title="Environments">
        <EnvironmentList />
        <IfRole atLeast="editor">
          <RegisterEnvironmentForm />
        </IfRole>
      </Section>
    </div>
  );
}
