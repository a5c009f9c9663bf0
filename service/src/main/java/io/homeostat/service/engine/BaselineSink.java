package io.homeostat.service.engine;

import io.homeostat.service.model.BaselineRecord;
import java.util.List;

/** Where the engine thread hands the baselines that changed, now and then, so that a restart does not warm up again. */
public interface BaselineSink {
    BaselineSink NONE = new BaselineSink() {
        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public void write(List<BaselineRecord> changed) {
        }
    };

    /** Whether the last hand-over has been written: the engine keeps collecting changes until it has. */
    boolean ready();

    /** Takes the changed series; must not block the engine thread. */
    void write(List<BaselineRecord> changed);
}
