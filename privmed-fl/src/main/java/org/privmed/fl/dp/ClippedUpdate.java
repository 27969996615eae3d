package org.privmed.fl.dp;

/**
 * An update after L2 clipping.
 *
 * @param values the clipped vector (a fresh array; the input is never modified)
 * @param originalNorm L2 norm before clipping
 * @param scale the factor applied, min(1, C / originalNorm)
 */
public record ClippedUpdate(float[] values, double originalNorm, double scale) {
    public boolean wasClipped() {
        return scale < 1.0;
    }
}
