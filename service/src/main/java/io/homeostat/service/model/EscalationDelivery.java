package io.homeostat.service.model;

import java.time.Instant;

/** How one channel's delivery of an escalation stands: sent, failed (tried again) or pending, with the channel's last word. */
public record EscalationDelivery(String escalationId, String channel, String state, String message, int attempts, Instant updatedAt) {
}
