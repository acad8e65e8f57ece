package dev.clusterchat.chatd;

import picocli.CommandLine;

/** The version from the jar manifest ("dev" when run from classes). */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Chatd.class.getPackage().getImplementationVersion();
        return new String[]{"chatd " + (v == null ? "dev" : v) + " (Java " + System.getProperty("java.version") + ")"};
    }
}
