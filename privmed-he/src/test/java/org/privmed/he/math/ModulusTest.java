package org.privmed.he.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ModulusTest {
    private static final long[] MODULI = {2, 3, 17, 65537, (1L << 40) + 15, (1L << 59) + 21,
            (1L << 60) - 93, (1L << 61) - 1, 1L << 60, 1L << 45};

    @Test
    void mulMatchesBigInteger() {
        for (long qv : MODULI) {
            Modulus m = new Modulus(qv);
            BigInteger bq = BigInteger.valueOf(qv);
            qt().withExamples(300).forAll(longs().between(0, qv - 1), longs().between(0, qv - 1))
                    .checkAssert((a, b) -> assertEquals(
                            BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).mod(bq).longValue(),
                            m.mul(a, b), () -> a + "*" + b + " mod " + qv));
        }
    }

    @Test
    void mulAtExtremes() {
        for (long qv : MODULI) {
            Modulus m = new Modulus(qv);
            BigInteger bq = BigInteger.valueOf(qv);
            long a = qv - 1;
            assertEquals(BigInteger.valueOf(a).pow(2).mod(bq).longValue(), m.mul(a, a));
            assertEquals(0, m.mul(0, a));
        }
    }

    @Test
    void reduceAndShoupMatchBigInteger() {
        for (long qv : MODULI) {
            Modulus m = new Modulus(qv);
            BigInteger bq = BigInteger.valueOf(qv);
            qt().withExamples(300).forAll(longs().between(0, Long.MAX_VALUE), longs().between(0, qv - 1))
                    .checkAssert((x, w) -> {
                        assertEquals(Math.floorMod(x, qv), m.reduce(x));
                        assertEquals(Math.floorMod(-x, qv), m.reduceSigned(-x));
                        long expected = BigInteger.valueOf(x).multiply(BigInteger.valueOf(w)).mod(bq).longValue();
                        assertEquals(expected, m.mulShoup(x, w, m.shoup(w)));
                        assertEquals(BigInteger.valueOf(w).shiftLeft(64).divide(bq).longValue(), m.shoup(w));
                    });
            assertEquals(Math.floorMod(Long.MIN_VALUE, qv), m.reduceSigned(Long.MIN_VALUE));
        }
    }

    @Test
    void inverseAndPow() {
        Modulus m = new Modulus((1L << 60) - 93);
        qt().withExamples(200).forAll(longs().between(1, m.value() - 1)).checkAssert(a -> {
            assertEquals(1, m.mul(a, m.inverse(a)));
            assertEquals(BigInteger.valueOf(a).modPow(BigInteger.valueOf(12345), BigInteger.valueOf(m.value())).longValue(),
                    m.pow(a, 12345));
        });
        Modulus even = new Modulus(1L << 40);
        assertThrows(ArithmeticException.class, () -> even.inverse(6));
    }

    @Test
    void rejectsOutOfRangeModulus() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Modulus(1L << 61));
        assertEquals(true, e.getMessage().contains(Long.toString(1L << 61)));
        assertThrows(IllegalArgumentException.class, () -> new Modulus(1));
    }
}
