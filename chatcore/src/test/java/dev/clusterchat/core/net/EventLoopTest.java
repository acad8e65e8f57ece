package dev.clusterchat.core.net;

import static dev.clusterchat.core.net.NetTestSupport.TIMEOUT_SECONDS;
import static dev.clusterchat.core.net.NetTestSupport.await;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each test runs against a real, started loop thread. */
class EventLoopTest {
    private EventLoop loop;

    @BeforeEach
    void startLoop() {
        loop = new EventLoop("test-loop").start();
    }

    @AfterEach
    void stopLoop() throws InterruptedException {
        loop.shutdown();
        assertThat(loop.awaitTermination(TIMEOUT_SECONDS, SECONDS)).isTrue();
    }

    /** Runs the task on the loop and waits for its result. */
    private <T> T onLoop(java.util.function.Supplier<T> task) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(task.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(TIMEOUT_SECONDS, SECONDS);
    }

    private Thread loopThread() throws Exception {
        return onLoop(Thread::currentThread);
    }

    @Test
    void bufferPoolLendsAsManyBuffersAsAGroupMessageNeedsAgainWithoutAllocating() throws Exception {
        int n = 1000; // connections of one loop given output in the same round (a group message)
        int reused = onLoop(() -> {
            java.util.Set<Buffer> first = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (int i = 0; i < n; i++) {
                first.add(loop.takeBuffer());
            }
            first.forEach(loop::giveBack);
            int same = 0;
            for (int i = 0; i < n; i++) {
                Buffer b = loop.takeBuffer();
                assertThat(b.isEmpty()).isTrue();
                if (first.contains(b)) {
                    same++;
                }
            }
            return same;
        });
        assertThat(reused).isEqualTo(n);
    }

    @Test
    void bufferPoolKeepsAtMostItsByteBudgetAndNoBigBuffers() throws Exception {
        long[] pooled = onLoop(() -> {
            Buffer big = new Buffer(EventLoop.MAX_POOLED_BUFFER + 1);
            loop.giveBack(big);
            long afterBig = loop.pooledBytes();
            for (int i = 0; i < 200; i++) {
                loop.giveBack(new Buffer(EventLoop.MAX_POOLED_BUFFER));
            }
            long full = loop.pooledBytes();
            loop.takeBuffer();
            return new long[] {afterBig, full, loop.pooledBytes()};
        });
        assertThat(pooled[0]).isZero();
        assertThat(pooled[1]).isEqualTo(EventLoop.MAX_POOLED_BYTES);
        assertThat(pooled[2]).isEqualTo(EventLoop.MAX_POOLED_BYTES - EventLoop.MAX_POOLED_BUFFER);
    }

    @Test
    void cancelledTimersAreSweptFromTheHeap() throws Exception {
        int remaining = onLoop(() -> {
            List<EventLoop.Timer> ts = new java.util.ArrayList<>();
            for (int i = 0; i < 5000; i++) {
                ts.add(loop.schedule(1, java.util.concurrent.TimeUnit.HOURS, () -> { }));
            }
            ts.forEach(EventLoop.Timer::cancel);
            return loop.pendingTimers();
        });
        // without the sweep all 5,000 would wait an hour in the heap
        assertThat(remaining).isLessThan(2100);
    }

    @Test
    void executeFromAForeignThreadRunsOnTheLoopThread() throws Exception {
        assertThat(loop.inLoop()).isFalse();
        Thread t = loopThread();
        assertThat(t).isNotSameAs(Thread.currentThread());
        assertThat(t.getName()).isEqualTo("test-loop");
        assertThat(onLoop(loop::inLoop)).isTrue();
    }

    @Test
    void executeOnTheLoopRunsInline() throws Exception {
        List<String> order = onLoop(() -> {
            List<String> seen = new ArrayList<>();
            seen.add("before");
            loop.execute(() -> seen.add("inline"));
            seen.add("after");
            return seen;
        });
        assertThat(order).containsExactly("before", "inline", "after");
    }

