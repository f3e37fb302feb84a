// What went wrong in a call, as a storefront needs it: the gRPC code, the message, and the google.rpc details the
// services attach (ErrorInfo's reason, BadRequest's field), the same over gRPC-Web and HTTP/JSON.
import { Code, ConnectError } from "@connectrpc/connect";
import {
  BadRequestSchema,
  ErrorInfoSchema,
  PreconditionFailureSchema,
  ResourceInfoSchema,
  RetryInfoSchema,
  type BadRequest_FieldViolation,
  type ErrorInfo,
  type PreconditionFailure_Violation,
} from "./gen/google/rpc/error_details_pb.js";

export { Code, ConnectError };

export interface CartwrightError {
  /** The gRPC status code (Code.InvalidArgument, Code.FailedPrecondition, ...). */
  code: Code;
  /** The service's message, e.g. "product_id is required". */
  message: string;
  /** google.rpc.ErrorInfo: a machine-readable reason and its domain and metadata, when the service sent one. */
  errorInfo?: ErrorInfo;
  /** google.rpc.BadRequest's field violations: which request field is wrong and why. */
  fieldViolations: BadRequest_FieldViolation[];
  /** google.rpc.PreconditionFailure's violations (e.g. a stale version, a promotion code that does not apply). */
  preconditionViolations: PreconditionFailure_Violation[];
  /** How long to wait before retrying, from google.rpc.RetryInfo, in milliseconds. */
  retryDelayMs?: number;
  /** The resource the error is about (google.rpc.ResourceInfo): its type and name. */
  resource?: { type: string; name: string };
  /**
   * The call may have taken effect (the connection broke, the deadline passed): retry with the same idempotency key
   * and expected version, never treat it as failed.
   */
  outcomeUnknown: boolean;
}

/** Reads any error a client call threw. */
export function describeError(error: unknown): CartwrightError {
  const e = ConnectError.from(error);
  const errorInfo = e.findDetails(ErrorInfoSchema)[0];
  const retry = e.findDetails(RetryInfoSchema)[0];
  const resource = e.findDetails(ResourceInfoSchema)[0];
  const delay = retry?.retryDelay;
  return {
    code: e.code,
    message: e.rawMessage,
    errorInfo,
    fieldViolations: e.findDetails(BadRequestSchema).flatMap((b) => b.fieldViolations),
    preconditionViolations: e.findDetails(PreconditionFailureSchema).flatMap((p) => p.violations),
    retryDelayMs: delay ? Number(delay.seconds) * 1000 + Math.floor(delay.nanos / 1e6) : undefined,
    resource: resource ? { type: resource.resourceType, name: resource.resourceName } : undefined,
    outcomeUnknown: isOutcomeUnknown(e),
  };
}

/**
 * Whether the change a failed call asked for may nevertheless have happened: a deadline that passed, a connection
 * that broke, a service that went away mid-call (UNAVAILABLE, DEADLINE_EXCEEDED, UNKNOWN, or no answer at all).
 */
export function isOutcomeUnknown(error: unknown): boolean {
  const e = ConnectError.from(error);
  return e.code === Code.DeadlineExceeded || e.code === Code.Unavailable || e.code === Code.Unknown || e.code === Code.Canceled;
}
