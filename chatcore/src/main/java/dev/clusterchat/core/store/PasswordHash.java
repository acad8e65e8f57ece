package dev.clusterchat.core.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * A salted password hash as stored: the algorithm name (e.g. "PBKDF2WithHmacSHA256"), the cost
 * (iterations), the salt and the derived key. Never the password itself.
 */
public record PasswordHash(String algorithm, int iterations, byte[] salt, byte[] hash) {
    public PasswordHash {
        Objects.requireNonNull(algorithm, "algorithm");
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations cannot be less than 1: " + iterations);
        }
        salt = salt.clone();
        hash = hash.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordHash p && p.algorithm.equals(algorithm) && p.iterations == iterations
                && Arrays.equals(p.salt, salt) && Arrays.equals(p.hash, hash);
    }

    @Override
    public int hashCode() {
        return Objects.hash(algorithm, iterations, Arrays.hashCode(salt), Arrays.hashCode(hash));
    }

    @Override
    public String toString() {
        return "PasswordHash[" + algorithm + ", " + iterations + " iterations]";
    }
}
