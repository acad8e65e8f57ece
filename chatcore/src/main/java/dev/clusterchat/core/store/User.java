package dev.clusterchat.core.store;

/** A user's public view. */
public record User(long id, String name) {
}
