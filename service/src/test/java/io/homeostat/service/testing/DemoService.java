package io.homeostat.service.testing;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;

/**
 * A real process to heal: an HTTP server answering 200 on /health, and /metrics for Prometheus. Tests start it as a child JVM;
 * the process plugin kills and restarts it.
 */
public final class DemoService {
    private DemoService() {
    }

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 0);
        server.createContext("/health", exchange -> {
            byte[] body = ("ok " + ProcessHandle.current().pid()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        // What Prometheus scrapes: while this process lives, its target is up.
        server.createContext("/metrics", exchange -> {
            byte[] body = ("# TYPE demo_pid gauge\ndemo_pid " + ProcessHandle.current().pid() + "\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        Thread.currentThread().join();
    }

    /** The command line that starts this class in a new JVM on {@code port}. */
    public static java.util.List<String> command(int port) {
        String javaBinary = ProcessHandle.current().info().command().orElse("java");
        return java.util.List.of(javaBinary, "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                DemoService.class.getName(), Integer.toString(port));
    }
}
