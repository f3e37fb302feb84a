// A Connect-ES Transport for the services' HTTP/JSON endpoints: each call goes to the path and HTTP method the
// contract's google.api.http annotation gives the RPC, with the message as JSON (proto3 JSON mapping), so the same
// typed client works over gRPC-Web and over plain HTTP/JSON. Nothing here is written per RPC: the routes are read from
// the generated descriptors.
import {
  create,
  createRegistry,
  fromJson,
  getOption,
  hasOption,
  toBinary,
  toJson,
  type DescField,
  type DescMessage,
  type DescMethodStreaming,
  type DescMethodUnary,
  type JsonObject,
  type JsonValue,
  type MessageInitShape,
} from "@bufbuild/protobuf";
import { Code, ConnectError, createContextValues, type ContextValues, type Interceptor, type Transport, type UnaryResponse } from "@connectrpc/connect";
import { runUnaryCall } from "@connectrpc/connect/protocol";
import { http } from "./gen/google/api/annotations_pb.js";
import type { HttpRule } from "./gen/google/api/http_pb.js";
import { file_google_rpc_error_details } from "./gen/google/rpc/error_details_pb.js";

export interface HttpJsonTransportOptions {
  /** Where the service listens, e.g. "http://localhost:9003" or the gateway's "http://localhost:9000". */
  baseUrl: string;
  /** Interceptors run around every call, as for Connect's own transports (auth headers, logging). */
  interceptors?: Interceptor[];
  /** The fetch to use; the global one by default. */
  fetch?: typeof globalThis.fetch;
}

/** The error detail types the services send (google.rpc.ErrorInfo, BadRequest, ...), to decode `details` of a reply. */
const detailTypes = createRegistry(file_google_rpc_error_details);

interface Route {
  verb: string;
  template: string;
  body: string;
}

function route(method: DescMethodUnary): Route {
  if (!hasOption(method, http)) {
    throw new ConnectError(`${method.parent.typeName}/${method.name} has no HTTP/JSON mapping (google.api.http)`, Code.Unimplemented);
  }
  const rule: HttpRule = getOption(method, http);
  const pattern = rule.pattern;
  switch (pattern.case) {
    case "get":
    case "put":
    case "post":
    case "delete":
    case "patch":
      return { verb: pattern.case.toUpperCase(), template: pattern.value, body: rule.body };
    default:
      throw new ConnectError(`${method.parent.typeName}/${method.name}: unsupported HTTP rule`, Code.Unimplemented);
  }
}

function fieldByName(desc: DescMessage, name: string): DescField {
  const field = desc.fields.find((f) => f.name === name);
  if (!field) {
    throw new ConnectError(`${desc.typeName} has no field ${name} (named in its HTTP path)`, Code.Internal);
  }
  return field;
}

/** The request's URL (path variables filled, the rest as query parameters when there is no body) and its body. */
function encodeRequest(desc: DescMessage, message: JsonObject, rule: Route): { path: string; body?: string } {
  const used = new Set<string>();
  const path = rule.template.replace(/\{([^}=]+)(=[^}]*)?\}/g, (_, name: string) => {
    const field = fieldByName(desc, name);
    used.add(field.jsonName);
    const value = message[field.jsonName];
    if (value === undefined || value === null || value === "") {
      throw new ConnectError(`${name} is required`, Code.InvalidArgument);
    }
    return encodeURIComponent(String(value));
  });
  const rest: JsonObject = {};
  for (const [key, value] of Object.entries(message)) {
    if (!used.has(key)) {
      rest[key] = value;
    }
  }
  if (rule.body === "*") {
    return { path, body: JSON.stringify(rest) };
  }
  const query = new URLSearchParams();
  let body: string | undefined;
  for (const field of desc.fields) {
    const value = rest[field.jsonName];
    if (value === undefined) {
      continue;
    }
    if (rule.body !== "" && field.name === rule.body) {
      body = JSON.stringify(value);
    } else if (typeof value === "object" && value !== null) {
      throw new ConnectError(`${field.name} cannot travel in a query string`, Code.Internal);
    } else {
      query.set(field.name, String(value));
    }
  }
  const search = query.toString();
  return { path: search ? `${path}?${search}` : path, body };
}

