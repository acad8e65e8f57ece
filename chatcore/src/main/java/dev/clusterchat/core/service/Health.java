package dev.clusterchat.core.service;

import java.util.List;
import java.util.Objects;

/**
 * What a readiness check of a {@link ChatServer} found: each component it depends on and whether
 * it is up. The server is ready when every component is. Immutable.
 *
 * @param components in a fixed order: the store, then the cluster
 */
public record Health(List<Component> components) {
    /**
     * @param name   "store" or "cluster"
     * @param up     whether it can serve now
     * @param detail what was checked, or why it is down
     */
    public record Component(String name, boolean up, String detail) {
        public Component {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(detail, "detail");
        }
    }

    public Health {
        components = List.copyOf(components);
    }

    /** Thread-safe: whether every component is up. */
    public boolean ready() {
        return components.stream().allMatch(Component::up);
    }
}
