package org.privmed.infer.bfv;

import java.math.BigInteger;

/**
 * Joins residues modulo pairwise-coprime t_1 … t_k into the integer x with |x| &lt;= T/2,
 * T = Π t_i: the inverse of CryptoNets' splitting of the plaintext space over several primes
 * (Gilad-Bachrach et al., ICML 2016, Sec. 4.2), for values of any width.
 *
 * <p>Garner's mixed-radix conversion (H. L. Garner, "The Residue Number System", IRE Trans.
 * Electronic Computers EC-8, 1959; Knuth, TAOCP vol. 2, 3rd ed., §4.3.2, Eq. (24)–(25)): the digits
 * v_1 = r_1, v_j = (r_j − (v_1 + v_2·t_1 + … + v_{j−1}·t_1⋯t_{j−2}))·(t_1⋯t_{j−1})⁻¹ mod t_j are
 * computed in longs modulo the small primes, then x = v_1 + t_1·(v_2 + t_2·(v_3 + …)) in
 * {@link BigInteger} lies in [0, T), and the signed value is x − T when x &gt; T/2 (every integer
 * network value v has |v| &lt; T/2 by the choice of the primes).
 */
public final class CrtRecombiner {
  private final long[] primes;
  private final BigInteger[] bigPrimes;
  private final BigInteger product;
  private final BigInteger half;
  // inverse[j] = (t_1⋯t_{j−1})⁻¹ mod t_j
  private final long[] inverse;

  public CrtRecombiner(long[] primes) {
    if (primes.length == 0) {
      throw new IllegalArgumentException("CRT needs at least one modulus");
    }
    this.primes = primes.clone();
    this.bigPrimes = new BigInteger[primes.length];
    this.inverse = new long[primes.length];
    BigInteger t = BigInteger.ONE;
    for (int j = 0; j < primes.length; j++) {
      long p = primes[j];
      if (p < 2 || p > Integer.MAX_VALUE) {
        // below 2^31 the digit arithmetic's products fit a long
        throw new IllegalArgumentException("CRT modulus must lie in [2, 2^31), got " + p);
      }
      BigInteger tj = BigInteger.valueOf(p);
      if (!t.gcd(tj).equals(BigInteger.ONE)) {
        throw new IllegalArgumentException("CRT moduli must be pairwise coprime; " + p
            + " shares a factor with an earlier one");
      }
      inverse[j] = t.mod(tj).modInverse(tj).longValueExact();
      bigPrimes[j] = tj;
      t = t.multiply(tj);
    }
    this.product = t;
    this.half = t.shiftRight(1);
  }

  public BigInteger product() {
    return product;
  }

  /** The centred x ≡ residues[i] (mod t_i), |x| &lt;= T/2. */
  public BigInteger combine(long[] residues) {
    int k = primes.length;
    if (residues.length != k) {
      throw new IllegalArgumentException(residues.length + " residues for " + k + " moduli");
    }
    long[] v = new long[k];
    for (int j = 0; j < k; j++) {
      long tj = primes[j];
      // the partial value v_1 + v_2·t_1 + … + v_{j−1}·t_1⋯t_{j−2}, reduced mod t_j by Horner
      long partial = 0;
      for (int i = j - 1; i >= 0; i--) {
        partial = (partial * (primes[i] % tj) + v[i]) % tj;
      }
      long diff = Math.floorMod(Math.floorMod(residues[j], tj) - partial, tj);
      v[j] = diff * inverse[j] % tj;
    }
    BigInteger x = BigInteger.valueOf(v[k - 1]);
    for (int j = k - 2; j >= 0; j--) {
      x = x.multiply(bigPrimes[j]).add(BigInteger.valueOf(v[j]));
    }
    return x.compareTo(half) > 0 ? x.subtract(product) : x;
  }
}
