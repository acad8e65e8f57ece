package dev.clusterchat.core.admin;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.clusterchat.core.metrics.PrometheusText;
import dev.clusterchat.core.service.ChatServer;
import dev.clusterchat.core.service.Health;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The operators' HTTP endpoint of a {@link ChatServer}, on the JDK's built-in HTTP server (module
 * {@code jdk.httpserver}) with two threads of its own, never an I/O loop:
 *
 * <pre>
 *   GET /health        200 {"status":"up"}                        liveness: the process answers
 *   GET /health/ready  200 {"status":"ready",...} or 503          readiness: store and cluster, each named
 *   GET /metrics       200 Prometheus text format 0.0.4
 *   any other path 404; any other method 405
 * </pre>
 *
 * <p>Thread safety: thread-safe; {@link #start()} once, {@link #stop()} once (idempotent).
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AdminServer.class.getName());
    private static final String JSON = "application/json; charset=utf-8";
    private static final int THREADS = 2;
    private static final int BACKLOG = 16;

    private final InetSocketAddress address;
    private final ChatServer chat;
    private HttpServer http;
    private ExecutorService executor;

    /** Serves {@code chat}'s health and metrics on {@code address} (port 0 picks a free one) once started. */
    public AdminServer(InetSocketAddress address, ChatServer chat) {
        this.address = Objects.requireNonNull(address, "address");
        this.chat = Objects.requireNonNull(chat, "chat");
    }

    /**
     * Thread-safe: binds and starts serving. A port that cannot be bound fails here.
     *
     * @throws UncheckedIOException if the address cannot be bound
     */
    public synchronized AdminServer start() {
        if (http != null) {
            throw new IllegalStateException("already started");
        }
        HttpServer server;
        try {
            server = HttpServer.create(address, BACKLOG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address.getHostString() + ":" + address.getPort()
                    + " for the admin endpoint: " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "chat-admin-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        http = server;
        return this;
    }

    /** Thread-safe: the bound port (useful after binding port 0). */
    public synchronized int port() {
        if (http == null) {
            throw new IllegalStateException("not started");
        }
        return http.getAddress().getPort();
    }

    /** Thread-safe: stops serving at once (a request under way is cut off) and releases the port. */
    public synchronized void stop() {
        if (http == null) {
            return;
        }
        http.stop(0); // a longer grace makes the JDK's server wait it out whenever a client keeps a connection
        executor.shutdownNow();
        http = null;
    }

    /** Thread-safe: the same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** Admin thread: routes one request. */
    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            boolean known = path.equals("/health") || path.equals("/health/ready") || path.equals("/metrics");
            if (!known) {
                respond(exchange, 404, JSON, error("no such endpoint: " + path + " (try /health, /health/ready, /metrics)"));
            } else if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                respond(exchange, 405, JSON, error("method " + exchange.getRequestMethod() + " not allowed; use GET"));
            } else if (path.equals("/metrics")) {
                respond(exchange, 200, PrometheusText.CONTENT_TYPE, PrometheusText.format(chat.metrics()));
            } else if (path.equals("/health")) {
                JsonObject body = new JsonObject();
                body.addProperty("status", "up");
                respond(exchange, 200, JSON, body.toString());
            } else {
                Health h = chat.health();
                respond(exchange, h.ready() ? 200 : 503, JSON, readiness(h));
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "admin request " + exchange.getRequestURI() + " failed", e);
            respond(exchange, 500, JSON, error("internal error: " + e));
        } finally {
            exchange.close();
        }
    }

    /** {@code {"status":"ready"|"not ready","components":{"store":{"status":"up","detail":"ok"},...}}} */
    static String readiness(Health h) {
        JsonObject body = new JsonObject();
        body.addProperty("status", h.ready() ? "ready" : "not ready");
        JsonObject components = new JsonObject();
        for (Health.Component c : h.components()) {
            JsonObject o = new JsonObject();
            o.addProperty("status", c.up() ? "up" : "down");
            o.addProperty("detail", c.detail());
            components.add(c.name(), o);
        }
        body.add("components", components);
        return body.toString();
    }

    private static String error(String message) {
        JsonObject body = new JsonObject();
        body.addProperty("error", message);
        return body.toString();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
