package dev.clusterchat.core.store;

/** A group's id, unique name and description. */
public record Group(long id, String name, String description) {
}
