package org.privmed.he.security;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SecurityTableTest {

    // N, then the 128 / 192 / 256-bit bounds (HE standard v1.1 Sec. 2.1.5 ternary rows; N = 65536 OpenFHE)
    private static final int[][] EXPECTED = {
        {1024, 27, 19, 14},
        {2048, 54, 37, 29},
        {4096, 109, 75, 58},
        {8192, 218, 152, 118},
        {16384, 438, 305, 237},
        {32768, 881, 611, 476},
        {65536, 1772, 1228, 956},
    };

    @Test
    void tableMatchesThePublishedBounds() {
        for (int[] row : EXPECTED) {
            for (SecurityLevel level : SecurityLevel.values()) {
                assertEquals(row[1 + level.ordinal()], SecurityTable.maxLogQP(row[0], level),
                        "N = " + row[0] + ", " + level);
            }
        }
    }

    @Test
    void everyBoundIsAcceptedAndOneBitMoreIsRefused() {
        for (int[] row : EXPECTED) {
            for (SecurityLevel level : SecurityLevel.values()) {
                int n = row[0];
                int bound = row[1 + level.ordinal()];
                assertDoesNotThrow(() -> SecurityTable.check(n, bound, level));
                InsecureParametersException e = assertThrows(InsecureParametersException.class,
                        () -> SecurityTable.check(n, bound + 1, level));
                assertEquals(bound, e.bound());
                assertEquals(n, e.ringDegree());
                assertEquals(level, e.level());
                assertTrue(e.getMessage().contains("N = " + n), e.getMessage());
                assertTrue(e.getMessage().contains("bound " + bound), e.getMessage());
                assertTrue(e.getMessage().contains(level.bits() + "-bit"), e.getMessage());
            }
        }
    }

    @Test
    void messageNamesEverything() {
        InsecureParametersException e = assertThrows(InsecureParametersException.class,
                () -> SecurityTable.check(8192, 219.0, SecurityLevel.CLASSICAL_128));
        assertEquals("log2(QP) = 219.0 exceeds the 128-bit bound 218 for N = 8192"
                + " (HomomorphicEncryption.org standard, ternary secret)", e.getMessage());
    }

    @Test
    void fractionalExcessIsNotPrintedAsTheBound() {
        InsecureParametersException e = assertThrows(InsecureParametersException.class,
                () -> SecurityTable.check(8192, 218.01, SecurityLevel.CLASSICAL_128));
        assertFalse(e.getMessage().contains("= 218.0 "), e.getMessage());
        assertTrue(e.getMessage().contains("218.01"), e.getMessage());
    }

    @Test
    void benchmarkPresetsAreAccepted() {
        // preset A: N = 8192, {60, 40, 40, 60}; preset B: N = 16384, {60, 40 x 6, 60}
        assertDoesNotThrow(() -> SecurityTable.check(8192, 200, SecurityLevel.CLASSICAL_128));
        assertDoesNotThrow(() -> SecurityTable.check(16384, 360, SecurityLevel.CLASSICAL_128));
        assertThrows(InsecureParametersException.class,
                () -> SecurityTable.check(8192, 200, SecurityLevel.CLASSICAL_256));
    }

    @Test
    void unsupportedDegreesAndBadSizesAreRefused() {
        for (int n : new int[] {512, 3000, 131072, 0, -8192}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SecurityTable.maxLogQP(n, SecurityLevel.CLASSICAL_128));
            assertFalse(e instanceof InsecureParametersException);
            assertTrue(e.getMessage().contains(Integer.toString(n)), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class,
                () -> SecurityTable.check(8192, Double.NaN, SecurityLevel.CLASSICAL_128));
        assertThrows(IllegalArgumentException.class,
                () -> SecurityTable.check(8192, -3, SecurityLevel.CLASSICAL_128));
    }
}
