package dev.clusterchat.core.cluster;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The cluster of one node: presence is the node's own sessions, which the service tracks itself. Stateless. */
final class SingleNode implements Cluster {
    @Override
    public String nodeId() {
        return "local";
    }

    @Override
    public void start(Inbound inbound) {
    }

    @Override
    public String claim(long userId) {
        return null;
    }

    @Override
    public void release(long userId) {
    }

    @Override
    public Map<Long, String> locateRemote(Collection<Long> userIds) {
        return Map.of();
    }

    @Override
    public boolean isOnline(long userId) {
        return false;
    }

    @Override
    public boolean publish(String nodeId, List<Long> userIds, String message) {
        return false;
    }

    @Override
    public void requestSync(String nodeId, long userId) {
    }

    @Override
    public void close() {
    }
}
