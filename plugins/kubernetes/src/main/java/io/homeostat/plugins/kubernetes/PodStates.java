package io.homeostat.plugins.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import java.util.Optional;

/** Reading a container's state as kubectl shows it: terminated now, or last terminated before its restart. */
final class PodStates {
    static final String OOM_KILLED = "OOMKilled";

    private PodStates() {
    }

    /** The container's termination: the current state if it is terminated, else the last one before its restart. */
    static Optional<ContainerStateTerminated> termination(ContainerStatus status) {
        if (status.getState() != null && status.getState().getTerminated() != null) {
            return Optional.of(status.getState().getTerminated());
        }
        return Optional.ofNullable(status.getLastState()).map(state -> state.getTerminated());
    }

    static boolean oomKilled(ContainerStatus status) {
        return termination(status).map(t -> OOM_KILLED.equals(t.getReason())).orElse(false);
    }
}
