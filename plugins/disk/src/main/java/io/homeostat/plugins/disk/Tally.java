package io.homeostat.plugins.disk;

import java.util.ArrayList;
import java.util.List;

/** What one disk action call did, across its directories: counted as it goes, reported in the result. */
final class Tally {
    /** At most this many file names in the result. */
    static final int LISTED = 20;

    int files;
    long bytes;
    long archivedBytes;
    int already;
    int links;
    int failed;
    boolean stopped;
    final List<String> listed = new ArrayList<>();

    void add(String name, long size) {
        files++;
        bytes += size;
        if (listed.size() < LISTED) {
            listed.add(name);
        }
    }
}
