package org.privmed.he.security;

/** A parameter set whose modulus is too large for its ring degree at the requested security level. */
public final class InsecureParametersException extends IllegalArgumentException {

    private final int ringDegree;
    private final SecurityLevel level;
    private final double logQP;
    private final int bound;

    public InsecureParametersException(int ringDegree, SecurityLevel level, double logQP, int bound, String message) {
        super(message);
        this.ringDegree = ringDegree;
        this.level = level;
        this.logQP = logQP;
        this.bound = bound;
    }

    public int ringDegree() {
        return ringDegree;
    }

    public SecurityLevel level() {
        return level;
    }

    /** log2 of the full key-switching modulus QP that was refused. */
    public double logQP() {
        return logQP;
    }

    /** The largest log2(QP) allowed for this ring degree and level. */
    public int bound() {
        return bound;
    }
}
