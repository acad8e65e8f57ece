package dev.clusterchat.chatctl.bench;

/** An expected failure of a bench run: printed as one line ("chatctl: " + message) with its exit code. */
final class BenchException extends RuntimeException {
    static final int ERROR_REPLY = 1;
    static final int UNREACHABLE = 3;
    static final int NO_REPLY = 4;

    private final int exitCode;

    BenchException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
