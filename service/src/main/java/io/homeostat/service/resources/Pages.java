package io.homeostat.service.resources;

import io.homeostat.service.api.PageView;
import io.homeostat.service.store.Page;
import java.util.List;

/** Every listing answers the same shape: {@code items}, {@code total}, {@code limit}, {@code offset}. */
final class Pages {
    private Pages() {
    }

    static <T> PageView<T> of(Page<T> page) {
        return new PageView<>(page.items(), page.total(), page.limit(), page.offset());
    }

    /** A listing held in memory (small by nature: switches, rule versions), paged the same way. */
    static <T> PageView<T> of(List<T> all, int limit, int offset) {
        int from = Math.min(offset, all.size());
        int to = Math.min(all.size(), from + limit);
        return new PageView<>(all.subList(from, to), all.size(), limit, offset);
    }
}
