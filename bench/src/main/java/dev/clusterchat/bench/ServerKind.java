package dev.clusterchat.bench;

/** The servers the bench compares, each with the main class its child process runs. */
enum ServerKind {
    CHATCORE("chatcore", ChatcoreEchoServer.class),
    NETTY("netty", NettyEchoServer.class);

    final String label;
    final Class<?> mainClass;

    ServerKind(String label, Class<?> mainClass) {
        this.label = label;
        this.mainClass = mainClass;
    }

    static ServerKind of(String label) {
        for (ServerKind k : values()) {
            if (k.label.equalsIgnoreCase(label.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown server '" + label + "' (chatcore or netty)");
    }
}
