package dev.clusterchat.bench;

import dev.clusterchat.core.net.ServerConfig;
import dev.clusterchat.core.net.TcpServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Echo server on chatcore's reactor: every frame goes straight back with {@code c.send(frame)}. Runs until killed. */
@Command(name = "chatcore-echo-server", mixinStandardHelpOptions = true,
        description = "Echoes every LF-ended frame on chatcore's TcpServer; prints \"listening on PORT\" once bound.")
public final class ChatcoreEchoServer implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(Cli.commandLine(new ChatcoreEchoServer()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        options.validate(spec.commandLine());
        ServerConfig config = ServerConfig.defaults(options.port).withIoThreads(options.ioThreads);
        TcpServer server = new TcpServer(config, (c, frame) -> c.send(frame)).start();
        System.out.println("listening on " + server.port());
        System.out.flush();
        Thread.currentThread().join(); // until the bench kills this process
        return 0;
    }
}
