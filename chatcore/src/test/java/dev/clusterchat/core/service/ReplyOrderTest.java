package dev.clusterchat.core.service;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Replies leave in ticket order; {@code waiting()} counts the tickets whose replies have not. */
class ReplyOrderTest {
    @Test
    void repliesReadyEarlyWaitForTheirTurnAndCountAsWaitingUntilWritten() {
        ReplyOrder order = new ReplyOrder();
        List<Long> written = new ArrayList<>();
        long first = order.take();
        long second = order.take();
        long third = order.take();
        assertThat(order.waiting()).isEqualTo(3);
        order.ready(third, () -> written.add(third));
        order.ready(second, () -> written.add(second));
        assertThat(written).isEmpty();
        assertThat(order.waiting()).as("ready is not written").isEqualTo(3);
        order.ready(first, () -> written.add(first));
        assertThat(written).containsExactly(first, second, third);
        assertThat(order.waiting()).isZero();
    }
}
