package dev.clusterchat.core.service;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The PROXY protocol v1 header a TCP proxy (nginx {@code proxy_protocol on}, HAProxy {@code send-proxy};
 * the binary v2 is not supported) sends first
 * on each connection, naming the client it accepted:
 * {@code PROXY TCP4 203.0.113.7 10.0.0.5 53422 6000} (the frame decoder has already dropped the
 * CRLF). {@code PROXY UNKNOWN} (a health check of the proxy's own) names no client.
 *
 * <p>Thread safety: stateless.
 */
final class ProxyHeader {
    private ProxyHeader() {
    }

    static boolean isHeader(String frame) {
        return frame.startsWith("PROXY ");
    }

    /**
     * The client address of a v1 header, or null for {@code PROXY UNKNOWN}.
     *
     * @throws IllegalArgumentException if the header is malformed (the message says how)
     */
    static InetSocketAddress client(String header) {
        String[] p = header.split(" ");
        if (p.length >= 2 && p[1].equals("UNKNOWN")) {
            return null;
        }
        if (p.length != 6 || !(p[1].equals("TCP4") || p[1].equals("TCP6"))) {
            throw new IllegalArgumentException("malformed PROXY header: expected 'PROXY TCP4|TCP6 src dst sport dport'");
        }
        if (!literal(p[2], p[1].equals("TCP4"))) {
            throw new IllegalArgumentException("malformed PROXY header: bad source address");
        }
        int port;
        try {
            port = Integer.parseInt(p[4]);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("malformed PROXY header: bad source port");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(p[2]), port); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("malformed PROXY header: bad source address");
        }
    }

    /** An IPv4 dotted quad, or an IPv6 literal: never a name (which would mean a DNS lookup). */
    private static boolean literal(String a, boolean v4) {
        if (v4) {
            return a.matches("(\\d{1,3})(\\.\\d{1,3}){3}")
                    && java.util.Arrays.stream(a.split("\\.")).allMatch(o -> Integer.parseInt(o) <= 255);
        }
        return a.indexOf(':') >= 0 && a.matches("[0-9A-Fa-f:.]+");
    }
}
