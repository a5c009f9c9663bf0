package io.homeostat.service.engine.facts;

/** A human's answer to an approval, from the API; the approval rules apply it and then delete it. */
public record ApprovalVerdict(String approvalId, boolean approved, String by, String reason) {
    public String getApprovalId() {
        return approvalId;
    }

    public boolean isApproved() {
        return approved;
    }

    public String getBy() {
        return by;
    }

    public String getReason() {
        return reason;
    }
}
