package dev.clusterchat.core.service;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxyHeaderTest {
    @Test
    void namesTheClientOfTcp4AndTcp6Headers() {
        assertThat(ProxyHeader.client("PROXY TCP4 203.0.113.7 10.0.0.5 53422 6000"))
                .isEqualTo(new InetSocketAddress("203.0.113.7", 53422));
        InetSocketAddress v6 = ProxyHeader.client("PROXY TCP6 2001:db8::7 2001:db8::1 4000 6000");
        assertThat(v6.getAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(v6.getPort()).isEqualTo(4000);
    }

    @Test
    void unknownNamesNoClient() {
        assertThat(ProxyHeader.client("PROXY UNKNOWN")).isNull();
        assertThat(ProxyHeader.client("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535")).isNull();
    }

    @Test
    void malformedHeadersAreRefusedWithoutLookingUpNames() {
        for (String bad : new String[] {"PROXY", "PROXY TCP4 1.2.3.4", "PROXY TCP5 1.2.3.4 5.6.7.8 1 2",
                "PROXY TCP4 example.com 5.6.7.8 1 2", "PROXY TCP4 1.2.3.256 5.6.7.8 1 2", "PROXY TCP4 1.2.3.4 5.6.7.8 70000 2",
                "PROXY TCP4 1.2.3.4 5.6.7.8 x 2", "PROXY TCP6 localhost ::1 1 2"}) {
            assertThatThrownBy(() -> ProxyHeader.client(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("malformed PROXY header");
        }
    }
}
