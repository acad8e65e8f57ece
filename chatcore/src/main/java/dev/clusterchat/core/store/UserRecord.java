package dev.clusterchat.core.store;

import java.util.Objects;

/** A stored user: its id, name and password hash. */
public record UserRecord(long id, String name, PasswordHash password) {
    public UserRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(password, "password");
    }

    public User user() {
        return new User(id, name);
    }
}
