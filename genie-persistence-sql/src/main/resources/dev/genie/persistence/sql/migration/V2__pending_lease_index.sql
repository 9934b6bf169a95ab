-- The sweep looks for pending results whose lease has expired, on every instance, every half
-- lease: an index of the pending ones alone keeps that a short read however many are completed.
CREATE INDEX genie_results_pending_lease ON genie_results (lease_expires_at) WHERE status = 'pending';
