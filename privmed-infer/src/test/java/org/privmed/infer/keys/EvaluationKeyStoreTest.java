package org.privmed.infer.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationKeyStoreTest {

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_000_000);

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    @Test
    void storesReadsAndDeletes(@TempDir Path dir) throws Exception {
        EvaluationKeyStore store = new EvaluationKeyStore(dir, 1000, Duration.ofMinutes(5));
        EvaluationKeyStore.StoredSession s = store.put(0xabcdefL, new byte[] {1, 2, 3}, null);
        assertTrue(EvaluationKeyStore.isWellFormed(s.sessionId()));
        EvaluationKeyStore.StoredSession back = store.get(s.sessionId()).orElseThrow();
        assertArrayEquals(new byte[] {1, 2, 3}, back.relinearizationKey());
        assertNull(back.galoisKeys());
        assertEquals(0xabcdefL, back.parametersId());
        assertNotEquals(s.sessionId(), store.put(1, null, new byte[] {9}).sessionId(), "fresh random ids");
        assertTrue(store.delete(s.sessionId()));
        assertFalse(store.delete(s.sessionId()));
        assertTrue(store.get(s.sessionId()).isEmpty());
    }

    @Test
    void parameterIdWithTopBitSetSurvivesTheRoundTrip(@TempDir Path dir) throws Exception {
        EvaluationKeyStore store = new EvaluationKeyStore(dir, 1000, Duration.ofMinutes(5));
        String id = store.put(-42L, new byte[] {1}, null).sessionId();
        assertEquals(-42L, store.get(id).orElseThrow().parametersId());
    }

    @Test
    void refusesMoreThanTheCap(@TempDir Path dir) throws Exception {
        EvaluationKeyStore store = new EvaluationKeyStore(dir, 10, Duration.ofMinutes(5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> store.put(1, new byte[6], new byte[5]));
        assertTrue(e.getMessage().contains("11 bytes"), e.getMessage());
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void expiredSessionsVanish(@TempDir Path dir) throws Exception {
        ManualClock clock = new ManualClock();
        EvaluationKeyStore store = new EvaluationKeyStore(dir, 100, Duration.ofSeconds(60), clock);
        String old = store.put(1, new byte[] {1}, null).sessionId();
        clock.millis.addAndGet(30_000);
        String young = store.put(1, new byte[] {2}, null).sessionId();
        clock.millis.addAndGet(31_000);
        assertEquals(1, store.purgeExpired());
        assertFalse(Files.exists(dir.resolve(old)));
        assertTrue(store.get(old).isEmpty());
        assertTrue(store.get(young).isPresent());
        clock.millis.addAndGet(30_000);
        assertTrue(store.get(young).isEmpty(), "expired on lookup");
        assertFalse(Files.exists(dir.resolve(young)));
    }

    @Test
    void hostileSessionIdsNeverReachTheFileSystem(@TempDir Path dir) throws Exception {
        Path outside = Files.createDirectories(dir.resolve("victim"));
        EvaluationKeyStore store = new EvaluationKeyStore(dir.resolve("store"), 100, Duration.ofSeconds(60));
        assertFalse(store.delete("../victim"));
        assertTrue(Files.exists(outside));
        assertTrue(store.get("../victim").isEmpty());
        assertFalse(EvaluationKeyStore.isWellFormed("0123456789ABCDEF0123456789ABCDEF"));
    }

    @Test
    void secretKeyFileIsOwnerOnly(@TempDir Path dir) throws Exception {
        ClientKeyDirectory keys = new ClientKeyDirectory(dir.resolve("keys"));
        keys.write(new byte[] {1}, new byte[] {2}, new byte[] {3, 3}, new byte[] {4}, null, false);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("keys").resolve(ClientKeyDirectory.SECRET_KEY))));
        assertArrayEquals(new byte[] {3, 3}, keys.secretKey());
        assertNull(keys.galoisKeys());
        assertThrows(java.io.IOException.class,
                () -> keys.write(new byte[] {1}, new byte[] {2}, new byte[] {5}, null, null, false), "no silent overwrite");
        Files.setPosixFilePermissions(dir.resolve("keys").resolve(ClientKeyDirectory.SECRET_KEY),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        java.io.IOException e = assertThrows(java.io.IOException.class, keys::secretKey);
        assertTrue(e.getMessage().contains("rw-r--r--"), e.getMessage());
    }
}
