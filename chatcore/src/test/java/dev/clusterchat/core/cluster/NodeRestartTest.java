package dev.clusterchat.core.cluster;

import dev.clusterchat.core.testsupport.RedisPrefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node that died holding users and comes back under the same node id must not bring those
 * entries back to life with its new liveness key: its users may log in anywhere.
 */
@Timeout(30)
class NodeRestartTest {
    private static final Cluster.Inbound IGNORE = new Cluster.Inbound() {
        @Override
        public void deliver(List<Long> userIds, String message) {
        }

        @Override
        public void syncOffline(long userId) {
        }

        @Override
        public void reconnected() {
        }
    };

    private static RedisCluster node(RedisPrefix redis, String id) {
        RedisCluster c = new RedisCluster(new RedisClusterConfig(RedisPrefix.URI, id, redis.prefix(),
                Duration.ofSeconds(2), Duration.ofMillis(400)));
        c.start(IGNORE);
        return c;
    }

    @Test
    void usersOfAnEarlierRunOfTheSameNodeCanLogInElsewhere() {
        try (RedisPrefix redis = RedisPrefix.create()) {
            RedisCluster first = node(redis, "a");
            assertThat(first.claim(1)).isNull();
            assertThat(first.claim(2)).isNull();
            first.close(); // as after kill -9: nobody released users 1 and 2

            try (RedisCluster again = node(redis, "a"); RedisCluster other = node(redis, "b")) {
                assertThat(other.isOnline(1)).isFalse();
                assertThat(other.claim(1)).as("held by").isNull();
                assertThat(again.claim(2)).isNull(); // and the restarted node can take its own back
                assertThat(other.claim(2)).as("held by").isEqualTo("a");
            }
        }
    }
}
