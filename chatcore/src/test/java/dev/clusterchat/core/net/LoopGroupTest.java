package dev.clusterchat.core.net;

import static dev.clusterchat.core.net.NetTestSupport.TIMEOUT_SECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class LoopGroupTest {

    @Test
    void rejectsAnEmptyGroup() {
        assertThatThrownBy(() -> new LoopGroup("g", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size");
    }

    @Test
    void handsLoopsOutRoundRobinEachOnItsOwnThread() throws Exception {
        LoopGroup group = new LoopGroup("group-test", 3).start();
        try {
            assertThat(group.size()).isEqualTo(3);
            List<EventLoop> handed = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                handed.add(group.next());
            }
            List<EventLoop> loops = group.loops();
            assertThat(handed).containsExactly(loops.get(0), loops.get(1), loops.get(2),
                    loops.get(0), loops.get(1), loops.get(2), loops.get(0));

            List<String> names = new ArrayList<>();
            for (EventLoop loop : loops) {
                CompletableFuture<String> name = new CompletableFuture<>();
                loop.execute(() -> name.complete(Thread.currentThread().getName()));
                names.add(name.get(TIMEOUT_SECONDS, SECONDS));
            }
            assertThat(names).containsExactly("group-test-0", "group-test-1", "group-test-2");
        } finally {
            assertThat(group.shutdown(TIMEOUT_SECONDS, SECONDS)).isTrue();
        }
        assertThat(NetTestSupport.liveThreads("group-test-")).isEmpty();
    }
}
