package dev.clusterchat.core.service;

import dev.clusterchat.core.store.PasswordHash;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * Salted PBKDF2 password hashes from the JDK. The cost of new hashes is configurable; a stored hash
 * keeps its own cost, so changing it never locks anyone out. Thread-safe. Slow by design: call it
 * on a worker, never on a loop.
 */
public final class PasswordHasher {
    public static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    public static final int DEFAULT_ITERATIONS = 100_000;
    private static final int SALT_BYTES = 16;
    private static final int KEY_BITS = 256;

    private final int iterations;
    private final SecureRandom random = new SecureRandom();
    private final PasswordHash dummy;

    public PasswordHasher(int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("password iterations cannot be less than 1: " + iterations);
        }
        this.iterations = iterations;
        this.dummy = hash("not a password");
    }

    public int iterations() {
        return iterations;
    }

    /** A new salted hash of the password at this hasher's cost. */
    public PasswordHash hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new PasswordHash(ALGORITHM, iterations, salt, derive(password, salt, iterations, ALGORITHM));
    }

    /** Whether the password matches, in time that does not depend on where they differ. */
    public boolean verify(String password, PasswordHash stored) {
        byte[] actual = derive(password, stored.salt(), stored.iterations(), stored.algorithm());
        return MessageDigest.isEqual(actual, stored.hash());
    }

    /** Spends the time of one verification, so an unknown id answers as slowly as a wrong password. */
    public void verifyDummy(String password) {
        verify(password, dummy);
    }

    private static byte[] derive(String password, byte[] salt, int iterations, String algorithm) {
        PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, KEY_BITS);
        try {
            return SecretKeyFactory.getInstance(algorithm).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot derive a " + algorithm + " key", e);
        } finally {
            spec.clearPassword();
        }
    }
}
