package dev.clusterchat.core.store;

/** A member's role in a group; {@link #wire()} is the seed protocol's spelling. */
public enum Role {
    CREATOR("creator"),
    NORMAL("normal");

    private final String wire;

    Role(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Role fromWire(String s) {
        for (Role r : values()) {
            if (r.wire.equals(s)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role: " + s);
    }
}