    @Test
    void queueOnTheLoopRunsLaterNotInline() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        List<String> seen = new CopyOnWriteArrayList<>();
        loop.execute(() -> {
            seen.add("before");
            loop.queue(() -> {
                seen.add("queued");
                ran.countDown();
            });
            seen.add("after");
        });
        await(ran, "the queued task");
        assertThat(seen).containsExactly("before", "after", "queued");
    }

    @Test
    void tasksFromOneThreadRunInOrder() throws Exception {
        int n = 10_000;
        List<Integer> seen = new ArrayList<>(n); // touched only on the loop thread
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < n; i++) {
            int k = i;
            loop.execute(() -> seen.add(k));
        }
        loop.execute(done::countDown);
        await(done, "10,000 tasks");
        List<Integer> copy = onLoop(() -> new ArrayList<>(seen));
        assertThat(copy).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(copy.get(i)).isEqualTo(i);
        }
    }

    @Test
    void tasksFromFourThreadsAllRunEachInItsOrder() throws Exception {
        int threads = 4;
        int perThread = 10_000;
        int[] lastSeen = new int[threads]; // loop thread only
        AtomicInteger outOfOrder = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(threads * perThread);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread p = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 1; i <= perThread; i++) {
                    int k = i;
                    loop.execute(() -> {
                        if (lastSeen[id] != k - 1) {
                            outOfOrder.incrementAndGet();
                        }
                        lastSeen[id] = k;
                        done.countDown();
                    });
                }
            }, "producer-" + t);
            p.start();
            producers.add(p);
        }
        go.countDown();
        await(done, "40,000 tasks from 4 threads");
        for (Thread p : producers) {
            p.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        }
        assertThat(outOfOrder.get()).isZero();
        assertThat(onLoop(() -> lastSeen.clone())).containsOnly(perThread);
    }

    @Test
    void scheduleFiresAfterAtLeastTheDelay() throws Exception {
        CountDownLatch fired = new CountDownLatch(1);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        long start = System.nanoTime();
        NanoTime firedAt = new NanoTime();
        loop.schedule(100, MILLISECONDS, () -> {
            firedAt.value = System.nanoTime();
            ranOn.set(Thread.currentThread());
            fired.countDown();
        });
        await(fired, "the timer");
        assertThat(firedAt.value - start).isGreaterThanOrEqualTo(MILLISECONDS.toNanos(100));
        assertThat(ranOn.get()).isSameAs(loopThread());
    }

    /** When the timer ran; the latch publishes the value. */
    private static final class NanoTime {
        volatile long value;
    }

    @Test
    void timersFireInDeadlineOrder() throws Exception {
        List<Integer> order = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(5);
        for (int delay : new int[] {150, 30, 120, 60, 90}) {
            loop.schedule(delay, MILLISECONDS, () -> {
                order.add(delay);
                all.countDown();
            });
        }
        await(all, "five timers");
        assertThat(order).containsExactly(30, 60, 90, 120, 150);
    }

    @Test
    void timersScheduledOnTheLoopAlsoFireInDeadlineOrder() throws Exception {
        List<Integer> order = new CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(4);
        loop.execute(() -> {
            for (int delay : new int[] {80, 0, 40, 20}) {
                loop.schedule(delay, MILLISECONDS, () -> {
                    order.add(delay);
                    all.countDown();
                });
            }
        });
        await(all, "four timers");
        assertThat(order).containsExactly(0, 20, 40, 80);
    }

    @Test
    void aCancelledTimerNeverRuns() throws Exception {
        AtomicBoolean cancelledRan = new AtomicBoolean();
        CountDownLatch later = new CountDownLatch(1);
        EventLoop.Timer t = loop.schedule(30, MILLISECONDS, () -> cancelledRan.set(true));
        t.cancel();
        loop.schedule(90, MILLISECONDS, later::countDown);
        await(later, "the later timer");
        assertThat(t.isCancelled()).isTrue();
        assertThat(cancelledRan.get()).isFalse();
    }

    @Test
    void scheduleRejectsANegativeDelay() {
        assertThatThrownBy(() -> loop.schedule(-1, MILLISECONDS, () -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delay");
    }

    @Test
    void assertInLoopThrowsOffTheLoopAndPassesOnIt() throws Exception {
        assertThatThrownBy(loop::assertInLoop)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("test-loop");
        assertThat(onLoop(() -> {
            loop.assertInLoop();
            return true;
        })).isTrue();
    }

    @Test
    void aThrowingTaskDoesNotKillTheLoop() throws Exception {
        CountDownLatch after = new CountDownLatch(2);
        loop.execute(() -> {
            throw new IllegalStateException("boom (expected by the test)");
        });
        loop.schedule(0, MILLISECONDS, () -> {
            throw new Error("timer boom (expected by the test)");
        });
        loop.execute(after::countDown);
        loop.schedule(20, MILLISECONDS, after::countDown);
        await(after, "tasks after the throwing ones");
        assertThat(loopThread().isAlive()).isTrue();
    }

    @Test
    void executeInlineSwallowsTheTaskException() throws Exception {
        assertThat(onLoop(() -> {
            loop.execute(() -> {
                throw new IllegalStateException("inline boom (expected by the test)");
            });
            return "still here";
        })).isEqualTo("still here");
    }

    @Test
    void shutdownRunsQueuedTasksAndHooksThenEndsTheThread() throws Exception {
        Thread thread = loopThread();
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        loop.onShutdown(() -> ran.add("hook"));
        loop.execute(() -> {
            blocked.countDown();
            try {
                release.await(TIMEOUT_SECONDS, SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await(blocked, "the loop to be busy");
        loop.execute(() -> ran.add("queued before shutdown"));
        loop.shutdown();
        release.countDown();

        assertThat(loop.awaitTermination(TIMEOUT_SECONDS, SECONDS)).isTrue();
        thread.join(SECONDS.toMillis(TIMEOUT_SECONDS));
        assertThat(thread.isAlive()).isFalse();
        assertThat(ran).containsExactly("queued before shutdown", "hook");
    }

    @Test
    void aLoopThatNeverStartedTerminatesAtOnce() throws Exception {
        EventLoop idle = new EventLoop("never-started");
        idle.shutdown();
        assertThat(idle.awaitTermination(1, SECONDS)).isTrue();
    }

    @Test
    void startTwiceIsHarmless() throws Exception {
        loop.start();
        assertThat(loopThread().getName()).isEqualTo("test-loop");
    }
}
