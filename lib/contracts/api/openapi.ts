import { z } from "zod";
import type { RouteDef } from "./route-def";
import { routes } from "./routes";

/**
 * The OpenAPI 3.1 document of the route map (served at /api/openapi.json). Schemas come from the
 * same zod definitions the handlers parse with, through zod's own JSON Schema output (2020-12,
 * which OpenAPI 3.1 uses): requests as they are sent, responses as they arrive.
 */

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;
  return rest;
}

const isOptional = (schema: z.ZodType) => schema.safeParse(undefined).success;

function parameters(route: RouteDef): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [name, schema] of Object.entries(route.params?.shape ?? {})) out.push({ name, in: "path", required: true, schema: jsonSchema(schema, "input") });
  for (const [name, schema] of Object.entries(route.query?.shape ?? {})) {
    const { description, ...rest } = jsonSchema(schema, "input");
    out.push({ name, in: "query", required: !isOptional(schema), schema: rest, ...(description ? { description } : {}) });
  }
  return out;
}

function requestBody(route: RouteDef): JsonSchema | undefined {
  if (route.body) return { required: true, content: { "application/json": { schema: jsonSchema(route.body, "input") } } };
  if (!route.multipart) return undefined;
  const fields = jsonSchema(route.multipart.fields, "input") as { properties?: JsonSchema; required?: string[] };
  const files = Object.fromEntries(
    Object.entries(route.multipart.files).map(([name, count]) => [
      name,
      count === "one"
        ? { type: "string", contentMediaType: "application/octet-stream" }
        : { type: "array", items: { type: "string", contentMediaType: "application/octet-stream" } },
    ]),
  );
  const schema = { type: "object", properties: { ...fields.properties, ...files }, required: [...(fields.required ?? []), ...Object.keys(files)] };
  return { required: true, content: { "multipart/form-data": { schema } } };
}

function success(route: RouteDef): JsonSchema {
  if (route.response) return { description: route.summary, content: { "application/json": { schema: jsonSchema(route.response, "output") } } };
  const content = Object.fromEntries((route.raw?.contentTypes ?? []).map((type) => [type, { schema: { type: "string" } }]));
  return { description: route.raw?.description ?? route.summary, content };
}

const errorResponse = {
  description: "The request was refused: `error` says why and what to do",
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
};

function operation(name: string, route: RouteDef): JsonSchema {
  const body = requestBody(route);
  return {
    operationId: name,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.path.split("/")[2] ?? "api"],
    parameters: parameters(route),
    ...(body ? { requestBody: body } : {}),
    responses: { [String(route.status ?? 200)]: success(route), default: errorResponse },
  };
}

export function openApiDocument(version = "0.1.0"): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [name, route] of Object.entries(routes) as [string, RouteDef][]) {
    const item = (paths[route.path] ??= {});
    item[route.method.toLowerCase()] = operation(name, route);
  }
  return {
    openapi: "3.1.0",
    info: { title: "Parallel Run Studio API", version, description: "Datastores, datasets, models, pipelines and runs of a Parallel Run Studio server." },
    paths,
    components: {
      schemas: {
        Error: {
          type: "object",
          properties: {
            error: { type: "string" },
            code: { type: "string", description: "invalid_input, not_found, conflict, too_large, unsupported_media_type, unavailable, configuration, ..." },
            details: {},
          },
          required: ["error"],
        },
      },
    },
  };
}
