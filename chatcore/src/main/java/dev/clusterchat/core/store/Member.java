package dev.clusterchat.core.store;

/** A group member: the user and its role. */
public record Member(long id, String name, Role role) {
}
