package dev.clusterchat.bench;

import picocli.CommandLine.Option;

/** The options both echo servers take, so the bench can start either with the same arguments. */
final class ServerOptions {
    @Option(names = "--port", paramLabel = "PORT", description = "Port to bind on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--io-threads", paramLabel = "N", description = "I/O loops that own the connections; the acceptor has its own thread (default: available processors).")
    int ioThreads = Runtime.getRuntime().availableProcessors();

    /** Throws a one-line message naming the bad option. */
    void validate(picocli.CommandLine cl) {
        if (port < 0 || port > 65535) {
            throw new picocli.CommandLine.ParameterException(cl, "--port must be between 0 and 65535: " + port);
        }
        if (ioThreads < 1) {
            throw new picocli.CommandLine.ParameterException(cl, "--io-threads cannot be less than 1: " + ioThreads);
        }
    }
}
