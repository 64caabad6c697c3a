"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { keys } from "@/components/pipelines/queries";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { ErrorText } from "@/components/ui/notice";
import { api } from "@/lib/contracts/api/client";
import { ModelSignatureTable } from "./model-signature";

/** Uploads an ONNX file as a new model version and shows the signature read from it. */
export function UploadModelForm() {
  const client = useQueryClient();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [tags, setTags] = useState("");
  const [file, setFile] = useState<File>();
  const upload = useMutation({
    mutationFn: () => {
      const form = new FormData();
      form.set("name", name);
      if (file) form.set("file", file);
      form.set("description", description);
      form.set("tags", tags);
      return api.registerModel({ form });
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.models }),
  });
  return (
    <>
      <form
        aria-label="Upload an ONNX model"
        className="grid grid-cols-2 gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          upload.mutate();
        }}
      >
        <Field label="Model name">{(c) => <input {...c} className={inputClass} value={name} onChange={(e) => setName(e.target.value)} required />}</Field>
        <Field label="ONNX file">{(c) => <input {...c} type="file" accept=".onnx" className="mt-1 text-sm" onChange={(e) => setFile(e.target.files?.[0])} required />}</Field>
        <Field label="Description">{(c) => <input {...c} className={inputClass} value={description} onChange={(e) => setDescription(e.target.value)} />}</Field>
        <Field label="Tags" hint="key=value, comma separated">
          {(c) => <input {...c} className={inputClass} value={tags} onChange={(e) => setTags(e.target.value)} />}
        </Field>
        <div className="col-span-2 flex items-center gap-2">
          <Button type="submit" variant="primary" disabled={upload.isPending || !file}>
            Upload model
          </Button>
          <ErrorText error={upload.error} />
        </div>
      </form>
      {upload.data ? (
        <div role="status" className="text-sm">
          Registered {upload.data.name}:{upload.data.version}
          <ModelSignatureTable signature={upload.data.signature} caption={`Signature of ${upload.data.name}:${upload.data.version}`} />
        </div>
      ) : null}
    </>
  );
}
