package org.privmed.eval.timing;

/**
 * The phases every technique reports in the common table. Free-form phases (e.g. "keygen",
 * "aggregate", "encode") are timed by name with the same {@link PhaseTimer}.
 */
public enum Phase {
    TRAIN("train"),
    ENCRYPT("encrypt"),
    EVALUATE("evaluate"),
    DECRYPT("decrypt"),
    /** The whole run, measured by the caller around everything; never derived from the others. */
    TOTAL("total");

    private final String label;

    Phase(String label) {
        this.label = label;
    }

    /** The name used in timers, reports and JSON ("train", "encrypt", …). */
    public String label() {
        return label;
    }

    /** Whether {@code name} is the label of one of the standard phases. */
    public static boolean isStandard(String name) {
        for (Phase p : values()) {
            if (p.label.equals(name)) {
                return true;
            }
        }
        return false;
    }
}
