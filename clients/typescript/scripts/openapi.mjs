// Writes the OpenAPI 3.0 description of the services' HTTP/JSON mapping, read from the google.api.http annotations
// of the contracts (through the client's generated descriptors, so it describes exactly what the client calls):
//   node scripts/openapi.mjs [out.json]     (npm run openapi writes docs/openapi/cartwright.openapi.json)
// Field names are the JSON names of the proto3 JSON mapping (the services also accept the proto names); 64-bit
// integers are strings, as proto3 JSON writes them.
import { writeFileSync } from "node:fs";
import { ScalarType, getOption, hasOption } from "@bufbuild/protobuf";
import { file_checkout_v1_cart } from "../dist/gen/checkout/v1/cart_pb.js";
import { file_checkout_v1_checkout } from "../dist/gen/checkout/v1/checkout_pb.js";
import { http } from "../dist/gen/google/api/annotations_pb.js";
import { file_return_v1_return } from "../dist/gen/return/v1/return_pb.js";

const files = [file_checkout_v1_cart, file_checkout_v1_checkout, file_return_v1_return];
const schemas = {};

function scalar(type) {
  switch (type) {
    case ScalarType.BOOL: return { type: "boolean" };
    case ScalarType.STRING: return { type: "string" };
    case ScalarType.BYTES: return { type: "string", format: "byte" };
    case ScalarType.DOUBLE: return { type: "number", format: "double" };
    case ScalarType.FLOAT: return { type: "number", format: "float" };
    case ScalarType.INT32: case ScalarType.SINT32: case ScalarType.SFIXED32: return { type: "integer", format: "int32" };
    case ScalarType.UINT32: case ScalarType.FIXED32: return { type: "integer", format: "int64", minimum: 0 };
    default: return { type: "string", format: "int64", description: "a 64-bit integer, as a string" };
  }
}

function ref(message) {
  if (message.typeName === "google.protobuf.Timestamp") {
    return { type: "string", format: "date-time" };
  }
  if (!schemas[message.typeName]) {
    schemas[message.typeName] = {}; // placeholder first: messages may refer to each other
    schemas[message.typeName] = messageSchema(message);
  }
  return { $ref: `#/components/schemas/${message.typeName}` };
}

function single(field) {
  switch (field.fieldKind === "list" ? field.listKind : field.fieldKind === "map" ? field.mapKind : field.fieldKind) {
    case "scalar": return scalar(field.scalar);
    case "enum": return { type: "string", enum: field.enum.values.map((v) => v.name) };
    case "message": return ref(field.message);
    default: throw new Error(`unexpected field ${field.name}`);
  }
}

function fieldSchema(field) {
  if (field.fieldKind === "list") {
    return { type: "array", items: single(field) };
  }
  if (field.fieldKind === "map") {
    return { type: "object", additionalProperties: single(field) };
  }
  return single(field);
}

function messageSchema(message) {
  const properties = {};
  for (const field of message.fields) {
    properties[field.jsonName] = fieldSchema(field);
  }
  return { type: "object", properties };
}

const status = {
  type: "object",
  description: "google.rpc.Status: code is the gRPC status code; details are google.rpc error details (ErrorInfo, BadRequest, ...) with an @type",
  properties: {
    code: { type: "integer", format: "int32" },
    message: { type: "string" },
    details: { type: "array", items: { type: "object", properties: { "@type": { type: "string" } }, additionalProperties: true } },
  },
};

const paths = {};
for (const file of files) {
  for (const service of file.services) {
    for (const method of service.methods) {
      if (!hasOption(method, http)) {
        continue;
      }
      const rule = getOption(method, http);
      const verb = rule.pattern.case;
      const template = rule.pattern.value;
      const inPath = [...template.matchAll(/\{([^}=]+)/g)].map((m) => m[1]);
      const parameters = inPath.map((name) => ({ name, in: "path", required: true, schema: { type: "string" } }));
      if (rule.body === "") {
        for (const field of method.input.fields) {
          if (!inPath.includes(field.name) && field.fieldKind !== "message" && field.fieldKind !== "list" && field.fieldKind !== "map") {
            parameters.push({ name: field.name, in: "query", required: false, schema: fieldSchema(field) });
          }
        }
      }
      const operation = {
        operationId: `${service.name}_${method.name}`,
        summary: `${service.typeName}/${method.name}`,
        tags: [service.name],
        parameters,
        responses: {
          200: { description: method.output.name, content: { "application/json": { schema: ref(method.output) } } },
          default: { description: "the gRPC status as HTTP (400, 404, 409, 503, ...)", content: { "application/json": { schema: { $ref: "#/components/schemas/google.rpc.Status" } } } },
        },
      };
      if (rule.body !== "") {
        operation.requestBody = { required: true, content: { "application/json": { schema: ref(method.input) } } };
      }
      paths[template] ??= {};
      paths[template][verb] = operation;
    }
  }
}
schemas["google.rpc.Status"] = status;

const sorted = Object.fromEntries(Object.keys(schemas).sort().map((k) => [k, schemas[k]]));
const document = {
  openapi: "3.0.3",
  info: {
    title: "Cartwright HTTP/JSON API",
    version: "v1",
    description: "The cart, checkout and return calls over HTTP/JSON, generated from the google.api.http annotations in protos/ "
      + "(clients/typescript/scripts/openapi.mjs). The same calls are served over gRPC and gRPC-Web on the same ports. "
      + "Headers: authorization: Bearer <token> in jwt mode; x-customer-id routes a customer at the gateway.",
  },
  servers: [
    { url: "http://localhost:9000", description: "the gateway" },
    { url: "http://localhost:9003", description: "the Checkout Service (carts and checkouts)" },
    { url: "http://localhost:9004", description: "the Return Service (returns)" },
  ],
  paths,
  components: { schemas: sorted },
};
const out = process.argv[2] ?? "../../docs/openapi/cartwright.openapi.json";
writeFileSync(out, JSON.stringify(document, null, 2) + "\n");
console.log(`wrote ${out}: ${Object.keys(paths).length} paths, ${Object.keys(sorted).length} schemas`);
