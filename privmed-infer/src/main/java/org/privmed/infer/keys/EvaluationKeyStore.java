package org.privmed.infer.keys;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The server's on-disk store of clients' evaluation keys (relinearization and Galois keys), one
 * directory per session id. Keys are public material, but they are large (tens of MB) and tie a
 * session to one client's secret, so the store caps their size, forgets them after an expiry, and
 * names sessions by 128 random bits from SecureRandom so that ids cannot be guessed.
 *
 * <p>Only the serialized frames are stored; parsing and validation are the server's job before it
 * calls {@link #put}. Session ids are checked against a strict pattern before any path is built
 * from them, so a hostile id cannot walk out of the directory.
 */
public final class EvaluationKeyStore {

    private static final Pattern SESSION_ID = Pattern.compile("[0-9a-f]{32}");
    private static final String RELIN_FILE = "relinearization.pmhe";
    private static final String GALOIS_FILE = "galois.pmhe";
    private static final String META_FILE = "session.properties";

    private final Path dir;
    private final long maxSessionBytes;
    private final Duration ttl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** A session's stored keys and when they lapse. */
    public record StoredSession(String sessionId, long parametersId, long expiresAtEpochMs, byte[] relinearizationKey,
            byte[] galoisKeys) {

        public long bytes() {
            return (relinearizationKey == null ? 0 : relinearizationKey.length)
                    + (galoisKeys == null ? 0 : galoisKeys.length);
        }
    }

    public EvaluationKeyStore(Path dir, long maxSessionBytes, Duration ttl) {
        this(dir, maxSessionBytes, ttl, Clock.systemUTC());
    }

    EvaluationKeyStore(Path dir, long maxSessionBytes, Duration ttl, Clock clock) {
        if (dir == null) {
            throw new IllegalArgumentException("key directory must not be null");
        }
        if (maxSessionBytes <= 0) {
            throw new IllegalArgumentException("maximum key bytes per session must be positive, got " + maxSessionBytes);
        }
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("key expiry must be a positive duration, got " + ttl);
        }
        this.dir = dir;
        this.maxSessionBytes = maxSessionBytes;
        this.ttl = ttl;
        this.clock = clock;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create key directory " + dir, e);
        }
    }

    public Path directory() {
        return dir;
    }

    public long maxSessionBytes() {
        return maxSessionBytes;
    }

    public Duration ttl() {
        return ttl;
    }

    /** True if {@code id} has the shape of a session id this store hands out. */
    public static boolean isWellFormed(String id) {
        return id != null && SESSION_ID.matcher(id).matches();
    }

    /**
     * Stores a new session's keys (either may be null when the program does not need it) and
     * returns its id.
     *
     * @throws IllegalArgumentException if together they exceed the per-session cap
     */
    public StoredSession put(long parametersId, byte[] relinearizationKey, byte[] galoisKeys) throws IOException {
        long bytes = (relinearizationKey == null ? 0 : relinearizationKey.length)
                + (galoisKeys == null ? 0 : galoisKeys.length);
        if (bytes > maxSessionBytes) {
            throw new IllegalArgumentException("evaluation keys of " + bytes + " bytes exceed the cap of "
                    + maxSessionBytes + " bytes per session");
        }
        byte[] raw = new byte[16];
        random.nextBytes(raw);
        String id = HexFormat.of().formatHex(raw);
        long expires = clock.millis() + ttl.toMillis();
        Path tmp = Files.createTempDirectory(dir, ".incoming-");
        try {
            if (relinearizationKey != null) {
                Files.write(tmp.resolve(RELIN_FILE), relinearizationKey);
            }
            if (galoisKeys != null) {
                Files.write(tmp.resolve(GALOIS_FILE), galoisKeys);
            }
            Properties meta = new Properties();
            meta.setProperty("parametersId", Long.toHexString(parametersId));
            meta.setProperty("expiresAtEpochMs", Long.toString(expires));
            try (OutputStream out = Files.newOutputStream(tmp.resolve(META_FILE))) {
                meta.store(out, "PrivMed evaluation-key session");
            }
            // the session becomes visible whole or not at all
            try {
                Files.move(tmp, dir.resolve(id), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(id));
            }
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
        return new StoredSession(id, parametersId, expires, relinearizationKey, galoisKeys);
    }

    /**
     * A session's keys, or empty if no such session exists or it has expired (an expired session is
     * deleted on the way).
     */
    public Optional<StoredSession> get(String sessionId) throws IOException {
        if (!isWellFormed(sessionId)) {
            return Optional.empty();
        }
        Path s = dir.resolve(sessionId);
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(s.resolve(META_FILE))) {
            meta.load(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        long expires;
        long params;
        try {
            expires = Long.parseLong(meta.getProperty("expiresAtEpochMs", ""));
            params = Long.parseUnsignedLong(meta.getProperty("parametersId", ""), 16);
        } catch (NumberFormatException e) {
            throw new IOException("session " + sessionId + " has a corrupt " + META_FILE + ": " + e.getMessage(), e);
        }
        if (expires <= clock.millis()) {
            deleteTree(s);
            return Optional.empty();
        }
        try {
            return Optional.of(new StoredSession(sessionId, params, expires, readIfPresent(s.resolve(RELIN_FILE)),
                    readIfPresent(s.resolve(GALOIS_FILE))));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // closed while we read it
        }
    }

    /** Deletes a session's keys; false if there was none. */
    public boolean delete(String sessionId) throws IOException {
        if (!isWellFormed(sessionId)) {
            return false;
        }
        Path s = dir.resolve(sessionId);
        if (!Files.isDirectory(s)) {
            return false;
        }
        deleteTree(s);
        return true;
    }

    /** Deletes every expired session and abandoned partial upload; returns how many sessions went. */
    public int purgeExpired() throws IOException {
        int purged = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                try {
                    if (isWellFormed(name)) {
                        if (get(name).isEmpty() && !Files.exists(p)) {
                            purged++;
                        }
                    } else if (name.startsWith(".incoming-")
                            && Files.getLastModifiedTime(p).toMillis() + ttl.toMillis() < clock.millis()) {
                        deleteTree(p);
                    }
                } catch (NoSuchFileException e) {
                    // another upload finished or another purge got there first: nothing to do
                }
            }
        }
        return purged;
    }

    private static byte[] readIfPresent(Path p) throws IOException {
        return Files.exists(p) ? Files.readAllBytes(p) : null;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        if (Files.isDirectory(p)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(p)) {
                for (Path c : entries) {
                    deleteTree(c);
                }
            }
        }
        Files.deleteIfExists(p);
    }
}
