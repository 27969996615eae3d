package org.privmed.infer.bfv;

import java.math.BigInteger;

/**
 * Joins residues modulo pairwise-coprime t_1 … t_k into the integer x with |x| &lt; T/2,
 * T = Π t_i (the Chinese Remainder Theorem in Gauss's form: x = Σ r_i·M_i·(M_i⁻¹ mod t_i) mod T,
 * M_i = T/t_i, then centred). The inverse of CryptoNets' splitting of the plaintext space over
 * several primes (Gilad-Bachrach et al., ICML 2016, Sec. 4.2).
 */
public final class CrtRecombiner {
  private final long[] primes;
  private final BigInteger product;
  private final BigInteger half;
  private final BigInteger[] basis; // M_i·(M_i⁻¹ mod t_i)

  public CrtRecombiner(long[] primes) {
    if (primes.length == 0) {
      throw new IllegalArgumentException("CRT needs at least one modulus");
    }
    this.primes = primes.clone();
    BigInteger t = BigInteger.ONE;
    for (long p : primes) {
      if (p < 2) {
        throw new IllegalArgumentException("CRT modulus must be >= 2, got " + p);
      }
      t = t.multiply(BigInteger.valueOf(p));
    }
    this.product = t;
    this.half = t.shiftRight(1);
    this.basis = new BigInteger[primes.length];
    for (int i = 0; i < primes.length; i++) {
      BigInteger ti = BigInteger.valueOf(primes[i]);
      BigInteger m = t.divide(ti);
      if (!m.gcd(ti).equals(BigInteger.ONE)) {
        throw new IllegalArgumentException("CRT moduli must be pairwise coprime; " + primes[i]
            + " shares a factor with another");
      }
      basis[i] = m.multiply(m.mod(ti).modInverse(ti));
    }
  }

  public BigInteger product() {
    return product;
  }

  /** The centred x ≡ residues[i] (mod t_i), |x| &lt;= T/2. */
  public BigInteger combine(long[] residues) {
    if (residues.length != primes.length) {
      throw new IllegalArgumentException(residues.length + " residues for " + primes.length + " moduli");
    }
    BigInteger x = BigInteger.ZERO;
    for (int i = 0; i < primes.length; i++) {
      x = x.add(basis[i].multiply(BigInteger.valueOf(Math.floorMod(residues[i], primes[i]))));
    }
    x = x.mod(product);
    return x.compareTo(half) > 0 ? x.subtract(product) : x;
  }

  /** {@link #combine} as a long; the caller's values are known to fit. */
  public long combineLong(long[] residues) {
    return combine(residues).longValueExact();
  }
}
