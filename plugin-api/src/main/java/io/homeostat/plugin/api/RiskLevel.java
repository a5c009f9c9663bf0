package io.homeostat.plugin.api;

/** How much harm an action can do when it goes wrong; gates (approval, quorum) key on it. */
public enum RiskLevel {
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL;

    public boolean isAtLeast(RiskLevel other) {
        return compareTo(other) >= 0;
    }
}
