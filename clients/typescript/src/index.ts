// @cartwright/client: the typed client of Cartwright's cart, checkout and return services.
export { createCartwrightClient, newIdempotencyKey } from "./client.js";
export type { CartwrightClient, CartwrightClientOptions, Protocol } from "./client.js";
export { createHttpJsonTransport } from "./http-json-transport.js";
export type { HttpJsonTransportOptions } from "./http-json-transport.js";
export { describeError, isOutcomeUnknown, Code, ConnectError } from "./errors.js";
export type { CartwrightError } from "./errors.js";
export * from "./money.js";
export * from "./gen/common/v1/common_pb.js";
export * from "./gen/checkout/v1/cart_pb.js";
export * from "./gen/checkout/v1/checkout_pb.js";
export * from "./gen/return/v1/return_pb.js";
export {
  ErrorInfoSchema,
  BadRequestSchema,
  PreconditionFailureSchema,
  RetryInfoSchema,
  ResourceInfoSchema,
} from "./gen/google/rpc/error_details_pb.js";
export type { ErrorInfo, BadRequest, PreconditionFailure, RetryInfo, ResourceInfo } from "./gen/google/rpc/error_details_pb.js";
