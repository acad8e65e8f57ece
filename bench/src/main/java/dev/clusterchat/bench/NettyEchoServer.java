package dev.clusterchat.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The same echo job on Netty 4.1's NIO transport, written the way Netty recommends: decode each
 * line to a String, encode it (String.getBytes, as chatcore does) into a pooled buffer, write in channelRead, flush once in
 * channelReadComplete. Boss loop 1 thread, worker loops N. Runs until killed.
 */
@Command(name = "netty-echo-server", mixinStandardHelpOptions = true,
        description = "Echoes every LF-ended line on Netty (NIO); prints \"listening on PORT\" once bound.")
public final class NettyEchoServer implements Callable<Integer> {
    /** Same limit as chatcore's default maxFrameLength. */
    static final int MAX_LINE = 64 * 1024;

    @Mixin
    ServerOptions options;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(Cli.commandLine(new NettyEchoServer()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        options.validate(spec.commandLine());
        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup(options.ioThreads);
        StringDecoder decoder = new StringDecoder(StandardCharsets.UTF_8);
        Echo echo = new Echo();
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new LineBasedFrameDecoder(MAX_LINE), decoder, echo);
                    }
                });
        Channel server = b.bind("127.0.0.1", options.port).sync().channel();
        System.out.println("listening on " + ((java.net.InetSocketAddress) server.localAddress()).getPort());
        System.out.flush();
        server.closeFuture().sync(); // until the bench kills this process
        return 0;
    }

    /** Stateless, so one instance serves every channel. */
    @Sharable
    static final class Echo extends SimpleChannelInboundHandler<String> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            // the same encoder chatcore's Connection.send uses; ByteBufUtil.writeUtf8 encodes char by char and cost
            // Netty about 1.3x the CPU per 16 KiB echo (JFR: 52% unsafeWriteUtf8 + 19% utf8ByteCount of samples)
            byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
            ByteBuf out = ctx.alloc().buffer(utf8.length + 1);
            out.writeBytes(utf8).writeByte('\n');
            ctx.write(out, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
