package dev.clusterchat.core.cluster;

import dev.clusterchat.core.testsupport.Await;
import dev.clusterchat.core.testsupport.RedisPrefix;
import dev.clusterchat.core.testsupport.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link RedisCluster#healthy()} follows what the heartbeat sees when the network to Redis is cut and restored. */
@Timeout(60)
class RedisClusterHealthTest {
    @Test
    void unhealthyWhileRedisIsCutOffHealthyAgainAfterRecovery() throws Exception {
        AtomicInteger recoveries = new AtomicInteger();
        try (RedisPrefix redis = RedisPrefix.create();
             TcpProxy proxy = new TcpProxy(RedisPrefix.URI.getHost(), RedisPrefix.URI.getPort() < 0 ? 6379 : RedisPrefix.URI.getPort());
             RedisCluster cluster = new RedisCluster(new RedisClusterConfig(URI.create("redis://127.0.0.1:" + proxy.port()),
                     "health", redis.prefix(), Duration.ofSeconds(2), Duration.ofMillis(200)))) {
            cluster.start(new Cluster.Inbound() {
                @Override
                public void deliver(List<Long> userIds, String message) {
                }

                @Override
                public void syncOffline(long userId) {
                }

                @Override
                public void reconnected() {
                    recoveries.incrementAndGet();
                }
            });
            assertThat(cluster.healthy()).isTrue();
            proxy.cut();
            Await.until(() -> !cluster.healthy(), Duration.ofSeconds(20), "the heartbeat to notice the cut");
            proxy.restore();
            Await.until(cluster::healthy, Duration.ofSeconds(20), "the heartbeat to recover");
            assertThat(recoveries.get()).as("healthy again only after the recovery ran").isPositive();
        }
    }

    @Test
    void aSingleNodeIsAlwaysHealthy() {
        assertThat(Cluster.single().healthy()).isTrue();
    }
}
