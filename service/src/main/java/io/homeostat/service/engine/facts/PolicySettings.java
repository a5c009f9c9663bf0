package io.homeostat.service.engine.facts;

/**
 * The numbers of the gate policy, from config.yml, as one fact: operators tune numbers in
 * configuration and change policy by editing DRL.
 *
 * @param maxRemediationsPerResourcePerHour how many remediations one resource may get in a sliding hour
 * @param resolveQuietPeriodMillis how long evidence must stay clear before an issue resolves
 */
public record PolicySettings(int maxRemediationsPerResourcePerHour, long resolveQuietPeriodMillis) {
    public int getMaxRemediationsPerResourcePerHour() {
        return maxRemediationsPerResourcePerHour;
    }

    public long getResolveQuietPeriodMillis() {
        return resolveQuietPeriodMillis;
    }
}
