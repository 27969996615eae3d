package org.privmed.infer.keys;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The client's key directory written by {@code privmed keygen}: the server's program description,
 * the parameters, the secret key (owner read/write only, 0600) and the evaluation keys to upload.
 * The secret key is created with its restrictive permissions from the start (not chmod-ed after
 * the write), so no other user can read it even for an instant.
 */
public final class ClientKeyDirectory {

    public static final String PROGRAM = "program.bin";
    public static final String PARAMETERS = "parameters.pmhe";
    public static final String SECRET_KEY = "secret.pmhe";
    public static final String RELINEARIZATION_KEY = "relinearization.pmhe";
    public static final String GALOIS_KEYS = "galois.pmhe";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path dir;

    public ClientKeyDirectory(Path dir) {
        if (dir == null) {
            throw new IllegalArgumentException("key directory must not be null");
        }
        this.dir = dir;
    }

    public Path directory() {
        return dir;
    }

    /** Writes every file; refuses to overwrite an existing secret key unless {@code overwrite}. */
    public void write(byte[] program, byte[] parameters, byte[] secretKey, byte[] relinearizationKey, byte[] galoisKeys,
            boolean overwrite) throws IOException {
        Files.createDirectories(dir);
        Path sk = dir.resolve(SECRET_KEY);
        if (Files.exists(sk) && !overwrite) {
            throw new IOException("a secret key already exists at " + sk + "; refusing to overwrite it (use --force)");
        }
        Files.deleteIfExists(sk);
        if (isPosix()) {
            Files.createFile(sk, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        Files.write(sk, secretKey, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        Files.write(dir.resolve(PROGRAM), program);
        Files.write(dir.resolve(PARAMETERS), parameters);
        writeOrDelete(dir.resolve(RELINEARIZATION_KEY), relinearizationKey);
        writeOrDelete(dir.resolve(GALOIS_KEYS), galoisKeys);
    }

    public byte[] program() throws IOException {
        return read(PROGRAM);
    }

    public byte[] parameters() throws IOException {
        return read(PARAMETERS);
    }

    /** The secret key; refuses a file that other users could read. */
    public byte[] secretKey() throws IOException {
        Path sk = dir.resolve(SECRET_KEY);
        if (isPosix() && Files.exists(sk)) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(sk);
            Set<PosixFilePermission> loose = EnumSet.copyOf(perms);
            loose.removeAll(OWNER_ONLY);
            if (!loose.isEmpty()) {
                throw new IOException("secret key " + sk + " has permissions " + PosixFilePermissions.toString(perms)
                        + "; it must be readable by its owner only (chmod 600)");
            }
        }
        return read(SECRET_KEY);
    }

    /** The relinearization key, or null if the program needs none. */
    public byte[] relinearizationKey() throws IOException {
        Path p = dir.resolve(RELINEARIZATION_KEY);
        return Files.exists(p) ? Files.readAllBytes(p) : null;
    }

    /** The Galois keys, or null if the program needs none. */
    public byte[] galoisKeys() throws IOException {
        Path p = dir.resolve(GALOIS_KEYS);
        return Files.exists(p) ? Files.readAllBytes(p) : null;
    }

    private byte[] read(String name) throws IOException {
        Path p = dir.resolve(name);
        if (!Files.exists(p)) {
            throw new IOException("missing " + p + " (run privmed keygen --out " + dir + " first)");
        }
        return Files.readAllBytes(p);
    }

    private static void writeOrDelete(Path p, byte[] data) throws IOException {
        if (data == null) {
            Files.deleteIfExists(p);
        } else {
            Files.write(p, data);
        }
    }

    private static boolean isPosix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
