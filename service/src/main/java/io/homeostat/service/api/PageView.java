package io.homeostat.service.api;

import java.util.List;

/** A page of a listing: the items, the total that matched, and where this page starts. */
public record PageView<T>(List<T> items, long total, int limit, int offset) {
}
