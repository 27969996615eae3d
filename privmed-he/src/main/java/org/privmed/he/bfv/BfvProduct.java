package org.privmed.he.bfv;

import org.privmed.he.ring.RnsPoly;

/**
 * A product before relinearization, (c0, c1, c2) with c0 + c1·s + c2·s² encrypting the product,
 * kept in coefficient form: a server-side intermediate of lazy relinearization, never sent or
 * stored. Weighted sums of products ({@link BfvEvaluator#weightedSums(BfvProduct[], long[], int,
 * int)}) followed by one {@link BfvEvaluator#relinearize(BfvProduct)} per sum give the same
 * plaintexts as relinearizing every product first, with one key switch per sum instead of one per
 * product (the relinearization noise then enters once per sum instead of Σ w² times). The
 * coefficient form saves the forward NTTs of the squaring's output; the few sums take them instead.
 */
public final class BfvProduct {
    private final RnsPoly[] polys;
    private final long paramsId;

    BfvProduct(RnsPoly[] polys, long paramsId) {
        if (polys.length != 3) {
            throw new IllegalArgumentException("a product has 3 polys, got " + polys.length);
        }
        for (int i = 0; i < 3; i++) {
            if (polys[i].isNtt()) {
                throw new IllegalArgumentException("product poly " + i + " is in NTT form, expected coefficients");
            }
            if (polys[i].limbCount() != polys[0].limbCount()) {
                throw new IllegalArgumentException("product poly " + i + " has " + polys[i].limbCount()
                        + " limbs, poly 0 has " + polys[0].limbCount());
            }
        }
        this.polys = polys.clone();
        this.paramsId = paramsId;
    }

    RnsPoly poly(int i) {
        return polys[i];
    }

    RnsPoly[] polys() {
        return polys.clone();
    }

    public int level() {
        return polys[0].limbCount() - 1;
    }

    public long paramsId() {
        return paramsId;
    }

    void check(BfvContext ctx, String what) {
        ctx.checkParams(paramsId, what);
        if (polys[0].limbCount() > ctx.rlwe().q().size() || polys[0].ringDegree() != ctx.ringDegree()) {
            throw new IllegalArgumentException(what + " has " + polys[0].limbCount() + " limbs of N = "
                    + polys[0].ringDegree() + ", which this context does not hold");
        }
    }
}
