package io.homeostat.service.store;

import java.util.List;

/** One page of a listing and the total number of matching rows. */
public record Page<T>(List<T> items, long total, int limit, int offset) {
    public Page {
        items = List.copyOf(items);
    }
}
