package org.privmed.bench.he;

import org.privmed.he.bfv.BfvParameters;
import org.privmed.he.ckks.CkksParameters;

/**
 * What the benchmark output says about a parameter set, for either scheme: the scale for CKKS,
 * the plaintext modulus for BFV (the other one is null).
 */
public record ParamSummary(String scheme, int n, int[] qBits, int[] pBits, int dnum, double logQP,
    String security, Double log2Scale, Long plainModulus) {

  public static ParamSummary of(CkksParameters p) {
    return new ParamSummary("ckks", p.ringDegree(), p.qBits(), p.pBits(), p.dnum(), p.logQP(),
        p.securityLevel().toString(), Math.log(p.defaultScale()) / Math.log(2), null);
  }

  public static ParamSummary of(BfvParameters p) {
    return new ParamSummary("bfv", p.ringDegree(), p.qBits(), p.pBits(), p.dnum(), p.logQP(),
        p.securityLevel().toString(), null, p.plainModulus());
  }
}
