package io.homeostat.service.intake;

import java.util.List;

/**
 * The answer to a signal batch.
 *
 * @param accepted how many signals were queued for evaluation
 * @param rejected each rejected signal's index in the batch and the reason
 */
public record IntakeResult(int accepted, List<Rejection> rejected) {
    public IntakeResult {
        rejected = List.copyOf(rejected);
    }

    public record Rejection(int index, String error) {
    }
}
