package io.homeostat.service.store;

import io.homeostat.service.model.Lease;

/**
 * A write fenced by a lease found the lease gone (expired, or taken over with a higher token): the
 * transaction is rolled back and the writer must not act any further on the resource.
 */
public final class LeaseLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LeaseLostException(Lease lease, String now) {
        super("lease on " + lease.resource() + " (token " + lease.token() + ", held by " + lease.holder() + ") is no longer held: " + now);
    }
}