/** A google.rpc.Status JSON body (as the services send on HTTP/JSON) as a ConnectError with its details. */
function errorFrom(status: number, headers: Headers, text: string): ConnectError {
  let parsed: { code?: number; message?: string; details?: JsonValue[] } = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not a Status body (a proxy's error page): the HTTP status is all there is.
  }
  const code = typeof parsed.code === "number" && parsed.code > 0 && parsed.code <= 16 ? (parsed.code as Code) : codeOfHttp(status);
  const error = new ConnectError(parsed.message ?? `HTTP ${status}`, code, headers);
  for (const detail of parsed.details ?? []) {
    const typeUrl = (detail as JsonObject)?.["@type"];
    if (typeof typeUrl !== "string") {
      continue;
    }
    const typeName = typeUrl.substring(typeUrl.lastIndexOf("/") + 1);
    const desc = detailTypes.getMessage(typeName);
    if (!desc) {
      continue; // a detail type this client does not know: skipped, as Connect does for gRPC-Web
    }
    const { ["@type"]: _, ...fields } = detail as JsonObject;
    const value = toBinary(desc, fromJson(desc, fields, { ignoreUnknownFields: true }));
    error.details.push({ type: typeName, value });
  }
  return error;
}

function codeOfHttp(status: number): Code {
  switch (status) {
    case 400: return Code.InvalidArgument;
    case 401: return Code.Unauthenticated;
    case 403: return Code.PermissionDenied;
    case 404: return Code.NotFound;
    case 409: return Code.Aborted;
    case 429: return Code.ResourceExhausted;
    case 501: return Code.Unimplemented;
    case 503: return Code.Unavailable;
    case 504: return Code.DeadlineExceeded;
    default: return Code.Unknown;
  }
}

/** A Transport speaking the services' HTTP/JSON mapping; use it with createClient() like any Connect transport. */
export function createHttpJsonTransport(options: HttpJsonTransportOptions): Transport {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  return {
    async unary<I extends DescMessage, O extends DescMessage>(
      method: DescMethodUnary<I, O>,
      signal: AbortSignal | undefined,
      timeoutMs: number | undefined,
      header: HeadersInit | undefined,
      input: MessageInitShape<I>,
      contextValues?: ContextValues,
    ): Promise<UnaryResponse<I, O>> {
      const rule = route(method as unknown as DescMethodUnary);
      return runUnaryCall<I, O>({
        interceptors: options.interceptors,
        signal,
        timeoutMs,
        req: {
          stream: false,
          service: method.parent,
          method,
          requestMethod: rule.verb,
          url: `${baseUrl}/${method.parent.typeName}/${method.name}`,
          header: new Headers(header),
          contextValues: contextValues ?? createContextValues(),
          message: input,
        },
        next: async (req) => {
          const json = toJson(method.input, create(method.input, req.message), { alwaysEmitImplicit: false }) as JsonObject;
          const { path, body } = encodeRequest(method.input, json, rule);
          const headers = new Headers(req.header);
          headers.set("accept", "application/json");
          if (body !== undefined) {
            headers.set("content-type", "application/json");
          }
          let response: Response;
          try {
            response = await fetchFn(baseUrl + path, { method: rule.verb, headers, body, signal: req.signal });
          } catch (e) {
            // The request may or may not have reached the service: an unknown outcome, safe to retry with the same key.
            throw ConnectError.from(e, Code.Unavailable);
          }
          const text = await response.text();
          if (!response.ok) {
            throw errorFrom(response.status, response.headers, text);
          }
          return {
            stream: false,
            service: method.parent,
            method,
            header: response.headers,
            message: fromJson(method.output, JSON.parse(text), { ignoreUnknownFields: true }),
            trailer: new Headers(),
          };
        },
      });
    },
    stream<I extends DescMessage, O extends DescMessage>(method: DescMethodStreaming<I, O>): never {
      throw new ConnectError(`${method.parent.typeName}/${method.name}: streaming calls have no HTTP/JSON mapping`, Code.Unimplemented);
    },
  };
}
