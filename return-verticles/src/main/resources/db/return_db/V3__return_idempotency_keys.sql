-- CreateReturnRequest's idempotency keys belong to one caller and one request, and are kept for a day: the scope
-- is who sent it (e.g. "customer:123", "staff:agent-7"), the fingerprint a SHA-256 of the method and the request
-- without its key. A key older than a day is forgotten (set to NULL) and may be used again.
ALTER TABLE return_requests ADD COLUMN idempotency_scope text;
ALTER TABLE return_requests ADD COLUMN request_fingerprint text;
UPDATE return_requests SET idempotency_scope = '' WHERE idempotency_key IS NOT NULL;
ALTER TABLE return_requests DROP CONSTRAINT return_requests_customer_id_idempotency_key_key;
CREATE UNIQUE INDEX return_requests_idempotency_key ON return_requests (customer_id, idempotency_scope, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX return_requests_idempotency_expiry ON return_requests (created_at) WHERE idempotency_key IS NOT NULL;
