package dev.clusterchat.chatctl;

import picocli.CommandLine.IVersionProvider;

/** --version: the jar manifest's Implementation-Version, or "dev" when run from classes. */
final class ManifestVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Chatctl.class.getPackage().getImplementationVersion();
        return new String[] {"chatctl " + (v == null ? "dev" : v)};
    }
}
