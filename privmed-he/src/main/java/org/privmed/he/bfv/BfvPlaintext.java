package org.privmed.he.bfv;

/**
 * A BFV plaintext: the N coefficients of a polynomial of R_t = Z_t[X]/(X^N+1), each in [0, t), and
 * the id of its parameter set. The batching encoder produces and reads these; encryption scales
 * them to Q. The array is owned by the plaintext: do not modify it.
 */
public record BfvPlaintext(long[] coefficients, long paramsId) {
    public BfvPlaintext {
        if (coefficients == null || coefficients.length == 0) {
            throw new IllegalArgumentException("a plaintext needs N > 0 coefficients");
        }
    }

    /** Checks the shape and range against a context before the plaintext is used there. */
    void check(BfvContext ctx) {
        ctx.checkParams(paramsId, "plaintext");
        int n = ctx.ringDegree();
        if (coefficients.length != n) {
            throw new IllegalArgumentException("plaintext has " + coefficients.length + " coefficients, N = " + n);
        }
        long t = ctx.params().plainModulus();
        for (int i = 0; i < n; i++) {
            if (coefficients[i] < 0 || coefficients[i] >= t) {
                throw new IllegalArgumentException("plaintext coefficient " + i + " = " + coefficients[i]
                        + " is outside [0, t = " + t + ")");
            }
        }
    }
}
